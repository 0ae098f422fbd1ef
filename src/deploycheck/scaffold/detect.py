"""What `init` needs to know about the app, read from the project model (never by running it).

Everything here comes from the models `deploycheck check` builds: `GoPackage` and `GoMod` for Go,
`PythonApp`, `PyModule` and `PyDependencies` for Python. A few plain files that no parser reads
(`.python-version`, `runtime.txt`, a `vendor/` folder) are looked at on disk.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from deploycheck.engine.config import Config
from deploycheck.model.golang import GoPackage, is_health_path, is_metrics_path
from deploycheck.model.project import Project
from deploycheck.model.python import PythonApp

DEFAULT_GO = "1.22"
DEFAULT_PYTHON = "3.12"


class DetectError(Exception):
    """No app, or more than one, under the folder: the message says which and how to choose."""


@dataclass(frozen=True, slots=True)
class Service:
    """A backing service the app talks to (postgres, mysql, redis), and why we think so."""

    kind: str
    evidence: str


@dataclass(frozen=True, slots=True)
class EnvNeed:
    """An environment variable the app reads: required (no default) or with its default."""

    name: str
    required: bool
    default: str | None
    where: str  # file:line


@dataclass(frozen=True, slots=True)
class AppFacts:
    """The app as `init` sees it. Paths are relative to the project root (POSIX)."""

    language: str  # "go" | "python"
    framework: str  # gin | net/http | echo | fiber | fastapi | flask | django | starlette
    name: str  # a DNS-1123 label for images, services, Deployments
    app_dir: str  # the folder holding go.mod / requirements ('' for the root)
    port: int
    port_env: str = ""  # the variable the app reads its port from ("PORT")
    addr_env: str = ""  # the variable holding a whole listen address ("ADDR")
    addr_flag: str = ""  # a flag holding the listen address ("addr")
    listen_problem: str = ""  # a hard-coded loopback address init cannot change
    health_path: str = ""
    liveness_path: str = ""
    metrics_path: str = ""
    required_env: tuple[EnvNeed, ...] = ()
    optional_env: tuple[EnvNeed, ...] = ()
    services: tuple[Service, ...] = ()
    sets_cors: bool = False
    trusted_proxies: str = ""  # how the app decides whom to trust for X-Forwarded-*
    # Go
    go_version: str = ""
    go_package: str = "."  # the main package, relative to app_dir ("./cmd/api")
    go_sum: bool = False
    vendored: bool = False
    cgo: bool = False
    cgo_why: str = ""
    needs_ca: bool = False
    needs_tzdata: bool = False
    runtime_files: tuple[str, ...] = ()  # files/folders (relative to app_dir) read at run time
    # Python
    python_version: str = ""
    requirements: str = ""  # requirements file relative to app_dir, or "pyproject.toml"
    asgi: bool = False
    target: str = ""  # "main:app", "project.wsgi:application"
    server: str = ""  # "uvicorn" | "gunicorn"
    server_installed: bool = True  # the server is among the dependencies
    system_packages: tuple[str, ...] = ()  # Debian runtime packages the dependencies need
    probe_headers: tuple[tuple[str, str], ...] = ()  # what a health probe must send (Django)

    @property
    def go_minor(self) -> tuple[int, int]:
        return _version_tuple(self.go_version)

    @property
    def is_go(self) -> bool:
        return self.language == "go"


def _version_tuple(text: str) -> tuple[int, int]:
    parts = re.findall(r"\d+", text)
    if len(parts) < 2:
        return (0, 0)
    return int(parts[0]), int(parts[1])


def dns_label(text: str) -> str:
    label = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return (label or "app")[:40].strip("-") or "app"


def detect(root: str, config: Config | None = None, app_dir: str | None = None,
           project: Project | None = None) -> AppFacts:
    """The one app under `root` (or under `app_dir` inside it)."""
    from deploycheck.engine.runner import load_root

    if project is None:
        project = load_root(root, config or Config(jobs=1)).project
    want = None if app_dir is None else app_dir.strip("/").removeprefix("./").rstrip("/")
    if want == ".":
        want = ""
    go = [p for p in project.of(GoPackage) if p.is_main and p.serves_http]
    py = [a for a in project.of(PythonApp) if _python_framework(a)]
    candidates: list[tuple[str, GoPackage | PythonApp]] = []
    for pkg in go:
        folder = pkg.module.directory if pkg.module else pkg.directory
        candidates.append((folder, pkg))
    for app in py:
        candidates.append((app.root, app))
    if want is not None:
        candidates = [c for c in candidates if c[0] == want or (
            isinstance(c[1], GoPackage) and c[1].directory == want)]
    if not candidates:
        where = f"{want or '.'} of {root}" if want is not None else root
        raise DetectError(f"no web app found in {where}: init knows Go main packages that start an "
                          "HTTP server (Gin, net/http, echo, fiber) and Python apps using FastAPI, "
                          "Flask, Django or Starlette")
    if len(candidates) > 1:
        names = ", ".join(sorted({(c[0] or ".") if isinstance(c[1], PythonApp) else
                                  (c[1].directory or ".") for c in candidates}))
        raise DetectError(f"several apps found ({names}); choose one with --app DIR")
    folder, found = candidates[0]
    if isinstance(found, GoPackage):
        return _go(root, project, folder, found)
    return _python(root, folder, found)


_WEB_FRAMEWORKS = frozenset({"fastapi", "flask", "django", "starlette", "quart"})


# -- Go -------------------------------------------------------------------------------------------

_GO_SERVICES = {
    "github.com/lib/pq": "postgres", "github.com/jackc/pgx": "postgres",
    "gorm.io/driver/postgres": "postgres", "github.com/go-pg/pg": "postgres",
    "github.com/go-sql-driver/mysql": "mysql", "gorm.io/driver/mysql": "mysql",
    "github.com/redis/go-redis": "redis", "github.com/go-redis/redis": "redis",
    "github.com/gomodule/redigo": "redis", "github.com/redis/rueidis": "redis",
}


def _go(root: str, project: Project, folder: str, pkg: GoPackage) -> AppFacts:
    mod = pkg.module
    rel_pkg = pkg.directory[len(folder):].lstrip("/") if folder else pkg.directory
    framework = "gin" if any(e.framework == "gin" for e in pkg.engines) else (
        pkg.engines[0].framework if pkg.engines else "net/http")
    port, port_env, addr_env, addr_flag, problem = _go_listen(pkg)
    health, liveness = _health(r.route for r in pkg.routes
                               if r.prefix_known and r.method in ("GET", "ANY", "Any", "Handle", ""))
    metrics = next((r.route for r in pkg.routes if r.prefix_known and is_metrics_path(r.route)), "")
    if not metrics and pkg.metrics:
        metrics = "/metrics"
    services = _services(
        [(imp.path, f"{f.path}:{imp.pos.line} imports {imp.path}") for f in pkg.files
         for imp in f.imports],
        _GO_SERVICES, [(r.name, f"{r.path}:{r.pos.line}") for r in pkg.env_reads])
    required, optional = _env_needs((r.name, r.required, r.default, f"{r.path}:{r.pos.line}")
                                    for r in pkg.env_reads)
    cgo_mods = mod.cgo_requires() if mod else ()
    cgo_why = (f"{pkg.cgo[0].what} at {pkg.cgo[0].path}:{pkg.cgo[0].pos.line}" if pkg.cgo else
               f"go.mod requires {cgo_mods[0].module}" if cgo_mods else "")
    abs_folder = os.path.join(root, folder)
    files = _runtime_files(abs_folder, (f.file for f in pkg.runtime_files if f.is_relative))
    trusted = ""
    if pkg.trusted_proxies:
        call = pkg.trusted_proxies[0]
        trusted = (f"SetTrustedProxies({', '.join(call.values) or call.arg_kind}) at "
                   f"{call.path}:{call.pos.line}")
    elif pkg.client_ip_uses and framework == "gin":
        trusted = "Gin's default: every proxy is trusted (no SetTrustedProxies call)"
    name = (mod.module.rstrip("/").rpartition("/")[2] if mod and mod.module else "") or \
        os.path.basename(os.path.abspath(abs_folder))
    return AppFacts(
        language="go", framework=framework, name=dns_label(name), app_dir=folder, port=port,
        port_env=port_env, addr_env=addr_env, addr_flag=addr_flag, listen_problem=problem,
        health_path=health, liveness_path=liveness, metrics_path=metrics,
        required_env=required, optional_env=optional, services=services,
        sets_cors=pkg.sets_cors_headers, trusted_proxies=trusted,
        go_version=_go_builder_version(mod.go_version if mod else "", mod.toolchain if mod else ""),
        go_package="./" + rel_pkg if rel_pkg else ".",
        go_sum=os.path.isfile(os.path.join(abs_folder, "go.sum")),
        vendored=os.path.isfile(os.path.join(abs_folder, "vendor", "modules.txt")),
        cgo=bool(pkg.cgo or cgo_mods), cgo_why=cgo_why,
        needs_ca=pkg.needs_https or any(not e.strong for e in pkg.https),
        needs_tzdata=pkg.loads_time_zones, runtime_files=files,
    )


def _go_builder_version(go: str, toolchain: str) -> str:
    """`golang:` tag: the toolchain line when newer, else the go line, as major.minor."""
    best = max((_version_tuple(v) for v in (go, toolchain.removeprefix("go")) if v),
               default=(0, 0))
    if best == (0, 0):
        return DEFAULT_GO
    return f"{best[0]}.{best[1]}"


def _go_listen(pkg: GoPackage) -> tuple[int, str, str, str, str]:
    """(port, port variable, address variable, address flag, problem) of the main listener."""
    calls = sorted(pkg.listens, key=lambda c: (c.address.is_loopback, c.path, c.pos))
    call = calls[0]
    address = call.address
    port = address.port or 8080
    port_env = addr_env = flag = problem = ""
    port_part = address.port_part
    host_part = address.host_part
    if port_part is not None and port_part.kind == "env":
        if port_part.default is not None and ":" in port_part.default:
            addr_env = port_part.text
        else:
            port_env = port_part.text
            if port_part.default and port_part.default.isdigit():
                port = int(port_part.default)
    elif address.env_var:
        addr_env = address.env_var
    if address.flag_name:
        flag = address.flag_name
    if address.is_loopback and not (host_part is not None and host_part.kind in ("env", "flag")):
        problem = (f"{call.path}:{call.pos.line} listens on {address.text()} (hard-coded): "
                   "`deploycheck check --fix` changes it to all interfaces")
    return port, port_env, addr_env, flag, problem


def _runtime_files(folder: str, names: Iterable[str]) -> tuple[str, ...]:
    """The top-level file or folder of each relative path the program opens, when it exists."""
    out: list[str] = []
    for name in names:
        clean = name.removeprefix("./").strip("/")
        if not clean or clean.startswith(".."):
            continue
        head = re.split(r"[*?\[]", clean)[0].rstrip("/")
        top = head.split("/")[0] if "/" in head or head != clean else head
        if top and os.path.exists(os.path.join(folder, top)) and top not in out:
            out.append(top)
    return tuple(sorted(out))


# -- Python ---------------------------------------------------------------------------------------

_PY_SERVICES = {
    "psycopg2": "postgres", "psycopg2-binary": "postgres", "psycopg": "postgres",
    "asyncpg": "postgres", "pg8000": "postgres", "mysqlclient": "mysql", "pymysql": "mysql",
    "mysql-connector-python": "mysql", "aiomysql": "mysql", "redis": "redis", "aioredis": "redis",
    "django-redis": "redis",
}


def _python_framework(app: PythonApp) -> str:
    """Django (manage.py, settings or the requirement), else the app object's framework."""
    if app.requirement("django") is not None or any(
            m.is_django_settings or m.path.rpartition("/")[2] == "manage.py" for m in app.modules):
        return "django"
    return next((f for f in ("fastapi", "starlette", "flask", "quart") if f in app.frameworks), "")


