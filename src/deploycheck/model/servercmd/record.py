"""The `ServerCommand` record: which server a command line starts, its effective listen address,
workers, reload and proxy settings, log and config files, and where in the argv each value came
from, with the two questions rules ask of it (`runs_script`, `loopback_only`). Frozen and slotted,
built by `_Build.done` in `values`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from deploycheck.model.servercmd.addresses import is_loopback, split_hostport


@dataclass(frozen=True, slots=True)
class ServerCommand:
    """A recognised server start. `host`/`port` are effective values (defaults applied);
    None means the command line alone cannot tell (an unset variable, a config file, a script).

    Indexes point into the argv given to `analyze`: `index` at the token naming the server,
    `host_index`/`port_index` at the token carrying the value (for `sh -c "..."`, the string).
    """

    kind: str  # uvicorn gunicorn hypercorn daphne granian flask fastapi runserver waitress uwsgi
    #            python-script python-module
    argv: tuple[str, ...]  # the server's own words, unwrapped (and expanded in shell form)
    app_target: str = ""  # "main:app", "app.wsgi", a script path or a module name
    host: str | None = None
    host_explicit: bool = False
    port: int | None = None
    port_explicit: bool = False
    binds: tuple[str, ...] = ()  # every listen address as host:port (gunicorn/hypercorn -b ...)
    unix_socket: str = ""
    workers: int | None = None  # effective; None when unknown
    workers_explicit: bool = False
    worker_class: str = ""
    reload: bool = False
    dev_server: bool = False  # flask run, runserver, fastapi dev, any --reload
    proxy_headers: bool = False  # honours X-Forwarded-* (from forwarded_allow_ips)
    forwarded_allow_ips: str | None = None
    log_files: tuple[str, ...] = ()  # log destinations that are files, not '-' / /dev/std*
    worker_tmp_dir: str = ""
    config_file: str = ""  # -c/--config, --ini; for gunicorn the implicit ./gunicorn.conf.py
    config_implicit: bool = False
    shell: bool = False  # came through a shell (variables expanded)
    index: int = 0
    host_index: int | None = None
    port_index: int | None = None
    unresolved: tuple[str, ...] = ()  # variables the host/port/workers need that env lacks
    literal_vars: tuple[str, ...] = ()  # "$PORT" passed verbatim (exec form: nothing expands it)
    env: tuple[tuple[str, str], ...] = field(default=())  # assignments made on the command line

    @property
    def runs_script(self) -> bool:
        """`python app.py` / `python -m pkg`: the listen address is in the module's own code."""
        return self.kind in ("python-script", "python-module")

    @property
    def loopback_only(self) -> bool:
        """Known to listen only on loopback: unreachable through a published port or a Service."""
        if self.unix_socket and not self.binds:
            return False
        hosts = [split_hostport(b, 0)[0] for b in self.binds] if self.binds else [self.host]
        return bool(hosts) and all(h is not None and is_loopback(h) for h in hosts)
