"""Python apps: facts read from source with `ast` (never imported or run), dependencies, Procfiles.

`parsers/python/` fills one `PyModule` per file with positioned facts: servers started from
code (`uvicorn.run`, `app.run`), app objects, CORS settings, routes, environment reads, Django and
gunicorn settings, log files, outbound TLS clients, time zones, metrics and loopback database
hosts. Values are resolved through literals, module constants and the defaults of
`os.environ.get`/`os.getenv`/`config(...)`; a value that depends on the environment keeps the
variable names in `env`, so a rule can tell a literal from a default.

`assemble` groups modules into `PythonApp`s (one per folder holding requirements, pyproject,
Procfile or manage.py) and builds `DjangoSettings` with `from .base import *` inheritance.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from deploycheck.model.finding import TextEdit
from deploycheck.model.location import Position
from deploycheck.model.servercmd import ServerCommand, analyze, is_loopback


class Dynamic(enum.Enum):
    """A value the source does not fix: computed, imported, or read from the environment."""

    UNKNOWN = "unknown"


UNKNOWN = Dynamic.UNKNOWN


@dataclass(frozen=True, slots=True)
class Str:
    """A string literal and where it is."""

    value: str
    pos: Position


# -- facts ------------------------------------------------------------------------------------


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
class EnvRead:
    """An environment variable the code reads.

    `required`: a missing variable crashes it (`os.environ["X"]`, `config("X")` without default,
    a pydantic settings field without default). `default` is the literal default, as text.
    """

    name: str
    pos: Position
    via: str  # environ[] environ.get getenv decouple django-environ pydantic
    required: bool
    default: str | None = None
    has_default: bool = False


@dataclass(frozen=True, slots=True)
class Setting:
    """A module-level `NAME = value` (Django settings, gunicorn config).

    `value` is the resolved value (str, int, bool, None, float, tuples for lists/sets, `DictValue`
    for dicts, `UNKNOWN`); if `env` is not empty the value depends on those variables and holds
    what their defaults give. `conditional`: assigned under an `if`/`try` at module level.
    """

    name: str
    value: object
    pos: Position
    env: tuple[str, ...] = ()
    from_cpu_count: bool = False
    conditional: bool = False

    @property
    def literal(self) -> bool:
        return not self.env and self.value is not UNKNOWN and not self.from_cpu_count


@dataclass(frozen=True, slots=True)
class DictValue:
    """A dict literal's resolved items (keys and values as `Setting.value` allows)."""

    items: tuple[tuple[object, object], ...]

    def get(self, key: object) -> object:
        for k, v in self.items:
            if k == key:
                return v
        return None


@dataclass(frozen=True, slots=True)
class GunicornConfig:
    """A gunicorn config module (`gunicorn.conf.py`, `gunicorn_conf.py`, ...): its settings."""

    path: str
    settings: tuple[Setting, ...]

    def get(self, name: str) -> Setting | None:
        found = None
        for s in self.settings:
            if s.name == name:
                found = s
        return found

    def binds(self) -> tuple[str, ...] | None:
        """`bind` as a tuple of addresses; None when not set or not readable."""
        s = self.get("bind")
        if s is None:
            return None
        if isinstance(s.value, str):
            return (s.value,)
        if isinstance(s.value, tuple) and all(isinstance(v, str) for v in s.value):
            return tuple(str(v) for v in s.value)
        return None


@dataclass(frozen=True, slots=True)
class LogFile:
    """Logging to a file: `logging.FileHandler("x.log")`, `basicConfig(filename=)`, a dictConfig
    handler with `filename`, gunicorn `accesslog`/`errorlog`, loguru `logger.add("x.log")`."""

    path: str | None  # None when computed
    pos: Position
    how: str


@dataclass(frozen=True, slots=True)
class OutboundCall:
    """Outbound TLS: an `https://` URL passed to requests/httpx/urllib/aiohttp, or an SDK import."""

    library: str
    pos: Position
    url: str = ""


@dataclass(frozen=True, slots=True)
class TimeZoneUse:
    """`ZoneInfo("Europe/Paris")`, `pytz.timezone(...)`, Django `TIME_ZONE`."""

    name: str
    pos: Position
    how: str


@dataclass(frozen=True, slots=True)
class MetricsExposure:
    """prometheus_client: `start_http_server(port)` or an ASGI/WSGI app mounted/served."""

    how: str  # start_http_server | make_asgi_app | make_wsgi_app | instrumentator
    pos: Position
    port: int | None = None
    path: str = ""


