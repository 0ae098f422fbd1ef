"""The project model's links: where each image runs, what it runs, and with which environment.

A `Deployment` is one place a container runs — a compose service, a Kubernetes container, or a
Dockerfile on its own (`docker run`) — joined with the Dockerfile stage that builds it, the app
(Go main package or Python app) inside its build context, and the environment the app sees at
run time. Rules that span files read Deployments; `assemble` builds them once per project.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from deploycheck.model.compose import ComposeProject, ComposeService
from deploycheck.model.dockerfile import Dockerfile, Form, Stage, shell_split
from deploycheck.model.golang import GoPackage, ListenAddress, ListenCall, ValuePart
from deploycheck.model.kubernetes import Container, Workload
from deploycheck.model.location import Location, Position
from deploycheck.model.python import PyModule, PythonApp, ServerRun
from deploycheck.model.servercmd import ServerCommand, analyze

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]", "ip6-localhost"})


@dataclass(frozen=True, slots=True)
class EnvSetting:
    """One variable the container gets. `value` None: set, but from a reference we cannot read
    (a Secret, a ConfigMap outside the tree, a pass-through `- NAME` from the shell)."""

    name: str
    value: str | None
    location: Location
    source: str  # "Dockerfile ENV", "compose environment", "env_file", "Kubernetes env", ...


@dataclass(frozen=True, slots=True)
class Listen:
    """Where the app listens in one deployment, with the environment applied."""

    host: str | None  # "" all interfaces; None unknown
    port: int | None
    location: Location
    origin: str  # how the value came about, for messages

    @property
    def loopback(self) -> bool:
        return self.host is not None and self.host.lower() in LOOPBACK

    def text(self) -> str:
        host = "?" if self.host is None else (self.host or "0.0.0.0")
        return f"{host}:{'?' if self.port is None else self.port}"


@dataclass(frozen=True, slots=True)
class Deployment:
    kind: str  # "compose" | "kubernetes" | "docker"
    name: str
    location: Location
    context: str = ""
    dockerfile: Dockerfile | None = None
    stage: Stage | None = None
    go: GoPackage | None = None
    python: PythonApp | None = None
    command: tuple[str, ...] = ()
    command_location: Location | None = None
    command_shell: bool = False
    env: tuple[EnvSetting, ...] = ()
    env_opaque: bool = False  # some variables come from sources we cannot list (envFrom a Secret)
    compose: ComposeProject | None = None
    service: ComposeService | None = None
    workload: Workload | None = None
    container: Container | None = None

    def env_setting(self, name: str) -> EnvSetting | None:
        found = None
        for setting in self.env:
            if setting.name == name:
                found = setting
        return found

    def env_values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for setting in self.env:
            if setting.value is not None:
                out[setting.name] = setting.value
            else:
                out.pop(setting.name, None)
        return out

    @property
    def label(self) -> str:
        if self.kind == "compose":
            return f"compose service {self.name!r}"
        if self.kind == "kubernetes":
            return f"Kubernetes container {self.name!r}"
        return f"the image of {self.name}"

    def server(self) -> ServerCommand | None:
        """The Python server the runtime command starts, with this deployment's environment."""
        if not self.command:
            return None
        return analyze(self.command, self.env_values())

    def listens(self) -> tuple[Listen, ...]:
        """Where the app listens, when the source or the command line says so."""
        out: list[Listen] = []
        if self.go is not None:
            env = self.env_values()
            for call in self.go.listens:
                out.append(_go_listen(call, env))
        server = self.server()
        if server is not None and not server.runs_script and server.port is not None:
            where = self.command_location or self.location
            origin = f"the command line at {where.short()}"
            out.append(Listen(server.host, server.port, where, origin))
        elif self.python is not None and (server is None or server.runs_script):
            module = self.python.module(server.app_target) if server and server.app_target else None
            for mod, run in self.python.servers():
                if run.runs_as_script and (module is None or mod is module):
                    out.append(_py_listen(mod, run, self.env_values()))
        return tuple(out)


