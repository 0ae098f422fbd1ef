"""Helpers the cross-file port, probe, proxy and environment rules share (no rules here).

The central question is where the app of a `Deployment` really listens: `app_ports` answers
it with the deployment's environment *and* its command line applied (a Go flag passed in
CMD, a gunicorn config file), and answers None whenever any part is unknown, so rules can
stay quiet instead of guessing.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from deploycheck.model import Location, Related
from deploycheck.model.compose import ComposeProject, ComposeService
from deploycheck.model.dockerfile import Dockerfile, ImageRef, Stage, shell_split
from deploycheck.model.golang import GoPackage, ListenAddress, ListenCall, ValuePart
from deploycheck.model.links import Deployment, Listen
from deploycheck.model.nginx import NginxConfig
from deploycheck.model.project import Project
from deploycheck.model.python import PyModule, PythonApp, ServerRun, dev_like
from deploycheck.model.servercmd import ServerCommand, split_hostport

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})


# -- where the app listens -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AppPorts:
    """Every address the app of one deployment listens on, all ports known."""

    listens: tuple[Listen, ...]

    @property
    def ports(self) -> frozenset[int]:
        return frozenset(lst.port for lst in self.listens if lst.port is not None)

    def serves(self, port: int) -> bool:
        return port in self.ports

    def serves_any(self, ports: Iterable[int]) -> bool:
        return any(p in self.ports for p in ports)

    def describe(self) -> str:
        """`0.0.0.0:8080 (main.go:59, the fallback ':8080' used when PORT is unset)`."""
        seen: dict[str, str] = {}
        for lst in self.listens:
            where = lst.location.short()
            detail = lst.origin if where in lst.origin else f"{where}, {lst.origin}"
            seen.setdefault(lst.text(), f"{lst.text()} ({detail})")
        return " and ".join(seen.values())

    def port_list(self) -> str:
        return ", ".join(str(p) for p in sorted(self.ports))

    @property
    def main(self) -> Listen:
        return self.listens[0]

    def related(self, what: str = "the app listens on") -> tuple[Related, ...]:
        """One related location per distinct listen."""
        out: dict[tuple[str, str], Related] = {}
        for lst in self.listens:
            out.setdefault((lst.location.short(), lst.text()),
                           Related(lst.location, f"{what} {lst.text()} ({lst.origin})"))
        return tuple(out.values())


def command_words(dep: Deployment) -> tuple[tuple[str, ...], bool]:
    """The words of the runtime command, and whether a shell expands them (`sh -c "..."`)."""
    argv = dep.command
    if len(argv) >= 3 and posixpath.basename(argv[0]) in _SHELLS and argv[1].startswith("-") \
            and "c" in argv[1]:
        return shell_split(argv[2]), True
    return argv, dep.command_shell


def _flag_value(words: Sequence[str], name: str) -> tuple[bool, str | None]:
    """(given, value) for Go flag `name` on a command line; value None when not a plain word."""
    found = False
    value: str | None = None
    for i, word in enumerate(words):
        for dash in ("-", "--"):
            opt = dash + name
            if word == opt:
                found = True
                value = words[i + 1] if i + 1 < len(words) else None
            elif word.startswith(opt + "="):
                found = True
                value = word[len(opt) + 1:]
    if value is not None and ("$" in value or "`" in value):
        value = None
    return found, value


def _go_listen(call: ListenCall, env: Mapping[str, str], words: Sequence[str]) -> Listen | None:
    """A Go listen with the container's environment and command-line flags applied."""
    parts: list[ValuePart] = []
    bits: list[str] = []
    for part in call.parts:
        if part.kind == "env" and env.get(part.text):
            parts.append(ValuePart("lit", env[part.text], None, part.pos, path=part.path))
            bits.append(f"{part.text}={env[part.text]!r} set for the container")
            continue
        if part.kind == "flag":
            given, value = _flag_value(words, part.text)
            if given:
                if value is None:
                    return None
                parts.append(ValuePart("lit", value, None, part.pos, path=part.path))
                bits.append(f"flag -{part.text} {value} on the command line")
                continue
        parts.append(part)
        if part.kind in ("env", "flag"):
            bits.append(part.describe())
    address = ListenAddress.from_parts(parts, call.address.raw) if call.parts else call.address
    if address.port is None:
        return None
    origin = "; ".join(bits) or f"the literal {call.address.raw}"
    return Listen(address.host, address.port, call.location, origin)