def _python(root: str, folder: str, app: PythonApp) -> AppFacts:
    framework = _python_framework(app)
    asgi = framework in ("fastapi", "starlette", "quart")
    target = _python_target(app, framework)
    servers = list(app.servers())
    port, port_env = 8000, ""
    for _, run in servers:
        if run.port is not None and run.port_explicit:
            port, port_env = run.port, run.port_env
            break
    root_urls = {str(setting.value) for m in app.modules if m.is_django_settings
                 for setting in m.settings if setting.name == "ROOT_URLCONF" and setting.literal}
    # Django routes are partial (an include may prefix them), except in the ROOT_URLCONF.
    health, liveness = _health(r.path for m, r in app.routes()
                               if (not r.partial or _module_under(m.module, app.root) in root_urls)
                               and ("GET" in r.methods or "*" in r.methods))
    metrics = next((r.path for _, r in app.routes() if r.is_metrics), "")
    if not metrics and any(m.metrics for m in app.modules):
        metrics = "/metrics"
    reqs = [r for d in app.dependencies for r in d.packages if not r.group]
    names = {r.name for r in reqs}
    services = _services([(r.name, f"{_dep_file(app, r.name)} lists {r.name}") for r in reqs],
                         _PY_SERVICES,
                         [(e.name, f"{m.path}:{e.pos.line}") for m, e in app.env_reads()])
    required, optional = _env_needs((e.name, e.required, e.default, f"{m.path}:{e.pos.line}")
                                    for m, e in app.env_reads())
    server = "uvicorn" if asgi and "gunicorn" not in names else "gunicorn"
    installed = server in names
    deps_file = _requirements_file(app)
    libs: list[str] = []
    from deploycheck.model.python import system_libs

    for req in reqs:
        found = system_libs(req)
        if found is not None:
            libs.extend(p for p in found.runtime if p not in libs)
    trusted = ""
    for _, run in servers:
        if run.forwarded_allow_ips:
            trusted = f"forwarded_allow_ips={run.forwarded_allow_ips!r}"
    abs_folder = os.path.join(root, folder)
    name = os.path.basename(os.path.abspath(abs_folder))
    return AppFacts(
        probe_headers=_django_probe_headers(app) if framework == "django" else (),
        language="python", framework=framework, name=dns_label(name), app_dir=folder, port=port,
        port_env=port_env, health_path=health, liveness_path=liveness, metrics_path=metrics,
        required_env=required, optional_env=optional, services=services,
        sets_cors=any(True for _ in app.cors()), trusted_proxies=trusted,
        python_version=_python_version(abs_folder, app), requirements=deps_file, asgi=asgi,
        target=target, server=server, server_installed=installed,
        needs_ca=any(m.outbound for m in app.modules),
        system_packages=tuple(libs),
    )