def _go_listen(call: ListenCall, env: Mapping[str, str]) -> Listen:
    parts = []
    origin_bits = []
    for part in call.parts:
        if part.kind == "env" and env.get(part.text):
            parts.append(ValuePart("lit", env[part.text], None, part.pos, path=part.path))
            origin_bits.append(f"{part.text}={env[part.text]!r} set for the container")
        else:
            parts.append(part)
            if part.kind in ("env", "flag"):
                origin_bits.append(part.describe())
    address = ListenAddress.from_parts(parts, call.address.raw) if call.parts else call.address
    origin = "; ".join(origin_bits) or f"the literal {call.address.raw}"
    return Listen(address.host, address.port, call.location, origin)


def _py_listen(module: PyModule, run: ServerRun, env: Mapping[str, str]) -> Listen:
    host, port = run.host, run.port
    if run.host_env and env.get(run.host_env):
        host = env[run.host_env]
    if run.port_env and env.get(run.port_env, "").isdigit():
        port = int(env[run.port_env])
    pos = run.host_pos or run.pos
    return Listen(host, port, Location.at(module.path, pos), f"{run.kind}.run() in {module.path}")


# -- building the links ----------------------------------------------------------------------------


def _dockerfile_at(dockerfiles: Mapping[str, Dockerfile], path: str) -> Dockerfile | None:
    return dockerfiles.get(posixpath.normpath(path) if path else path)


def _under(path: str, folder: str) -> bool:
    return not folder or folder in (".", "") or path == folder or path.startswith(folder.rstrip("/") + "/")


def _build_package_dirs(stage: Stage | None, dockerfile: Dockerfile | None) -> list[str]:
    """Package paths named by `go build` in any stage (`./cmd/api`), relative to the context."""
    if dockerfile is None:
        return []
    out = []
    for st in dockerfile.stages:
        for build in st.go_builds():
            words = shell_split(build.text)
            if "build" not in words:
                continue
            rest = words[words.index("build") + 1:]
            skip = False
            for word in rest:
                if skip:
                    skip = False
                    continue
                if word in ("-o", "-ldflags", "-tags", "-gcflags", "-mod", "-trimpath=false"):
                    skip = word != "-trimpath=false"
                    continue
                if word.startswith("-") or "&" in word or ";" in word:
                    continue
                if word.startswith(".") or "/" in word:
                    out.append(posixpath.normpath(word.removesuffix("/...")))
    return out


class _Packages:
    """Main packages indexed by every folder above them, so finding the ones inside a build
    context costs one look-up instead of a scan (trees of thousands of services)."""

    def __init__(self, packages: Sequence[GoPackage]) -> None:
        self.by_dir: dict[str, GoPackage] = {}
        self.under: dict[str, list[GoPackage]] = {}
        for pkg in packages:
            if not pkg.is_main:
                continue
            self.by_dir.setdefault(pkg.directory, pkg)
            folder = pkg.directory
            while True:
                self.under.setdefault(folder, []).append(pkg)
                if not folder:
                    break
                folder = folder.rpartition("/")[0]

    def inside(self, context: str) -> list[GoPackage]:
        key = "" if context in ("", ".") else context.rstrip("/")
        return self.under.get(key, [])


def _go_for(context: str, stage: Stage | None, dockerfile: Dockerfile | None,
            packages: _Packages) -> GoPackage | None:
    mains = packages.inside(context)
    if not mains:
        return None
    for rel in _build_package_dirs(stage, dockerfile):
        want = posixpath.normpath(posixpath.join(context, rel)) if context else rel
        want = "" if want == "." else want
        found = packages.by_dir.get(want)
        if found is not None and found in mains:
            return found
    if len(mains) == 1:
        return mains[0]
    root = [p for p in mains if p.directory == (context or "")]
    return root[0] if root else None


def _python_for(context: str, apps: Sequence[PythonApp]) -> PythonApp | None:
    inside = [a for a in apps if _under(a.root, context) and a.modules]
    if len(inside) == 1:
        return inside[0]
    exact = [a for a in inside if a.root == (context or "")]
    return exact[0] if exact else None


def _dockerfile_env(stage: Stage | None, path: str) -> list[EnvSetting]:
    if stage is None:
        return []
    return [EnvSetting(name, var.value if var.resolved else None, Location.at(path, var.pos),
                       "Dockerfile ENV") for name, var in stage.env.items()]


