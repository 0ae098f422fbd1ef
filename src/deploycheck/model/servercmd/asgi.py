"""Readers of the ASGI servers, each with its own options, environment variables and defaults:
uvicorn (`--host`/`--port`/`--uds`, `UVICORN_*`, proxy headers on by default), hypercorn (`-b`
lists), daphne (`-b`/`-p`, Twisted `-e` endpoints, `-u` sockets) and granian (`GRANIAN_*`). Each
takes the `_Build` for the command and the words after the server's name.
"""

from __future__ import annotations

import re

from deploycheck.model.servercmd.addresses import _binds
from deploycheck.model.servercmd.options import _scan
from deploycheck.model.servercmd.record import ServerCommand
from deploycheck.model.servercmd.tokens import _Tok
from deploycheck.model.servercmd.values import _bind_list, _Build, _file_dest, _host_port, _truthy, _workers

_UVICORN_BOOLS = frozenset({
    "--reload", "--factory", "--use-colors", "--proxy-headers", "--server-header", "--date-header",
    "--access-log", "--version", "--help", "--ws-per-message-deflate",
})


def _uvicorn(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, _UVICORN_BOOLS, frozenset())
    fields = _host_port(b, opts, ("--host",), ("--port",), ("UVICORN_HOST",), ("UVICORN_PORT",),
                        "127.0.0.1", 8000)
    uds = opts.last("--uds")
    if uds is not None:
        fields.update(unix_socket=uds[0], binds=(), host=None, port=None)
    elif opts.last("--fd") is not None:
        fields.update(binds=(), host=None, port=None)
    reload = opts.flag("--reload") is True or _truthy(b.env.get("UVICORN_RELOAD"))
    proxy = opts.flag("--proxy-headers")
    fwd = opts.last("--forwarded-allow-ips")
    target = opts.positional[0].text if opts.positional else b.env.get("UVICORN_APP", "")
    log_config = opts.last("--log-config")
    return b.done(app_target=target, reload=reload, dev_server=reload,
                  proxy_headers=proxy is not False and not _truthy(b.env.get("UVICORN_NO_PROXY_HEADERS")),
                  forwarded_allow_ips=fwd[0] if fwd else b.env.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                  config_file=log_config[0] if log_config else "",
                  **_workers(b, opts, ("--workers",), ("WEB_CONCURRENCY", "UVICORN_WORKERS")), **fields)


def _hypercorn(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, frozenset({"--reload", "--debug", "--verbose", "--version", "--help"}),
                 frozenset({"-b", "-w", "-k", "-c", "-g", "-p", "-u", "-m"}))
    fields: dict[str, object] = {"host": "127.0.0.1", "port": 8000, "binds": ("127.0.0.1:8000",)}
    binds = opts.all("-b", "--bind")
    if binds:
        h0, p0, out, unix, first = _bind_list(b, binds)
        fields.update(host=h0, port=p0, binds=tuple(out), unix_socket=unix, host_explicit=True,
                      port_explicit=True, host_index=first.index, port_index=first.index)
    reload = opts.flag("--reload") is True
    cfg = opts.last("-c", "--config")
    logs = [v for v, _ in opts.all("--access-logfile", "--error-logfile", "--log-file") if _file_dest(v)]
    klass = opts.last("-k", "--worker-class")
    return b.done(app_target=opts.positional[-1].text if opts.positional else "", reload=reload,
                  dev_server=reload, config_file=cfg[0] if cfg else "", log_files=tuple(logs),
                  worker_class=klass[0] if klass else "",
                  **_workers(b, opts, ("-w", "--workers"), ()), **fields)


def _daphne(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, frozenset({"--proxy-headers", "--no-server-name", "--version", "--help"}),
                 frozenset({"-b", "-p", "-u", "-e", "-v", "-t"}))
    fields = _host_port(b, opts, ("-b", "--bind"), ("-p", "--port"), (), (), "127.0.0.1", 8000)
    endpoint = opts.last("-e", "--endpoint")
    if endpoint is not None and opts.last("-b", "--bind", "-p", "--port") is None:
        text = b.text(endpoint[0], endpoint[1]) or ""
        m_port = re.search(r"(?:^|:)port=(\d+)", text)
        m_if = re.search(r"interface=([^:]+)", text)
        host: str | None = None
        if text.startswith(("tcp:", "ssl:")):
            host = m_if.group(1).replace("\\", "") if m_if else "0.0.0.0"
        port = int(m_port.group(1)) if m_port else None
        fields.update(host=host, port=port, binds=_binds(host, port), host_explicit=True, port_explicit=True,
                      host_index=endpoint[1].index, port_index=endpoint[1].index)
    uds = opts.last("-u", "--unix-socket")
    if uds is not None and opts.last("-b", "--bind", "-p", "--port", "-e", "--endpoint") is None:
        fields.update(unix_socket=uds[0], host=None, port=None, binds=())
    access = opts.last("--access-log")
    return b.done(app_target=opts.positional[-1].text if opts.positional else "",
                  proxy_headers=opts.flag("--proxy-headers") is True,
                  log_files=(access[0],) if access and _file_dest(access[0]) else (), workers=1, **fields)


def _granian(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, frozenset({"--reload", "--factory", "--respawn-failed-workers", "--ws", "--log",
                                  "--access-log", "--version", "--help", "--reload-ignore-worker-failure"}),
                 frozenset())
    fields = _host_port(b, opts, ("--host",), ("--port",), ("GRANIAN_HOST",), ("GRANIAN_PORT",),
                        "127.0.0.1", 8000)
    reload = opts.flag("--reload") is True or _truthy(b.env.get("GRANIAN_RELOAD"))
    return b.done(app_target=opts.positional[0].text if opts.positional else "", reload=reload,
                  dev_server=reload, **_workers(b, opts, ("--workers",), ("GRANIAN_WORKERS",)), **fields)