def _django_probe_headers(app: PythonApp) -> tuple[tuple[str, str], ...]:
    """Django answers a request for 127.0.0.1 with 400 unless that host is allowed, and
    redirects plain HTTP when SECURE_SSL_REDIRECT is on: a probe must look like the proxy."""
    values: dict[str, object] = {}
    for m in app.modules:
        if m.is_django_settings:
            for setting in m.settings:
                values[setting.name] = setting.value
    out: list[tuple[str, str]] = []
    hosts = values.get("ALLOWED_HOSTS")
    if isinstance(hosts, tuple):
        names = [h for h in hosts if isinstance(h, str) and h and h != "*"]
        if names and not any(h in ("127.0.0.1", "localhost") for h in names):
            out.append(("Host", names[0].lstrip(".")))
    if values.get("SECURE_SSL_REDIRECT") is True and values.get("SECURE_PROXY_SSL_HEADER"):
        out.append(("X-Forwarded-Proto", "https"))
    return tuple(out)


def _dep_file(app: PythonApp, name: str) -> str:
    return next((d.path for d in app.dependencies if d.get(name) is not None), "requirements")


def _python_target(app: PythonApp, framework: str) -> str:
    if framework == "django":
        for m in app.modules:
            if m.path.endswith("/wsgi.py") or m.path == "wsgi.py":
                rel = _module_under(m.module, app.root)
                return f"{rel}:application" if framework == "django" else rel
        settings = next((m for m in app.modules if m.is_django_settings), None)
        if settings is not None:
            package = _module_under(settings.module, app.root).rpartition(".")[0]
            return f"{package}.wsgi:application" if package else "wsgi:application"
        return "wsgi:application"
    for m in sorted(app.modules, key=lambda m: (m.path.count("/"), m.path)):
        for created in m.apps:
            if created.framework == framework and created.name:
                return f"{_module_under(m.module, app.root)}:{created.name}"
    return "main:app" if framework in ("fastapi", "starlette") else "app:app"


