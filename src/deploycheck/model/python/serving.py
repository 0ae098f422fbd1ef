"""Facts about how a Python app serves HTTP, as one source file shows them.

App objects created (`FastAPI()`, `Flask(__name__)`, routers and blueprints), servers started from
code (`uvicorn.run`, `app.run`, ...), CORS set up in code, routes, the `include_router` /
`register_blueprint` calls that mount routers, and Prometheus metrics exposed. Each record keeps
the 1-based `Position` the parser found it at.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.finding import TextEdit
from deploycheck.model.location import Position
from deploycheck.model.python.values import Str
from deploycheck.model.servercmd import is_loopback


@dataclass(frozen=True, slots=True)
class AppCreation:
    """`app = FastAPI()` / `Flask(__name__)` / `Starlette()` / `APIRouter(prefix=...)` / `Blueprint`."""

    framework: str  # fastapi flask starlette quart sanic dash apirouter blueprint
    name: str  # the variable bound ('' if not assigned to a name)
    pos: Position
    prefix: str = ""  # APIRouter(prefix=) / Blueprint(url_prefix=)
    prefix_known: bool = True  # False when the prefix is an expression we cannot evaluate


@dataclass(frozen=True, slots=True)
class ServerRun:
    """A server started from code: `uvicorn.run(...)`, `app.run(...)`, `waitress.serve(...)`.

    `host`/`port` are effective (the server's default when not given); None when unknown.
    `host_env`/`port_env` name the variable the value comes from (its default is then used).
    `guard` says when the call runs: "main" (under `if __name__ == "__main__":`), "top-level"
    (on import), "main-function" (in a function that the main block calls) or "function".
    """

    kind: str  # uvicorn flask quart sanic dash socketio waitress aiohttp hypercorn
    pos: Position
    app: str  # "main:app" or the variable passed / called on
    host: str | None
    host_explicit: bool
    host_pos: Position | None
    host_env: str
    port: int | None
    port_explicit: bool
    port_pos: Position | None
    port_env: str
    reload: bool | None
    reload_pos: Position | None
    debug: bool | None
    debug_pos: Position | None
    debug_env: str
    proxy_headers: bool | None
    forwarded_allow_ips: str | None
    workers: int | None
    guard: str
    # The edit that makes the call listen on every interface: the host literal's text replaced,
    # or `host="0.0.0.0"` added; None when the source is not plain enough to edit safely.
    bind_all: TextEdit | None = None

    @property
    def runs_as_script(self) -> bool:
        """Runs when the module is executed (`python main.py`)."""
        return self.guard in ("main", "top-level", "main-function")

    @property
    def loopback(self) -> bool:
        return self.host is not None and is_loopback(self.host)


@dataclass(frozen=True, slots=True)
class CorsConfig:
    """CORS as set up in code. Starlette's defaults apply when an argument is missing.

    `origins` is None when the list cannot be read (a settings attribute, a function call);
    `origins_env` names variables the list was derived from (their defaults were used).
    `methods` is None when not given (Starlette then allows only GET; flask-cors allows all).
    """

    library: str  # starlette (FastAPI's CORSMiddleware too) | flask-cors
    pos: Position
    origins: tuple[Str, ...] | None
    origins_pos: Position | None
    origins_env: tuple[str, ...]
    origin_regex: str | None
    credentials: bool | None
    credentials_pos: Position | None
    methods: tuple[str, ...] | None
    headers: tuple[str, ...] | None

    @property
    def wildcard(self) -> bool:
        return self.origins is not None and any(o.value.strip() == "*" for o in self.origins)


@dataclass(frozen=True, slots=True)
class Route:
    """An HTTP route. The parser puts in `path` the prefixes known in the same module (router
    prefix, blueprint url_prefix); `assemble` then adds those of the `include_router` /
    `register_blueprint` calls that mount the router, in any module of the app. `partial` when
    a mount we could not read may still add more."""

    framework: str  # fastapi flask starlette django
    methods: tuple[str, ...]  # upper-case; ("*",) when any
    path: str
    pos: Position
    handler: str = ""
    partial: bool = False
    # On an APIRouter or Blueprint: its qualified name ("app.routers.users.router") and the
    # prefix of its own that `path` starts with, so includes elsewhere can complete the path.
    router: str = ""
    own_prefix: str = ""

    @property
    def is_health(self) -> bool:
        last = self.path.rstrip("/$").rpartition("/")[2].lower()
        return last in _HEALTH_NAMES

    @property
    def is_metrics(self) -> bool:
        return self.path.rstrip("/$").rpartition("/")[2].lower() == "metrics"


_HEALTH_NAMES = frozenset({"health", "healthz", "healthcheck", "health-check", "health_check", "ready",
                           "readyz", "readiness", "live", "livez", "liveness", "ping", "status", "up"})


@dataclass(frozen=True, slots=True)
class RouterInclude:
    """`into.include_router(target, prefix=...)` (FastAPI) or `into.register_blueprint(target,
    url_prefix=...)` (Flask). Names are qualified through the module's imports; `prefix` is None
    when it cannot be evaluated, and `replaces` says Flask's url_prefix replaces the blueprint's own."""

    target: str
    into: str  # qualified name of the router it is included in; "" for the app itself
    prefix: str | None
    replaces: bool
    pos: Position


@dataclass(frozen=True, slots=True)
class MetricsExposure:
    """prometheus_client: `start_http_server(port)` or an ASGI/WSGI app mounted/served."""

    how: str  # start_http_server | make_asgi_app | make_wsgi_app | instrumentator
    pos: Position
    port: int | None = None
    path: str = ""