@dataclass(frozen=True, slots=True)
class LocalHostUse:
    """A database/cache/broker client pointed at loopback: inside a container that is the
    container itself, not the `db` service (`psycopg2.connect(host="localhost")`,
    `"postgresql://u:p@localhost/db"`). `env` names the variable whose default this is."""

    what: str  # postgres mysql redis mongodb amqp ... or the call name
    host: str
    pos: Position
    env: str = ""


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
class PyModule:
    """One Python source file's facts."""

    path: str
    module: str  # dotted name from the path ("app/main.py" -> "app.main")
    imports: tuple[str, ...]  # top-level packages imported ("fastapi", "uvicorn", "django")
    apps: tuple[AppCreation, ...] = ()
    servers: tuple[ServerRun, ...] = ()
    cors: tuple[CorsConfig, ...] = ()
    routes: tuple[Route, ...] = ()
    env_reads: tuple[EnvRead, ...] = ()
    is_django_settings: bool = False
    settings: tuple[Setting, ...] = ()  # module-level UPPER_CASE names (Django settings only)
    star_imports: tuple[str, ...] = ()  # resolved dotted names of `from X import *`
    gunicorn: GunicornConfig | None = None
    log_files: tuple[LogFile, ...] = ()
    outbound: tuple[OutboundCall, ...] = ()
    time_zones: tuple[TimeZoneUse, ...] = ()
    metrics: tuple[MetricsExposure, ...] = ()
    local_hosts: tuple[LocalHostUse, ...] = ()
    has_main_guard: bool = False
    includes: tuple[RouterInclude, ...] = ()

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]

    def setting(self, name: str) -> Setting | None:
        found = None
        for s in self.settings:
            if s.name == name:
                found = s
        return found


# -- dependencies -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Requirement:
    """One dependency. `name` is PEP 503-normalised (`Django_Foo` -> `django-foo`)."""

    name: str
    spec: str  # version specifiers as written (">=4.2,<5"); "" when none
    pos: Position
    extras: tuple[str, ...] = ()
    markers: str = ""
    url: str = ""
    editable: bool = False
    group: str = ""  # "" for main deps; the optional-dependencies/poetry group otherwise


@dataclass(frozen=True, slots=True)
class PyDependencies:
    """A requirements file or a pyproject.toml."""

    path: str
    packages: tuple[Requirement, ...]
    includes: tuple[Str, ...] = ()  # -r / -c files, as written
    options: tuple[Str, ...] = ()  # pip options lines (--index-url, --no-binary ...)
    requires_python: str = ""
    scripts: tuple[tuple[str, str], ...] = ()  # [project.scripts] / poetry scripts: name -> target

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]

    def get(self, name: str) -> Requirement | None:
        wanted = normalize_name(name)
        for r in self.packages:
            if r.name == wanted:
                return r
        return None


def normalize_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


@dataclass(frozen=True, slots=True)
class SystemLibs:
    """OS packages a requirement needs: to build it from source, and to run it."""

    build: tuple[str, ...]  # Debian/Ubuntu
    runtime: tuple[str, ...]
    alpine_build: tuple[str, ...]
    alpine_runtime: tuple[str, ...]
    instead: str = ""  # a wheel-only alternative, when there is one
    symptom: str = ""  # what the build or import prints without them