def _module_under(module: str, root: str) -> str:
    prefix = root.replace("/", ".") + "." if root else ""
    return module.removeprefix(prefix).removesuffix(".__init__")


def _requirements_file(app: PythonApp) -> str:
    for dep in app.dependencies:
        name = dep.path.rpartition("/")[2]
        if name.startswith("requirements") and name.endswith(".txt") and "dev" not in name:
            return name
    for dep in app.dependencies:
        if dep.path.endswith("pyproject.toml"):
            return "pyproject.toml"
    return ""


def _python_version(folder: str, app: PythonApp) -> str:
    for name in (".python-version", "runtime.txt"):
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                text = fh.read(200)
        except OSError:
            continue
        found = _version_tuple(text)
        if found != (0, 0):
            return f"{found[0]}.{found[1]}"
    for dep in app.dependencies:
        spec = dep.requires_python.strip()
        found = _version_tuple(spec)
        if found == (0, 0):
            continue
        if spec.startswith((">", "~=")) and "<" not in spec:
            found = max(found, _version_tuple(DEFAULT_PYTHON))
        return f"{found[0]}.{found[1]}"
    return DEFAULT_PYTHON


# -- shared -------------------------------------------------------------------------------------


def _health(routes: Iterable[str]) -> tuple[str, str]:
    """(readiness path, liveness path): the app's own health routes, readiness-like first for
    readiness and liveness-like first for liveness; one path serves both when it is alone."""
    paths = [r for r in routes if is_health_path(r) and ":" not in r and "{" not in r and "<" not in r]
    if not paths:
        return "", ""
    ready = next((p for p in paths if "ready" in p.lower()), paths[0])
    live = next((p for p in paths if "ready" not in p.lower()), "")
    return ready, live