def _py_run_listen(module: PyModule, run: ServerRun, env: Mapping[str, str]) -> Listen | None:
    host, port = run.host, run.port
    if run.host_env and env.get(run.host_env):
        host = env[run.host_env]
    if run.port_env and run.port_env in env:
        value = env[run.port_env]
        port = int(value) if value.isdigit() else None
    if port is None:
        return None
    pos = run.host_pos or run.pos
    origin = f"{run.kind}.run() in {module.path}"
    if run.port_env and run.port_env in env:
        origin += f" with {run.port_env}={env[run.port_env]!r} set for the container"
    return Listen(host, port, Location.at(module.path, pos), origin)


def _gunicorn_config(app: PythonApp | None, server: ServerCommand) -> PyModule | bool | None:
    """The gunicorn config module the command reads: a module, False when none is read, None
    when one is named but not found."""
    name = posixpath.basename(server.config_file or "gunicorn.conf.py")
    if name.startswith("python:"):
        return None
    found = None
    if app is not None:
        for m in app.modules:
            if m.gunicorn is not None and posixpath.basename(m.path) == name:
                found = m
    if found is not None:
        return found
    return False if server.config_implicit else None


def _server_listens(dep: Deployment, server: ServerCommand) -> tuple[Listen, ...] | None:
    where = dep.command_location or dep.location
    origin = f"the command line at {where.short()}"
    if server.kind == "gunicorn" and server.host_index is None:
        config = _gunicorn_config(dep.python, server)
        if config is None:
            return None
        if config is not False:
            assert isinstance(config, PyModule) and config.gunicorn is not None
            setting = config.gunicorn.get("bind")
            if setting is not None:
                binds = config.gunicorn.binds()
                if binds is None or not setting.literal:
                    return None
                out = []
                for bind in binds:
                    host, port = split_hostport(bind, 8000)
                    if port is None:
                        return None
                    out.append(Listen(host, port, Location.at(config.path, setting.pos),
                                      f"bind in {config.path}"))
                return tuple(out)
    if server.unix_socket and not server.binds:
        return None
    if server.binds:
        out = []
        for bind in server.binds:
            host, port = split_hostport(bind, 0)
            if port is None or not port:
                return None
            out.append(Listen(host, port, where, origin))
        return tuple(out)
    if server.port is None:
        return None
    return (Listen(server.host, server.port, where, origin),)


def app_ports(dep: Deployment) -> AppPorts | None:
    """Where the deployment's app listens, all ports known; None when anything is unknown."""
    found = _app_ports(dep)
    if found is None or dep.python is None:
        return found
    # prometheus_client.start_http_server(9100) serves metrics on a port of its own
    extra = tuple(Listen("0.0.0.0", m.port, Location.at(mod.path, m.pos), f"{m.how}() in {mod.path}")
                  for mod in dep.python.modules for m in mod.metrics if m.port is not None)
    return AppPorts(found.listens + extra) if extra else found