_SYSTEM_LIBS: dict[str, SystemLibs] = {
    "psycopg2": SystemLibs(("libpq-dev", "gcc"), ("libpq5",), ("postgresql-dev", "gcc", "musl-dev"),
                           ("libpq",), "psycopg2-binary or psycopg[binary]",
                           "Error: pg_config executable not found."),
    "mysqlclient": SystemLibs(("default-libmysqlclient-dev", "pkg-config", "gcc"), ("libmariadb3",),
                              ("mariadb-dev", "pkgconf", "gcc", "musl-dev"), ("mariadb-connector-c",),
                              "PyMySQL", "Exception: Can not find valid pkg-config name."),
    "python-ldap": SystemLibs(("libldap2-dev", "libsasl2-dev", "gcc"), ("libldap-2.5-0", "libsasl2-2"),
                              ("openldap-dev", "gcc", "musl-dev"), ("libldap",), "",
                              "fatal error: lber.h: No such file or directory"),
    "uwsgi": SystemLibs(("gcc", "python3-dev"), (), ("gcc", "musl-dev", "linux-headers"), (), "",
                        "error: command 'gcc' failed: No such file or directory"),
    "pycairo": SystemLibs(("libcairo2-dev", "pkg-config", "gcc"), ("libcairo2",),
                          ("cairo-dev", "pkgconf", "gcc", "musl-dev"), ("cairo",), "",
                          "Dependency \"cairo\" not found"),
    "pygraphviz": SystemLibs(("graphviz-dev", "gcc"), ("libgraphviz-dev",), ("graphviz-dev", "gcc"),
                             ("graphviz",), "", "fatal error: graphviz/cgraph.h: No such file or directory"),
    "xmlsec": SystemLibs(("libxmlsec1-dev", "pkg-config", "gcc"), ("libxmlsec1-openssl",),
                         ("xmlsec-dev", "gcc", "musl-dev"), ("xmlsec",), "", "Could not find xmlsec1 config"),
    "pyodbc": SystemLibs((), ("unixodbc",), ("unixodbc-dev", "gcc", "g++"), ("unixodbc",), "",
                         "ImportError: libodbc.so.2: cannot open shared object file"),
    "python-magic": SystemLibs((), ("libmagic1",), (), ("libmagic",), "",
                               "ImportError: failed to find libmagic"),
    "weasyprint": SystemLibs((), ("libpango-1.0-0", "libpangoft2-1.0-0"), (), ("pango",), "",
                             "OSError: cannot load library 'pango-1.0-0'"),
    "gssapi": SystemLibs(("libkrb5-dev", "gcc"), ("libgssapi-krb5-2",), ("krb5-dev", "gcc", "musl-dev"),
                         ("krb5-libs",), "", "krb5-config: not found"),
    "cx-oracle": SystemLibs((), ("libaio1",), (), ("libaio",), "oracledb",
                            "DPI-1047: Cannot locate a 64-bit Oracle Client library"),
}


def system_libs(req: Requirement) -> SystemLibs | None:
    """OS packages `req` needs beyond pip (psycopg2 needs libpq to build and run, ...).

    psycopg (3) without the `binary`/`c` extra is pure Python and needs only the libpq runtime.
    """
    if req.name == "psycopg":
        if {"binary", "c"} & set(req.extras):
            return None
        return SystemLibs((), ("libpq5",), (), ("libpq",), "psycopg[binary]",
                          "ImportError: no pq wrapper available.")
    return _SYSTEM_LIBS.get(req.name)


def needs_system_libs(req: Requirement) -> tuple[str, ...]:
    """The Debian packages needed to *build* `req` from source (empty if it needs none)."""
    libs = system_libs(req)
    return libs.build if libs else ()


# -- Procfile ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProcfileEntry:
    """`web: gunicorn app:app` — run by a shell, so `$PORT` expands."""

    process: str
    command: str
    pos: Position  # the process name
    command_pos: Position

    @property
    def shell_argv(self) -> tuple[str, ...]:
        """How the platform runs it: through a shell (pass to `servercmd.analyze`)."""
        return ("/bin/sh", "-c", self.command)

    def server(self, env: dict[str, str] | None = None) -> ServerCommand | None:
        return analyze(self.shell_argv, env)


@dataclass(frozen=True, slots=True)
class Procfile:
    path: str
    entries: tuple[ProcfileEntry, ...]

    def get(self, process: str) -> ProcfileEntry | None:
        for e in self.entries:
            if e.process == process:
                return e
        return None


# -- assembled --------------------------------------------------------------------------------


_DEV_NAME = re.compile(r"(^|[_\-.])(dev|devel|develop|development|local|test|tests|testing|ci|debug)"
                       r"([_\-.]|$)")


def dev_like(path: str) -> bool:
    """A file meant for development or tests only: `settings/local.py`, `run_dev.py`, `tests/...`."""
    parts = path.lower().split("/")
    stem = parts[-1].removesuffix(".py")
    return bool(_DEV_NAME.search(stem)) or stem.startswith("test_") or any(
        p in ("tests", "test", "testing") for p in parts[:-1])