_ENV_SERVICE = (
    (re.compile(r"^(POSTGRES|PG)[A-Z_]*$|^DATABASE_URL$|^DB_(HOST|URL|DSN)$"), "postgres"),
    (re.compile(r"^MYSQL[A-Z_]*$"), "mysql"),
    (re.compile(r"^REDIS[A-Z_]*$|^CACHE_URL$"), "redis"),
)


def _services(deps: Iterable[tuple[str, str]], table: dict[str, str],
              env_names: Iterable[tuple[str, str]]) -> tuple[Service, ...]:
    """Backing services from imports/requirements, then from variable names. A generic
    DATABASE_URL counts as PostgreSQL only when no MySQL driver says otherwise."""
    found: dict[str, Service] = {}
    for dep, why in deps:
        for prefix, kind in table.items():
            if (dep == prefix or dep.startswith(prefix + "/")) and kind not in found:
                found[kind] = Service(kind, why)
    for name, where in env_names:
        for pattern, kind in _ENV_SERVICE:
            if pattern.match(name) and kind not in found:
                if kind == "postgres" and "mysql" in found and not name.startswith(("POSTGRES", "PG")):
                    continue
                found[kind] = Service(kind, f"reads {name} at {where}")
    order = ("postgres", "mysql", "redis")
    return tuple(found[k] for k in order if k in found)


def _env_needs(reads: Iterable[tuple[str, bool, str | None, str]]) -> tuple[tuple[EnvNeed, ...],
                                                                           tuple[EnvNeed, ...]]:
    required: dict[str, EnvNeed] = {}
    optional: dict[str, EnvNeed] = {}
    for name, is_required, default, where in reads:
        if not name or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            continue
        if is_required:
            required.setdefault(name, EnvNeed(name, True, None, where))
        else:
            optional.setdefault(name, EnvNeed(name, False, default, where))
    for name in required:
        optional.pop(name, None)
    return tuple(required.values()), tuple(optional.values())
