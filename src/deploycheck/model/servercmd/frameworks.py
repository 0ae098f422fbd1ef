"""Readers of the development servers that web frameworks' own CLIs start: Django's
`manage.py runserver` (and `django-admin`, `python -m django`, `runserver_plus`), `flask run`
(`FLASK_RUN_*`, `FLASK_DEBUG`) and `fastapi run`/`fastapi dev` (which differ in default host and
reload). A command that names the CLI without its serving subcommand gives None.
"""

from __future__ import annotations

from collections.abc import Mapping

from deploycheck.model.servercmd.addresses import _binds
from deploycheck.model.servercmd.options import _scan
from deploycheck.model.servercmd.record import ServerCommand
from deploycheck.model.servercmd.tokens import _Tok
from deploycheck.model.servercmd.values import _Build, _host_port, _truthy, _workers


def _django(toks: list[_Tok], rest: list[_Tok], env: Mapping[str, str],
            cmd_env: tuple[tuple[str, str], ...]) -> ServerCommand | None:
    b = _Build("runserver", toks, env, cmd_env)
    opts = _scan(rest, frozenset({"--noreload", "--nothreading", "--ipv6", "--insecure", "--nostatic",
                                  "--skip-checks", "--force-color", "--no-color", "--traceback"}),
                 frozenset({"-v"}))
    words = [t for t in opts.positional]
    if not words or words[0].text not in ("runserver", "runserver_plus", "runsslserver"):
        return None
    ipv6 = opts.flag("--ipv6", "-6") is True
    host: str | None = "::1" if ipv6 else "127.0.0.1"
    port: int | None = 8000
    host_index = port_index = None
    explicit = False
    if len(words) > 1:
        raw = words[1].text
        if ":" in raw:
            host, port = b.addr(raw, words[1], 8000)
            host = "0.0.0.0" if host == "0" else host
            explicit = True
        else:
            port = b.int_(b.text(raw, words[1]))
        host_index = port_index = words[1].index
    noreload = opts.flag("--noreload") is True
    return b.done(app_target="manage.py", host=host, host_explicit=explicit, port=port,
                  port_explicit=len(words) > 1, binds=_binds(host, port), reload=not noreload,
                  dev_server=True, host_index=host_index, port_index=port_index, workers=1)


def _flask(b: _Build, rest: list[_Tok]) -> ServerCommand | None:
    bools = frozenset({"--debug", "--reload", "--debugger", "--with-threads", "--eager-loading",
                       "--lazy-loading", "--version", "--help"})
    opts = _scan(rest, bools, frozenset({"-A", "-h", "-p", "-e"}))
    if not opts.positional or opts.positional[0].text != "run":
        return None
    fields = _host_port(b, opts, ("-h", "--host"), ("-p", "--port"), ("FLASK_RUN_HOST",),
                        ("FLASK_RUN_PORT",), "127.0.0.1", 5000)
    app = opts.last("-A", "--app")
    debug = opts.flag("--debug")
    if debug is None:
        debug = _truthy(b.env.get("FLASK_DEBUG"))
    reload = opts.flag("--reload")
    reload = debug if reload is None else reload
    return b.done(app_target=app[0] if app else b.env.get("FLASK_APP", ""), reload=bool(reload),
                  dev_server=True, workers=1, **fields)


def _fastapi(b: _Build, rest: list[_Tok]) -> ServerCommand | None:
    opts = _scan(rest, frozenset({"--reload", "--proxy-headers", "--verbose", "--version", "--help"}),
                 frozenset())
    if not opts.positional or opts.positional[0].text not in ("run", "dev"):
        return None
    dev = opts.positional[0].text == "dev"
    fields = _host_port(b, opts, ("--host",), ("--port",), (), (), "127.0.0.1" if dev else "0.0.0.0", 8000)
    reload = opts.flag("--reload")
    reload = dev if reload is None else reload
    app = opts.last("--app", "--entrypoint", "-e")
    target = opts.positional[1].text if len(opts.positional) > 1 else ""
    fwd = opts.last("--forwarded-allow-ips")
    return b.done(app_target=app[0] if app else target, reload=bool(reload), dev_server=dev or bool(reload),
                  proxy_headers=opts.flag("--proxy-headers") is not False,
                  forwarded_allow_ips=fwd[0] if fwd else b.env.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                  **_workers(b, opts, ("--workers",), ()), **fields)