@dataclass(frozen=True, slots=True)
class DjangoSettings:
    """A Django settings module with what it inherits through `from .base import *`.

    `effective` holds own settings over inherited ones (own win). `leaf`: no other settings
    module star-imports this one (it is a module DJANGO_SETTINGS_MODULE would name).
    `dev_like`: named like a development/test module (local.py, dev.py, settings_test.py).
    """

    path: str
    module: str
    own: tuple[Setting, ...]
    effective: tuple[tuple[str, Setting], ...]  # (path the setting is written in, setting)
    bases: tuple[str, ...]  # paths of star-imported settings modules
    leaf: bool
    dev_like: bool

    def get(self, name: str) -> tuple[str, Setting] | None:
        for path, s in self.effective:
            if s.name == name:
                return path, s
        return None


@dataclass(frozen=True, slots=True)
class PythonApp:
    """A Python app: the modules under one folder with requirements/pyproject/Procfile/manage.py
    (or the project root when none), with their dependencies and Procfile."""

    root: str  # folder, '' for the project root
    modules: tuple[PyModule, ...]
    dependencies: tuple[PyDependencies, ...]
    procfile: Procfile | None

    @property
    def frameworks(self) -> frozenset[str]:
        return frozenset(a.framework for m in self.modules for a in m.apps)

    def servers(self) -> Iterator[tuple[PyModule, ServerRun]]:
        for m in self.modules:
            for s in m.servers:
                yield m, s

    def routes(self) -> Iterator[tuple[PyModule, Route]]:
        for m in self.modules:
            for r in m.routes:
                yield m, r

    def cors(self) -> Iterator[tuple[PyModule, CorsConfig]]:
        for m in self.modules:
            for c in m.cors:
                yield m, c

    def env_reads(self) -> Iterator[tuple[PyModule, EnvRead]]:
        for m in self.modules:
            for e in m.env_reads:
                yield m, e

    def required_env(self) -> Iterator[tuple[PyModule, EnvRead]]:
        return ((m, e) for m, e in self.env_reads() if e.required)

    def health_routes(self) -> tuple[Route, ...]:
        return tuple(r for _, r in self.routes() if r.is_health)

    def has_metrics(self) -> bool:
        return any(r.is_metrics for _, r in self.routes()) or any(m.metrics for m in self.modules)

    def requirement(self, name: str) -> Requirement | None:
        for d in self.dependencies:
            found = d.get(name)
            if found is not None:
                return found
        return None

    def module(self, target: str) -> PyModule | None:
        """The module a server target names: "main:app", "app.main", "app/main.py", "pkg"."""
        target = target.split(":", 1)[0].strip()
        if not target:
            return None
        if target.endswith(".py") or "/" in target:
            rel = target.removeprefix("./").lstrip("/")
            for m in self.modules:
                if m.path == rel or m.path.endswith("/" + rel):
                    return m
            return None
        dotted = target
        for m in self.modules:
            if m.module == dotted or m.module == dotted + ".__init__":
                return m
        for m in self.modules:
            if m.module.endswith("." + dotted) or m.module.endswith("." + dotted + ".__init__"):
                return m
        return None


def _dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def assemble(models: Sequence[object]) -> tuple[object, ...]:
    """PythonApp per app folder, and DjangoSettings per settings module."""
    modules = [m for m in models if isinstance(m, PyModule)]
    deps = [d for d in models if isinstance(d, PyDependencies)]
    procfiles = [p for p in models if isinstance(p, Procfile)]
    if not modules and not deps and not procfiles:
        return ()
    roots = {d.directory for d in deps} | {p.path.rpartition("/")[0] for p in procfiles}
    roots |= {m.directory for m in modules if m.path.rpartition("/")[2] == "manage.py"}
    grouped: dict[str, list[PyModule]] = {}
    for m in modules:
        grouped.setdefault(_root_of(m.path, roots), []).append(m)
    out: list[object] = []
    for root in sorted(roots | set(grouped)):
        proc = next((p for p in procfiles if p.path.rpartition("/")[0] == root), None)
        out.append(PythonApp(root, tuple(_complete_routes(grouped.get(root, []))),
                             tuple(d for d in deps if d.directory == root), proc))
    out.extend(_django(modules))
    return tuple(out)