def _app_ports(dep: Deployment) -> AppPorts | None:
    server = dep.server()
    if server is not None and not server.runs_script:
        if server.unresolved or server.literal_vars:
            return None
        found = _server_listens(dep, server)
        return AppPorts(found) if found else None
    if dep.python is not None and server is not None and server.runs_script:
        module = dep.python.module(server.app_target)
        if module is None:
            return None
        env = dep.env_values()
        runs = [r for r in module.servers if r.runs_as_script]
        listens = [_py_run_listen(module, r, env) for r in runs]
        if not listens or any(lst is None for lst in listens):
            return None
        return AppPorts(tuple(lst for lst in listens if lst is not None))
    if dep.go is not None and dep.go.listens:
        if server is not None:
            return None  # the command starts a Python server, not this Go binary
        words, shell = command_words(dep)
        if shell and any("$" in w for w in words):
            return None
        if any(posixpath.basename(w) in ("dlv", "air", "reflex", "CompileDaemon") for w in words[:2]):
            return None  # a debugger or reloader in front of the binary listens too
        env = dep.env_values()
        go_listens = [_go_listen(call, env, words) for call in dep.go.listens]
        if any(lst is None for lst in go_listens):
            return None
        return AppPorts(tuple(lst for lst in go_listens if lst is not None))
    return None


# -- routes ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RouteTable:
    """The GET paths an app answers, when every registration is known."""

    patterns: tuple[str, ...]
    where: str  # the files holding the routes, for messages

    def matches(self, path: str) -> bool:
        want = _segments(path)
        return any(_route_matches(_segments(p), want) for p in self.patterns)

    def sample(self, limit: int = 4) -> str:
        shown = [p for p in self.patterns if not p.startswith(("/docs", "/redoc", "/openapi",
                                                               "/static/"))]
        extra = "" if len(shown) <= limit else f", ... ({len(shown)} in all)"
        return ", ".join(shown[:limit]) + extra


def _segments(path: str) -> list[str]:
    path = path.split("?", 1)[0].split("#", 1)[0]
    return [s for s in path.split("/") if s]


def _is_param(seg: str) -> bool:
    return seg.startswith(":") or (seg.startswith("{") and seg.endswith("}")) or (
        seg.startswith("<") and seg.endswith(">"))


def _is_rest(seg: str) -> bool:
    return seg.startswith("*") or seg.endswith(":path}") or seg.startswith("<path:") or seg == "*"


def _route_matches(pattern: list[str], path: list[str]) -> bool:
    for i, seg in enumerate(pattern):
        if _is_rest(seg):
            return True
        if i >= len(path):
            return False
        if not _is_param(seg) and seg != path[i]:
            return False
    return len(pattern) == len(path)


_GET_METHODS = frozenset({"GET", "ANY", "*", "MATCH", "?", "HEAD"})


def go_packages_by_module(project: Project) -> dict[str, list[GoPackage]]:
    """Go packages by the folder of their go.mod (their own folder without one)."""
    out: dict[str, list[GoPackage]] = {}
    for pkg in project.of(GoPackage):
        root = pkg.module.directory if pkg.module is not None else pkg.directory
        out.setdefault(root, []).append(pkg)
    return out


def go_route_table(pkg: GoPackage, by_module: Mapping[str, Sequence[GoPackage]]) -> RouteTable | None:
    """Gin routes of the app, when each one is registered on a known engine or group and no
    other package of the module registers routes in a way we cannot follow."""
    if not any(e.framework == "gin" for e in pkg.engines) or not pkg.routes:
        return None
    root = pkg.module.directory if pkg.module is not None else pkg.directory
    routes = list(pkg.routes)
    for other in by_module.get(root, ()):
        if other is not pkg:
            routes.extend(other.routes)
    if any(e.framework != "gin" for e in pkg.engines):
        return None
    for route in routes:
        if route.router_kind not in ("engine", "group") or not route.prefix_known:
            return None
    patterns = tuple(dict.fromkeys(r.route for r in routes if r.method.upper() in _GET_METHODS))
    files = sorted({r.path for r in routes})
    return RouteTable(patterns, ", ".join(files))


_PY_BUILTIN = {
    "fastapi": ("/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"),
    "flask": ("/static/<path:filename>",),
    "starlette": (),
}


