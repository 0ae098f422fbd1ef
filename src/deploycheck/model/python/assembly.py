"""`PythonApp` and `assemble`: modules grouped into apps, with routes completed across modules.

`assemble` makes one `PythonApp` per folder holding requirements, pyproject, Procfile or
manage.py (the project root when none), with the modules under it, their dependencies and
Procfile, plus the `DjangoSettings` of `django`. Routes registered on an APIRouter or Blueprint
get their full paths from the `include_router` / `register_blueprint` calls that mount them, in
any module of the app and through nested routers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from deploycheck.model.python.dependencies import PyDependencies, Requirement
from deploycheck.model.python.django import _django
from deploycheck.model.python.facts import EnvRead
from deploycheck.model.python.module import PyModule
from deploycheck.model.python.procfile import Procfile
from deploycheck.model.python.serving import CorsConfig, Route, RouterInclude, ServerRun


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
