"""Readers of the WSGI servers, each with its own options, environment variables and defaults:
gunicorn (`-b` lists, `GUNICORN_CMD_ARGS` merged under the command line, `PORT`, the implicit
`gunicorn.conf.py`), waitress (`--host`/`--port`/`--listen`, `0.0.0.0:8080` by default) and
uWSGI (`--http`/`--socket`, `--ini` files, `--processes`).
"""

from __future__ import annotations

import shlex

from deploycheck.model.servercmd.addresses import _binds
from deploycheck.model.servercmd.options import _Opts, _scan
from deploycheck.model.servercmd.record import ServerCommand
from deploycheck.model.servercmd.tokens import _Tok
from deploycheck.model.servercmd.values import _bind_list, _Build, _file_dest, _host_port, _workers

_GUNICORN_BOOLS = frozenset({
    "--reload", "--enable-stdio-inheritance", "--daemon", "--preload", "--no-sendfile", "--reuse-port",
    "--spew", "--check-config", "--print-config", "--capture-output", "--log-syslog",
    "--disable-redirect-access-to-syslog", "--proxy-protocol", "--strip-header-spaces", "--initgroups",
    "--version", "--help", "--do-handshake-on-connect", "--suppress-ragged-eofs", "--paste-global",
    "--header-map",
})
_GUNICORN_SHORT = frozenset({"-b", "-w", "-k", "-c", "-t", "-p", "-u", "-g", "-m", "-e", "-n"})


def _gunicorn(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, _GUNICORN_BOOLS, _GUNICORN_SHORT)
    env_opts = _Opts([], [], [])
    if "GUNICORN_CMD_ARGS" in b.env:
        try:
            words = shlex.split(b.env["GUNICORN_CMD_ARGS"])
        except ValueError:
            words = b.env["GUNICORN_CMD_ARGS"].split()
        env_opts = _scan([_Tok(w, b.toks[0].index, True) for w in words], _GUNICORN_BOOLS, _GUNICORN_SHORT)
    # Later sources win: GUNICORN_CMD_ARGS, then the command line.
    merged = _Opts(env_opts.values + opts.values, env_opts.flags + opts.flags, opts.positional)
    fields: dict[str, object] = {}
    bind_src = opts.all("-b", "--bind") or env_opts.all("-b", "--bind")
    binds: list[str] = []
    host: str | None = None
    port: int | None = None
    unix = ""
    if bind_src:
        host, port, binds, unix, first = _bind_list(b, bind_src)
        fields.update(host_explicit=True, port_explicit=True, host_index=first.index,
                      port_index=first.index)
    elif "PORT" in b.env:
        # gunicorn's default bind becomes 0.0.0.0:$PORT when PORT is set (Heroku convention).
        port = b.int_(b.env_value("PORT"))
        host = "0.0.0.0"
        binds = [f"0.0.0.0:{port}"] if port is not None else []
        fields.update(port_explicit=True)
    else:
        host, port, binds = "127.0.0.1", 8000, ["127.0.0.1:8000"]
    cfg = merged.last("-c", "--config")
    logs = [v for v, t in merged.all("--access-logfile", "--error-logfile", "--log-file", "--errorlog",
                                     "--accesslog") if _file_dest(v)]
    tmp = merged.last("--worker-tmp-dir")
    klass = merged.last("-k", "--worker-class")
    fwd = merged.last("--forwarded-allow-ips")
    reload = merged.flag("--reload") is True
    return b.done(app_target=opts.positional[-1].text if opts.positional else "",
                  host=host, port=port, binds=tuple(binds), unix_socket=unix,
                  worker_class=klass[0] if klass else "", reload=reload, dev_server=reload,
                  proxy_headers=True,
                  forwarded_allow_ips=fwd[0] if fwd else b.env.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                  log_files=tuple(logs), worker_tmp_dir=tmp[0] if tmp else "",
                  config_file=cfg[0] if cfg else "gunicorn.conf.py", config_implicit=cfg is None,
                  **_workers(b, merged, ("-w", "--workers"), ("WEB_CONCURRENCY",)), **fields)


def _waitress(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, frozenset({"--call", "--help", "--ipv4", "--ipv6", "--no-ipv4", "--no-ipv6",
                                  "--expose-tracebacks", "--trusted-proxy-headers"}), frozenset())
    fields = _host_port(b, opts, ("--host",), ("--port",), (), (), "0.0.0.0", 8080)
    listens = opts.all("--listen")
    if listens:
        hosts = []
        for value, tok in listens:
            hosts.append((b.addr(value.replace("*", "0.0.0.0"), tok, 8080), tok))
        (h, p), tok = hosts[0]
        fields.update(host=h, port=p, host_explicit=True, port_explicit=True, host_index=tok.index,
                      port_index=tok.index,
                      binds=tuple(x for (hh, pp), _ in hosts for x in _binds(hh, pp)))
    uds = opts.last("--unix-socket")
    if uds is not None:
        fields.update(unix_socket=uds[0], host=None, port=None, binds=())
    threads = opts.last("--threads")
    return b.done(app_target=opts.positional[-1].text if opts.positional else "", workers=1,
                  worker_class=f"threads={threads[0]}" if threads else "", **fields)


_UWSGI_BOOLS = frozenset({
    "--master", "-M", "--enable-threads", "-T", "--lazy-apps", "--die-on-term", "--vacuum",
    "--single-interpreter", "--need-app", "--strict", "--py-autoreload", "--no-orphans",
    "--thunder-lock", "--disable-logging", "--log-master", "--honour-stdin", "--auto-procname",
})


def _uwsgi(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, _UWSGI_BOOLS, frozenset({"-s", "-p", "-w", "-H", "-L"}))
    listen = opts.last("--http", "--http-socket", "--https") or opts.last("--socket", "-s", "--uwsgi-socket")
    fields: dict[str, object] = {}
    if listen is not None:
        text = listen[0].split(",")[0]
        if not text.startswith("/"):
            h, p = b.addr(text, listen[1], 0)
            p = p or None
            fields.update(host=h, port=p, binds=_binds(h, p), host_explicit=True, port_explicit=True)
        else:
            fields["unix_socket"] = text
        fields.update(host_index=listen[1].index, port_index=listen[1].index)
    ini = opts.last("--ini", "--yaml", "--json", "--xml")
    module = opts.last("--module", "-w", "--wsgi-file", "--wsgi")
    logto = opts.last("--logto", "--daemonize", "--logto2")
    reload = opts.flag("--py-autoreload") is True or opts.last("--py-autoreload") is not None
    return b.done(app_target=module[0] if module else "", config_file=ini[0] if ini else "",
                  log_files=(logto[0],) if logto and _file_dest(logto[0]) else (), reload=reload,
                  dev_server=reload,
                  **_workers(b, opts, ("--processes", "-p", "--workers"), ()), **fields)