def python_route_table(app: PythonApp) -> RouteTable | None:
    """Routes of a FastAPI/Flask/Starlette app when every route's full path is known: on the
    app itself, or on a router or blueprint whose `include_router`/`register_blueprint` calls
    were read (in any module of the app); otherwise None."""
    modules = [m for m in app.modules if not dev_like(m.path)]
    routes = [(m, r) for m in modules for r in m.routes]
    if not routes:
        return None
    frameworks = {a.framework for m in modules for a in m.apps}
    if not frameworks or not frameworks <= {"fastapi", "flask", "starlette", "apirouter", "blueprint"}:
        return None
    patterns: list[str] = []
    for _, route in routes:
        if route.partial or route.framework not in ("fastapi", "flask", "starlette"):
            return None
        if "*" in route.methods:
            patterns.append(route.path.rstrip("/") + "/*rest")
        elif set(route.methods) & {"GET", "HEAD"}:
            patterns.append(route.path)
    for fw in frameworks:
        patterns.extend(_PY_BUILTIN.get(fw, ()))
    files = sorted({m.path for m, _ in routes})
    return RouteTable(tuple(dict.fromkeys(patterns)), ", ".join(files))


def route_table(dep: Deployment, by_module: Mapping[str, Sequence[GoPackage]]) -> RouteTable | None:
    """The app's route table (None when unknown or incomplete); `by_module` from
    `go_packages_by_module`."""
    if dep.go is not None and dep.server() is None:
        return go_route_table(dep.go, by_module)
    if dep.python is not None:
        return python_route_table(dep.python)
    return None


# -- health-check commands ---------------------------------------------------------------------

_URL = re.compile(r"^(https?)://(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(/[^\s'\"]*)?$",
                  re.I)


@dataclass(frozen=True, slots=True)
class LocalUrl:
    """A URL a health command fetches on the container itself."""

    url: str
    port: int
    path: str


def health_url(argv: Sequence[str]) -> LocalUrl | None:
    """The local URL a `curl`/`wget` health command fetches (exec or `sh -c` form)."""
    words: Sequence[str] = argv
    if len(argv) >= 3 and posixpath.basename(argv[0]) in _SHELLS and argv[1] == "-c":
        try:
            words = shlex.split(argv[2])
        except ValueError:
            words = argv[2].split()
    elif len(argv) == 1:
        try:
            words = shlex.split(argv[0])
        except ValueError:
            words = argv[0].split()
    tools = [i for i, w in enumerate(words) if posixpath.basename(w) in ("curl", "wget")]
    if not tools:
        return None
    for word in words[tools[0] + 1:]:
        if word in ("||", "&&", ";", "|"):
            break
        m = _URL.match(word)
        if m:
            port = int(m.group(3)) if m.group(3) else (443 if m.group(1).lower() == "https" else 80)
            return LocalUrl(word, port, m.group(4) or "/")
    return None


# -- compose, nginx ------------------------------------------------------------------------------


def _under(path: str, folder: str) -> bool:
    return not folder or path == folder or path.startswith(folder.rstrip("/") + "/")


NGINX_IMAGES = frozenset({"nginx", "nginxinc/nginx-unprivileged", "bitnami/nginx", "openresty/openresty"})


def runs_nginx(svc: ComposeService, dockerfiles: Mapping[str, Dockerfile]) -> bool:
    """A compose service running stock nginx: an nginx image, or built FROM one without a
    command of its own (an image that also runs the app would make loopback legitimate)."""
    if svc.command is not None or svc.entrypoint is not None or svc.network_mode:
        return False
    if svc.build is not None and not svc.build.remote:
        df = dockerfiles.get(svc.build.dockerfile)
        stage = None
        if df is not None:
            stage = df.stage(svc.build.target) if svc.build.target else df.final
        return stage is not None and _nginx_stage(stage)
    if svc.image:
        return ImageRef.parse(svc.image).name in NGINX_IMAGES
    return False


def _nginx_stage(stage: Stage) -> bool:
    root = stage.chain()[-1]
    if ImageRef.parse(root.base).name not in NGINX_IMAGES:
        return False
    argv = stage.runtime_argv()
    return argv is None or any(posixpath.basename(w) == "nginx" for w in argv[:3])


