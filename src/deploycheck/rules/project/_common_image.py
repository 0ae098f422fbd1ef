"""Helpers the image-and-app cross-file rules (DC720-DC739) share (no rules here).

Deployments of one image (a compose service and a Kubernetes container built from the same
Dockerfile stage) share what the image holds, so image-level findings are grouped by
`(Dockerfile, stage)` and reported once. nginx proxy targets are resolved to the deployments
they reach (`proxied`), following compose service names, published host ports and Kubernetes
Services.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from deploycheck.model import Location, Related
from deploycheck.model.compose import ComposeProject, ComposeService
from deploycheck.model.dockerfile import (
    CopySpec,
    Dockerfile,
    GoBuild,
    Stage,
    resolve_path,
    shell_split,
)
from deploycheck.model.golang import GoMod
from deploycheck.model.kubernetes import K8sCluster
from deploycheck.model.links import Deployment
from deploycheck.model.nginx import Endpoint, NginxConfig
from deploycheck.model.project import Project

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]", "ip6-localhost"})

# -- versions --------------------------------------------------------------------------------

_VERSION = re.compile(r"^(?:go)?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def go_version(text: str | None) -> tuple[int, ...] | None:
    """`1.22` → (1, 22); `go1.24.1` → (1, 24, 1); `1.21rc1` → (1, 21); None when unreadable."""
    if not text:
        return None
    match = _VERSION.match(text.strip())
    if match is None:
        return None
    return tuple(int(g) for g in match.groups() if g is not None)


def older(have: tuple[int, ...], need: tuple[int, ...]) -> bool:
    """Whether toolchain `have` is older than requirement `need`. A tag without a patch
    (`golang:1.22`) is that line's newest release, so only the parts it gives are compared."""
    width = len(have)
    return have[:width] < need[:width] + (0,) * max(0, width - len(need))


# -- images ----------------------------------------------------------------------------------


def image_groups(project: Project) -> list[tuple[Dockerfile, Stage, tuple[Deployment, ...]]]:
    """Deployments grouped by the image they run: (Dockerfile, stage, deployments)."""
    groups: dict[tuple[str, int], list[Deployment]] = {}
    heads: dict[tuple[str, int], tuple[Dockerfile, Stage]] = {}
    for dep in project.of(Deployment):
        if dep.dockerfile is None or dep.stage is None:
            continue
        key = (dep.dockerfile.path, dep.stage.index)
        groups.setdefault(key, []).append(dep)
        heads.setdefault(key, (dep.dockerfile, dep.stage))
    return [(heads[k][0], heads[k][1], tuple(v)) for k, v in groups.items()]


def from_related(dockerfile: Dockerfile, stage: Stage, what: str = "") -> Related:
    """The FROM line at the bottom of `stage`'s chain."""
    text = what or f"stage {stage.label} runs on {stage.root_image}"
    return Related(Location.at(dockerfile.path, stage.root_image_pos), text)


def from_location(dockerfile: Dockerfile, stage: Stage) -> Location:
    return Location.at(dockerfile.path, stage.root_image_pos)


def chain_copies(stage: Stage) -> Iterator[tuple[Stage, CopySpec]]:
    """Every COPY/ADD of the stage and of the stages it is built FROM."""
    for st in stage.chain():
        for copy in st.copies:
            yield st, copy


def builds_for(dockerfile: Dockerfile, stage: Stage) -> list[tuple[Stage, GoBuild]]:
    """The `go build`s whose binary ends up in `stage`: built in its chain, or copied into it
    (following COPY --from through intermediate stages)."""
    chain = {s.index for s in stage.chain()}
    out: list[tuple[Stage, GoBuild]] = []
    for st in dockerfile.stages:
        for build in st.go_builds():
            if st.index in chain:
                out.append((st, build))
                continue
            if build.output is None:
                # No -o: the binary lands in WORKDIR; any copy out of the stage may take it.
                if any(t.index in chain for t, _ in dockerfile.copies_from(st)):
                    out.append((st, build))
                continue
            if any(t.index in chain for t, _ in dockerfile.runtime_stages_of(st, build.output)):
                out.append((st, build))
    return out


def build_packages(build: GoBuild) -> tuple[str, ...]:
    """Package arguments of a `go build` (`.`, `./cmd/api`); empty means the current folder."""
    words = list(shell_split(build.text))
    if "build" not in words:
        return ()
    rest = words[words.index("build") + 1:]
    out: list[str] = []
    skip = False
    for word in rest:
        if skip:
            skip = False
            continue
        if word in ("&&", "||", ";", "|"):
            break
        if word.startswith("-"):
            name = word.lstrip("-")
            skip = "=" not in name and name in ("o", "tags", "ldflags", "gcflags", "mod", "p",
                                                "asmflags", "buildmode", "pkgdir", "overlay",
                                                "pgo", "modfile", "C", "toolexec")
            continue
        out.append(word)
    return tuple(out)