def _runtime(stage: Stage | None, path: str) -> tuple[tuple[str, ...], Location | None, bool]:
    if stage is None:
        return (), None, False
    argv = stage.runtime_argv() or ()
    spec = stage.cmd or stage.entrypoint
    shell = bool(spec and spec.form is Form.SHELL)
    return argv, (Location.at(path, spec.pos) if spec else None), shell


def _compose_deployments(project: ComposeProject, dockerfiles: Mapping[str, Dockerfile],
                         packages: _Packages, apps: Sequence[PythonApp]) -> Iterator[Deployment]:
    for svc in project.services:
        dockerfile = stage = None
        context = ""
        if svc.build is not None and not svc.build.remote and not svc.build.dockerfile_inline:
            context = svc.build.context
            dockerfile = _dockerfile_at(dockerfiles, svc.build.dockerfile)
            if dockerfile is not None:
                stage = dockerfile.stage(svc.build.target) if svc.build.target else dockerfile.final
        env = _dockerfile_env(stage, dockerfile.path if dockerfile else "")
        for var in svc.environment:
            source = "env_file" if var.from_env_file else "compose environment"
            env.append(EnvSetting(var.name, var.value, Location.at(var.path, var.pos), source))
        argv, where, shell = _runtime(stage, dockerfile.path if dockerfile else "")
        if svc.entrypoint is not None or svc.command is not None:
            entry = svc.entrypoint.argv if svc.entrypoint else (
                stage.entrypoint.argv if stage and stage.entrypoint else ())
            cmd = svc.command.argv if svc.command else ()
            argv = entry + cmd
            spec = svc.command or svc.entrypoint
            assert spec is not None
            where = Location.at(spec.path, spec.pos)
            shell = spec.from_string and False
        yield Deployment(
            "compose", svc.name, Location.at(svc.path, svc.pos), context, dockerfile, stage,
            _go_for(context, stage, dockerfile, packages) if dockerfile else None,
            _python_for(context, apps) if dockerfile else None,
            argv, where, shell, tuple(env), False, project, svc)


def _image_key(image: str) -> str:
    repo = image.split("@", 1)[0]
    if ":" in repo.rpartition("/")[2]:
        repo = repo.rpartition(":")[0]
    return repo.rpartition("/")[2].lower()


def _k8s_dockerfile(container: Container, by_image: Mapping[str, tuple[Dockerfile, str, str]],
                    by_folder: Mapping[str, Dockerfile]) -> tuple[Dockerfile | None, str, str]:
    """The Dockerfile that builds a container's image: by a compose service that builds that image,
    by the Dockerfile's folder name, or the only Dockerfile of the project."""
    key = _image_key(container.image or "")
    if not key:
        return None, "", ""
    if key in by_image:
        return by_image[key]
    df = by_folder.get(key)
    if df is not None:
        return df, df.directory, ""
    return None, "", ""


def _by_folder(dockerfiles: Mapping[str, Dockerfile]) -> dict[str, Dockerfile]:
    """Dockerfiles by the (lower-case) name of their folder; the first one read wins."""
    out: dict[str, Dockerfile] = {}
    for df in dockerfiles.values():
        folder = df.directory.rpartition("/")[2].lower()
        if folder:
            out.setdefault(folder, df)
    return out


def _k8s_deployments(workload: Workload, by_image: Mapping[str, tuple[Dockerfile, str, str]],
                     by_folder: Mapping[str, Dockerfile], packages: _Packages,
                     apps: Sequence[PythonApp]) -> Iterator[Deployment]:
    for container in workload.running_containers():
        dockerfile, context, target = _k8s_dockerfile(container, by_image, by_folder)
        stage = None
        if dockerfile is not None:
            stage = dockerfile.stage(target) if target else dockerfile.final
        env = _dockerfile_env(stage, dockerfile.path if dockerfile else "")
        for var in container.env:
            value = var.value if var.value_from is None else None
            env.append(EnvSetting(var.name, value, Location.at(workload.path, var.pos), "Kubernetes env"))
        argv, where, shell = _runtime(stage, dockerfile.path if dockerfile else "")
        if container.command is not None or container.args is not None:
            entry = container.command.values if container.command else (
                stage.entrypoint.argv if stage and stage.entrypoint else ())
            args = container.args.values if container.args else ()
            argv = entry + args
            spec = container.args or container.command
            assert spec is not None
            where = Location.at(workload.path, spec.pos)
            shell = False
        yield Deployment(
            "kubernetes", f"{workload.name}/{container.name}", Location.at(workload.path, container.pos),
            context, dockerfile, stage,
            _go_for(context, stage, dockerfile, packages) if dockerfile else None,
            _python_for(context, apps) if dockerfile else None,
            argv, where, shell, tuple(env), bool(container.env_from), None, None, workload, container)