@dataclass(frozen=True, slots=True)
class NginxHome:
    """The compose service that runs an nginx configuration, and how the files get there."""

    compose: ComposeProject
    service: ComposeService
    how: Location  # the volume line, or the Dockerfile COPY
    what: str


def nginx_homes(config: NginxConfig, project: Project) -> tuple[NginxHome, ...]:
    """Compose services running nginx that mount (or copy in) one of the config's files."""
    dockerfiles = {df.path: df for df in project.of(Dockerfile)}
    out: list[NginxHome] = []
    files = set(config.files)
    for compose in project.of(ComposeProject):
        for svc in compose.services:
            if not runs_nginx(svc, dockerfiles):
                continue
            for vol in svc.volumes:
                src = vol.source_path.strip("/")
                if vol.type == "bind" and src and any(_under(f, src) for f in files):
                    out.append(NginxHome(compose, svc, Location.at(vol.path, vol.pos),
                                         f"service `{svc.name}` mounts it at {vol.path}:{vol.pos.line}"))
                    break
            else:
                copied = _copied_in(svc, dockerfiles, files)
                if copied is not None:
                    out.append(NginxHome(compose, svc, copied,
                                         f"service `{svc.name}` is built with it ({copied.short()})"))
    return tuple(out)


def _copied_in(svc: ComposeService, dockerfiles: Mapping[str, Dockerfile],
               files: set[str]) -> Location | None:
    if svc.build is None or svc.build.remote:
        return None
    df = dockerfiles.get(svc.build.dockerfile)
    if df is None:
        return None
    stage = df.stage(svc.build.target) if svc.build.target else df.final
    if stage is None:
        return None
    for copy in stage.copies:
        if not copy.from_context:
            continue
        for src in copy.sources:
            rel = posixpath.normpath(posixpath.join(svc.build.context, src)) if svc.build.context \
                else posixpath.normpath(src)
            rel = "" if rel == "." else rel
            if any(_under(f, rel) for f in files):
                return Location.at(df.path, copy.pos)
    return None


def alone(dep: Deployment) -> Deployment:
    """The deployment as `docker run IMAGE` would start it: the Dockerfile's own ENV and command."""
    stage, df = dep.stage, dep.dockerfile
    if stage is None or df is None:
        return dep
    spec = stage.cmd or stage.entrypoint
    argv = stage.runtime_argv() or ()
    return replace(dep, kind="docker", env=tuple(e for e in dep.env if e.source == "Dockerfile ENV"),
                   env_opaque=False, command=argv,
                   command_location=Location.at(df.path, spec.pos) if spec else None,
                   compose=None, service=None, workload=None, container=None)


def compose_index(project: Project) -> dict[tuple[int, str], Deployment]:
    """Compose deployments by (id of their ComposeProject, service name)."""
    return {(id(dep.compose), dep.service.name): dep for dep in project.of(Deployment)
            if dep.compose is not None and dep.service is not None}


def where(loc: Location) -> str:
    return loc.short()