def builds_package(dep: Deployment, build: GoBuild, only: bool) -> bool:
    """Whether `build` (maybe) builds the deployment's Go package. `only`: it is the only
    build that reaches the image, so a `go build` without a matching path counts."""
    if dep.go is None:
        return False
    packages = build_packages(build)
    if not packages or only:
        return True
    rel = dep.go.directory
    if dep.context and rel.startswith(dep.context.rstrip("/") + "/"):
        rel = rel[len(dep.context.rstrip("/")) + 1:]
    elif dep.context and rel == dep.context:
        rel = ""
    for pkg in packages:
        if pkg.endswith("/...") or pkg == "./...":
            return True
        clean = posixpath.normpath(pkg)
        if clean == (rel or "."):
            return True
        if pkg.endswith(".go") and posixpath.dirname(clean) in (rel, rel if rel else "."):
            return True
    return False


def go_mod_for(project: Project, dep: Deployment) -> GoMod | None:
    """The go.mod of the deployment's Go app, or the one at the root of its build context."""
    if dep.go is not None and dep.go.module is not None:
        return dep.go.module
    for mod in project.of(GoMod):
        if mod.directory == (dep.context or ""):
            return mod
    return None


def context_path(dep: Deployment, rel: str) -> str:
    """A build-context-relative path as a project path."""
    joined = posixpath.normpath(posixpath.join(dep.context or "", rel))
    return "" if joined == "." else joined


_DEV_FILE = re.compile(r"[_\-.](dev|devel|develop|development|local|test|tests|testing|ci|debug)"
                       r"([_\-.]|$)")


def dev_deployment(dep: Deployment) -> bool:
    """A deployment meant for development: a dev-named Dockerfile or compose file
    (`Dockerfile.dev`, `docker-compose.dev.yml`), or a compose override file."""
    paths = [dep.dockerfile.path if dep.dockerfile else ""]
    if dep.service is not None:
        paths.append(dep.service.path)
    if dep.command_location is not None:
        paths.append(dep.command_location.path)
    for path in paths:
        name = path.rpartition("/")[2].lower()
        if not name:
            continue
        if "override" in name or _DEV_FILE.search(name):
            return True
    return False


def env_set(deps: Sequence[Deployment], *names: str) -> bool:
    """Whether some deployment sets one of `names` (any value, also one we cannot read) or
    takes variables from a source we cannot list."""
    for dep in deps:
        if dep.env_opaque:
            return True
        if any(dep.env_setting(n) is not None for n in names):
            return True
    return False


def mounted_at(dep: Deployment, path: str) -> Location | None:
    """Where a compose volume or Kubernetes volumeMount puts something at or above `path`."""
    def covers(target: str) -> bool:
        target = target.rstrip("/") or "/"
        return path == target or path.startswith(target.rstrip("/") + "/") or target == "/"
    if dep.service is not None:
        for vol in dep.service.volumes:
            if vol.target and covers(resolve_path(dep.service.working_dir or "/", vol.target)):
                return Location.at(vol.path, vol.pos)
    if dep.container is not None and dep.workload is not None:
        for mount in dep.container.volume_mounts:
            if mount.mount_path and covers(mount.mount_path):
                return Location.at(dep.workload.path, mount.pos)
    return None


def working_dir(dep: Deployment) -> tuple[str, Location | None]:
    """The working directory the container starts in, and where it is set (None: WORKDIR
    default '/')."""
    if dep.service is not None and dep.service.working_dir:
        return dep.service.working_dir, Location.at(dep.service.path, dep.service.pos)
    if dep.container is not None and dep.container.working_dir and dep.workload is not None:
        return dep.container.working_dir, Location.at(dep.workload.path, dep.container.pos)
    stage = dep.stage
    if stage is None or dep.dockerfile is None:
        return "/", None
    for st in stage.chain():
        if st.workdirs:
            return stage.workdir, Location.at(dep.dockerfile.path, st.workdirs[-1].pos)
    return stage.workdir, None


# -- nginx in front of deployments -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hop:
    """nginx passes requests from `endpoint` (a proxy target) to `deployment`."""

    config: NginxConfig
    endpoint: Endpoint
    deployment: Deployment
    nginx_in: ComposeProject | None  # the compose project running this nginx, if known


def _run_paths(svc: ComposeService, dep: Deployment | None) -> Iterator[str]:
    """Paths (no trailing slash) whose files the compose service runs with: its bind-mounted
    sources, and what its image COPYs from the build context."""
    for vol in svc.volumes:
        if vol.type == "bind" and vol.source_path:
            yield vol.source_path.rstrip("/")
    if dep is None or dep.dockerfile is None:
        return
    for stage in dep.dockerfile.stages:
        for copy in stage.copies:
            if copy.from_context:
                for src in copy.sources:
                    path = context_path(dep, src)
                    if path:
                        yield path.rstrip("/")


def _homes(projects: Sequence[ComposeProject], index: _Index) -> dict[str, int]:
    """For each path a compose service mounts or copies, the first compose project doing so."""
    runs: dict[str, int] = {}
    for i, cp in enumerate(projects):
        for svc in cp.services:
            for path in _run_paths(svc, next(iter(index.by_service.get(id(svc), [])), None)):
                if path:
                    runs.setdefault(path, i)
    return runs