def _complete_routes(modules: Sequence[PyModule]) -> list[PyModule]:
    """Routes registered on an APIRouter or Blueprint get their full paths from the
    `include_router`/`register_blueprint` calls that mount them (across modules, through nested
    routers); a route whose mounting is not fully known stays partial."""
    includes = [inc for m in modules for inc in m.includes]
    if not includes:
        return list(modules)
    routers: dict[str, str] = {}  # qualified name -> its own prefix
    for m in modules:
        for a in m.apps:
            if a.framework in ("apirouter", "blueprint") and a.name and a.prefix_known:
                routers[f"{m.module}.{a.name}"] = a.prefix
    names = _Names(routers)
    by_target: dict[str, list[RouterInclude]] = {}
    for inc in includes:
        key = names.find(inc.target)
        if key is not None:
            by_target.setdefault(key, []).append(inc)
    mounts: dict[str, list[str] | None] = {}

    def mounted_at(key: str, seen: frozenset[str]) -> list[str] | None:
        """Where the root of router `key` is served (one path per include), None if unknown."""
        if key in mounts:
            return mounts[key]
        found: list[str] | None = []
        for inc in by_target.get(key, []):
            if inc.prefix is None or found is None:
                found = None
                break
            tail = _join_path(inc.prefix, "" if inc.replaces else routers[key])
            if not inc.into:
                found.append(tail)
                continue
            parent = names.find(inc.into)
            above = mounted_at(parent, seen | {key}) if parent is not None and parent not in seen else None
            if above is None:
                found = None
                break
            found.extend(_join_path(p, tail) for p in above)
        if not found:
            found = None  # never included: it may be mounted in a way we do not read
        mounts[key] = found
        return found

    out = []
    for m in modules:
        routes: list[Route] = []
        for route in m.routes:
            key = names.find(route.router) if route.router else None
            at = mounted_at(key, frozenset()) if key is not None else None
            if at is None or not route.path.startswith(route.own_prefix):
                routes.append(route)
                continue
            rest = route.path[len(route.own_prefix):]
            routes.extend(replace(route, path=_join_path(p, rest) or "/", partial=False) for p in at)
        out.append(replace(m, routes=tuple(routes)) if routes != list(m.routes) else m)
    return out


class _Names:
    """Finds a router by a qualified name as some module imports it: `app.routers.users.router`
    names `services/shop/app/routers/users.py`'s `router` (a suffix on a dot boundary, if only
    one router matches)."""

    def __init__(self, routers: dict[str, str]) -> None:
        self.routers = routers

    def find(self, name: str) -> str | None:
        if name in self.routers:
            return name
        hits = [key for key in self.routers if key.endswith("." + name) or name.endswith("." + key)]
        return hits[0] if len(hits) == 1 else None


def _join_path(prefix: str, path: str) -> str:
    """A prefix and a path as the frameworks join them: one slash between."""
    if not prefix:
        return path
    if not path:
        return prefix
    return prefix.rstrip("/") + "/" + path.lstrip("/")


def _root_of(path: str, roots: set[str]) -> str:
    folder = path.rpartition("/")[0]
    while True:
        if folder in roots:
            return folder
        if not folder:
            return ""
        folder = folder.rpartition("/")[0]


def _django(modules: Sequence[PyModule]) -> list[DjangoSettings]:
    settings = [m for m in modules if m.is_django_settings]
    if not settings:
        return []
    by_dotted: dict[str, PyModule] = {}
    for m in settings:
        by_dotted[_dotted(m.path)] = m
    def resolve(name: str) -> PyModule | None:
        if name in by_dotted:
            return by_dotted[name]
        for dotted, mod in by_dotted.items():
            if dotted.endswith("." + name):
                return mod
        return None
    bases: dict[str, list[PyModule]] = {}
    imported: set[str] = set()
    for m in settings:
        found = [b for b in (resolve(n) for n in m.star_imports) if b is not None and b is not m]
        bases[m.path] = found
        imported.update(b.path for b in found)
    out = []
    for m in settings:
        effective: dict[str, tuple[str, Setting]] = {}
        _inherit(m, bases, effective, set())
        dev = dev_like(m.path)
        out.append(DjangoSettings(m.path, m.module, m.settings, tuple(effective.values()),
                                  tuple(b.path for b in bases[m.path]), m.path not in imported, dev))
    return out


def _inherit(m: PyModule, bases: dict[str, list[PyModule]], out: dict[str, tuple[str, Setting]],
             seen: set[str]) -> None:
    if m.path in seen:
        return
    seen.add(m.path)
    for base in bases.get(m.path, []):
        _inherit(base, bases, out, seen)
    for s in m.settings:
        if s.conditional and s.name in out:
            continue  # a conditional override leaves the inherited value possible
        out[s.name] = (m.path, s)