def unique(items: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


# -- environment the app requires ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequiredEnv:
    """A variable the app cannot start without, and where the app reads it."""

    name: str
    location: Location
    via: str  # how the app reads it (EnvRead.via)
    language: str  # "go" | "python"
    case_insensitive: bool = False

    def crash(self) -> str:
        """What the app prints when the variable is missing."""
        if self.language == "go":
            return f"its own fatal check (`log.Fatal` when {self.name} is empty)"
        return {
            "environ[]": f"`KeyError: '{self.name}'`",
            "decouple": f"`decouple.UndefinedValueError: {self.name} not found. Declare it as "
                        "envvar or define a default value.`",
            "django-environ": f"`django.core.exceptions.ImproperlyConfigured: Set the {self.name} "
                              "environment variable`",
            "pydantic": f"`pydantic_core.ValidationError: ... {self.name.lower()} Field required`",
        }.get(self.via, f"an error about {self.name}")


_GO_LOADERS = ("github.com/joho/godotenv", "github.com/spf13/viper", "github.com/subosito/gotenv")
_PY_LOADERS = frozenset({"dotenv", "decouple", "environ", "pydantic_settings", "dynaconf"})


def env_like_files(project: Project) -> tuple[str, ...]:
    """Files an app may load variables from (`.env*`, `settings.ini`, ...), once per project."""
    return tuple(p for p in project.files if posixpath.basename(p).startswith(".env")
                 or posixpath.basename(p) in ("settings.ini", ".secrets.toml", "settings.toml"))


def _loads_env_files(dep: Deployment, env_files: Sequence[str], modules: Sequence[PyModule]) -> bool:
    """Whether the app may read variables from a file (.env) that is in its build context."""
    uses = any(dep.go.imports_path(p) is not None for p in _GO_LOADERS) if dep.go else False
    uses = uses or any(set(m.imports) & _PY_LOADERS for m in modules)
    if not uses:
        return False
    prefix = dep.context.rstrip("/") + "/" if dep.context not in ("", ".") else ""
    return any(path.startswith(prefix) for path in env_files)


def _python_modules(dep: Deployment) -> list[PyModule]:
    """The modules the server command loads: its target and the project packages it imports
    (followed transitively), leaving out tests, dev scripts and unused Django settings."""
    app = dep.python
    server = dep.server()
    if app is None or server is None or not server.app_target:
        return []
    start = app.module(server.app_target)
    if start is None:
        return []
    root = app.root.replace("/", ".") + "." if app.root else ""

    def top(m: PyModule) -> str:
        return m.module.removeprefix(root).split(".")[0]

    local: dict[str, list[PyModule]] = {}
    for m in app.modules:
        local.setdefault(top(m), []).append(m)
    chosen: dict[str, PyModule] = {start.path: start}
    todo = [start]
    packages: set[str] = {top(start)} if "." in start.module.removeprefix(root) else set()
    while todo:
        mod = todo.pop()
        packages.update(t for t in mod.imports if t in local)
        for name in list(packages):
            for m in local.get(name, ()):
                if m.path not in chosen and not dev_like(m.path):
                    chosen[m.path] = m
                    todo.append(m)
    settings_env = dep.env_values().get("DJANGO_SETTINGS_MODULE", "")
    settings = [m for m in chosen.values() if m.is_django_settings]
    keep_settings: set[str] = set()
    if settings_env:
        named = app.module(settings_env)
        if named is not None:
            keep_settings.add(named.path)
            keep_settings.update(_star_bases(named, app))
    elif len(settings) == 1:
        keep_settings.add(settings[0].path)
    return [m for m in chosen.values() if not m.is_django_settings or m.path in keep_settings]


def _star_bases(module: PyModule, app: PythonApp) -> set[str]:
    out: set[str] = set()
    todo = [module]
    while todo and len(out) < 20:
        m = todo.pop()
        for name in m.star_imports:
            base = app.module(name)
            if base is not None and base.path not in out:
                out.add(base.path)
                todo.append(base)
    return out


def required_env(dep: Deployment, env_files: Sequence[str]) -> tuple[RequiredEnv, ...] | None:
    """Variables the deployment's app requires; None when we cannot tell what it reads or
    where it gets its environment (entrypoint scripts, .env files loaded by the app)."""
    words, _ = command_words(dep)
    if any(w.endswith(".sh") or w in ("source", ".", "export") for w in words):
        return None
    out: list[RequiredEnv] = []
    modules: list[PyModule] = []
    server = dep.server()
    if dep.go is not None and server is None:
        for read in dep.go.env_reads:
            if read.required:
                out.append(RequiredEnv(read.name, Location.at(read.path, read.pos), read.via, "go"))
    elif dep.python is not None and server is not None:
        modules = _python_modules(dep)
        for m in modules:
            for pr in m.env_reads:
                if pr.required:
                    out.append(RequiredEnv(pr.name, Location.at(m.path, pr.pos), pr.via, "python",
                                           pr.via == "pydantic"))
    else:
        return None
    if out and _loads_env_files(dep, env_files, modules):
        return None
    return tuple(out)