def _home(config: NginxConfig, projects: Sequence[ComposeProject],
          runs: dict[str, int]) -> ComposeProject | None:
    """The compose project running this nginx configuration: the first whose service
    bind-mounts one of its files (or their folder), or whose image COPYs one in."""
    best: int | None = None
    for path in config.files:
        head = path
        while head:
            i = runs.get(head)
            if i is not None and (best is None or i < best):
                best = i
            head = head.rpartition("/")[0]
    return projects[best] if best is not None else None


@dataclass(frozen=True, slots=True)
class _Index:
    """Deployments by compose service identity, by the names a compose service answers to,
    and by the host ports compose publishes."""

    by_service: dict[int, list[Deployment]]
    by_name: dict[str, list[Deployment]]
    by_port: dict[int, list[Deployment]]

    @staticmethod
    def of(deps: Sequence[Deployment]) -> _Index:
        by_service: dict[int, list[Deployment]] = {}
        by_name: dict[str, list[Deployment]] = {}
        by_port: dict[int, list[Deployment]] = {}
        for d in deps:
            svc = d.service
            if svc is None:
                continue
            by_service.setdefault(id(svc), []).append(d)
            for name in svc.host_names():
                by_name.setdefault(name, []).append(d)
            for port in svc.published_ports():
                for number in port.host_ports()[:64]:
                    by_port.setdefault(number, []).append(d)
        return _Index(by_service, by_name, by_port)


def proxied(project: Project) -> Iterator[Hop]:
    """Every (nginx proxy target, deployment it reaches) pair the project's files prove."""
    configs = project.of(NginxConfig)
    if not configs:
        return
    deps = project.of(Deployment)
    index = _Index.of(deps)
    projects = project.of(ComposeProject)
    clusters = project.of(K8sCluster)
    runs = _homes(projects, index)
    for config in configs:
        home = _home(config, projects, runs)
        for endpoint in config.endpoints():
            for dep in _reached(endpoint, home, index, clusters, deps):
                yield Hop(config, endpoint, dep, home)


def _reached(endpoint: Endpoint, home: ComposeProject | None, index: _Index,
             clusters: Sequence[K8sCluster], deps: Sequence[Deployment]) -> list[Deployment]:
    host = endpoint.host.lower().strip("[]")
    if host in LOOPBACK:
        if home is not None or endpoint.port is None:
            return []  # inside the nginx container, loopback is nginx itself
        return _first_project(index.by_port.get(endpoint.port, []))
    if home is not None:
        found = [d for d in index.by_name.get(host, []) if d.compose is home]
        if found:
            return found
        svc = home.service_for_host(host)  # compose `links:` aliases (rare)
        if svc is None:
            return []
        return [d for d in index.by_service.get(id(svc), []) if d.compose is home]
    named = index.by_name.get(host, [])
    if named:
        return _first_project(named)
    short = host.split(".")[0]
    out: list[Deployment] = []
    for cluster in clusters:
        for service in cluster.services_named(short):
            for workload in cluster.workloads_selected_by(service):
                out.extend(d for d in deps if d.workload is workload)
    return out


def _first_project(deps: list[Deployment]) -> list[Deployment]:
    """Deployments of one compose folder only (variants of it repeat the same services)."""
    if not deps:
        return []
    folder = deps[0].compose.directory if deps[0].compose else ""
    return [d for d in deps if (d.compose.directory if d.compose else "") == folder]


# -- platforms -------------------------------------------------------------------------------

_ARCH = {"x86_64": "amd64", "x86-64": "amd64", "amd64": "amd64", "aarch64": "arm64",
         "arm64": "arm64", "arm64/v8": "arm64", "armhf": "arm", "arm": "arm", "armv7": "arm",
         "arm/v7": "arm", "arm/v6": "arm", "386": "386", "i386": "386", "ppc64le": "ppc64le",
         "s390x": "s390x", "riscv64": "riscv64"}


def arch_of(text: str | None) -> str | None:
    """`linux/arm64/v8` → arm64; `amd64` → amd64; None for variables or unknown text."""
    if not text or "$" in text:
        return None
    value = text.strip().lower()
    if "/" in value:
        parts = value.split("/")
        value = parts[1] if parts[0] in ("linux", "windows", "darwin") and len(parts) > 1 else parts[0]
    return _ARCH.get(value)


def go_runtime_version(project: Project, dep: Deployment) -> tuple[tuple[int, ...], Location] | None:
    """The Go version whose runtime defaults the app gets: the go.mod `go` line (it sets the
    GODEBUG defaults), else the `golang:` tag of the stage that builds the binary."""
    mod = go_mod_for(project, dep)
    if mod is not None and mod.go_pos is not None:
        version = go_version(mod.go_version)
        if version is not None and len(version) >= 2:
            return version, Location.at(mod.path, mod.go_pos)
    if dep.dockerfile is None or dep.stage is None:
        return None
    for stage, _ in builds_for(dep.dockerfile, dep.stage):
        version = go_version(stage.golang_version)
        if version is not None and len(version) >= 2:
            return version, Location.at(dep.dockerfile.path, stage.root_image_pos)
    return None