def assemble(models: Sequence[object]) -> tuple[object, ...]:
    """Deployments for every compose service, Kubernetes container and lone Dockerfile."""
    dockerfiles = {df.path: df for df in models if isinstance(df, Dockerfile)}
    packages = _Packages([p for p in models if isinstance(p, GoPackage)])
    apps = [a for a in models if isinstance(a, PythonApp)]
    projects = [p for p in models if isinstance(p, ComposeProject)]
    workloads = [w for w in models if isinstance(w, Workload) and not w.partial]
    out: list[Deployment] = []
    used: set[str] = set()
    by_image: dict[str, tuple[Dockerfile, str, str]] = {}
    for project in projects:
        for dep in _compose_deployments(project, dockerfiles, packages, apps):
            out.append(dep)
            if dep.dockerfile is not None:
                used.add(dep.dockerfile.path)
                if dep.service is not None and dep.service.image:
                    by_image.setdefault(_image_key(dep.service.image),
                                        (dep.dockerfile, dep.context, dep.service.build.target
                                         if dep.service.build else ""))
                by_image.setdefault(dep.name.lower(), (dep.dockerfile, dep.context,
                                    dep.service.build.target if dep.service and dep.service.build else ""))
    if len(dockerfiles) == 1:
        only = next(iter(dockerfiles.values()))
        by_image.setdefault("*", (only, only.directory, ""))
    by_folder = _by_folder(dockerfiles)
    for workload in workloads:
        for dep in _k8s_deployments(workload, by_image, by_folder, packages, apps):
            if dep.dockerfile is None and "*" in by_image and _custom_image(dep.container):
                df, ctx, target = by_image["*"]
                dep = _relink(dep, df, ctx, target, packages, apps)
            out.append(dep)
            if dep.dockerfile is not None:
                used.add(dep.dockerfile.path)
    for path, df in dockerfiles.items():
        if path in used or df.final is None:
            continue
        context = df.directory
        argv, where, shell = _runtime(df.final, path)
        out.append(Deployment("docker", path, Location.at(path, df.final.pos), context, df, df.final,
                              _go_for(context, df.final, df, packages), _python_for(context, apps),
                              argv, where, shell, tuple(_dockerfile_env(df.final, path))))
    return tuple(out)


_PUBLIC_IMAGES = ("postgres", "mysql", "mariadb", "redis", "mongo", "nginx", "rabbitmq", "busybox",
                  "alpine", "memcached", "traefik", "envoy", "haproxy", "kafka", "zookeeper", "minio")


def _custom_image(container: Container | None) -> bool:
    if container is None or not container.image:
        return False
    return _image_key(container.image) not in _PUBLIC_IMAGES


def _relink(dep: Deployment, df: Dockerfile, context: str, target: str,
            packages: _Packages, apps: Sequence[PythonApp]) -> Deployment:
    stage = df.stage(target) if target else df.final
    env = tuple(_dockerfile_env(stage, df.path)) + dep.env
    command, where, shell = dep.command, dep.command_location, dep.command_shell
    if not command:
        command, where, shell = _runtime(stage, df.path)
    elif (dep.container is not None and dep.container.command is None and stage is not None
          and stage.entrypoint is not None):
        # `args` alone replace CMD only: the image's ENTRYPOINT still runs them.
        command = stage.entrypoint.argv + command
    return replace(dep, dockerfile=df, stage=stage, context=context,
                   go=_go_for(context, stage, df, packages), python=_python_for(context, apps),
                   env=env, command=command, command_location=where, command_shell=shell)


__all__ = ["Deployment", "EnvSetting", "Listen", "Position", "assemble"]
