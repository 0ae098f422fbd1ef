"""One build stage and what it answers: run-time configuration, image traits and build facts.

A `Stage` holds its typed instruction records and follows its `parent` (the earlier stage FROM
names) for what it inherits: the run-time environment, user, working directory, command and
healthcheck; the traits of the image it starts from and what its own RUN and COPY lines add; and
the package installs, pip installs and Go builds of its RUN lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from deploycheck.model.dockerfile.gobuild import (
    GoBuild,
    _go_build_flags,
    _is_go,
    _lookup,
    _static_ldflags,
)
from deploycheck.model.dockerfile.images import ImageTraits, classify_image
from deploycheck.model.dockerfile.installs import (
    PackageInstall,
    PipInstall,
    _package_base,
    _package_install,
    _pip_install,
)
from deploycheck.model.dockerfile.instructions import (
    DEFAULT_SHELL,
    ArgDecl,
    CommandSpec,
    CopySpec,
    EnvVar,
    ExposedPort,
    Form,
    Healthcheck,
    Instruction,
    RunStep,
    UserSpec,
    Workdir,
)
from deploycheck.model.dockerfile.paths import _clean_abs, _join
from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class Stage:
    """One build stage (`FROM ... AS name`) with its instructions and typed records.

    `parent` is the earlier stage FROM names, if any: helpers follow it for what a stage
    inherits (ENV, USER, WORKDIR, CMD, ENTRYPOINT, HEALTHCHECK, EXPOSE, image traits).
    """

    index: int
    name: str | None
    base_raw: str
    base: str  # ARG-expanded; still holds `$...` when a variable could not be resolved
    pos: Position
    instructions: tuple[Instruction, ...] = field(repr=False)
    is_final: bool = False
    base_pos: Position | None = None
    platform: str | None = None
    platform_raw: str | None = None
    parent: Stage | None = field(default=None, repr=False)
    args: tuple[ArgDecl, ...] = ()
    envs: tuple[EnvVar, ...] = ()
    users: tuple[UserSpec, ...] = ()
    workdirs: tuple[Workdir, ...] = ()
    own_exposes: tuple[ExposedPort, ...] = ()
    cmds: tuple[CommandSpec, ...] = ()
    entrypoints: tuple[CommandSpec, ...] = ()
    healthchecks: tuple[Healthcheck, ...] = ()
    copies: tuple[CopySpec, ...] = ()
    runs: tuple[RunStep, ...] = ()
    shell_argv: tuple[str, ...] | None = None
    inherited_workdir: str = "/"  # WORKDIR in effect when the stage starts
    # Derived facts computed on first use; not part of the value (compare/hash/repr ignore it).
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    # -- identity and base ------------------------------------------------------------------
    @property
    def label(self) -> str:
        """How messages name the stage: `build` or `#1`."""
        return self.name if self.name else f"#{self.index}"

    @property
    def base_stage(self) -> Stage | None:
        return self.parent

    @property
    def base_resolved(self) -> bool:
        return "$" not in self.base

    def chain(self) -> tuple[Stage, ...]:
        """This stage and the stages it is built FROM, nearest first."""
        out: list[Stage] = []
        stage: Stage | None = self
        while stage is not None and len(out) < 1000:
            out.append(stage)
            stage = stage.parent
        return tuple(out)

    @property
    def root_image(self) -> str:
        """The image at the bottom of the stage chain."""
        return self.chain()[-1].base

    @property
    def root_image_pos(self) -> Position:
        root = self.chain()[-1]
        return root.base_pos or root.pos

    @property
    def base_traits(self) -> ImageTraits:
        """Traits of what this stage starts from: the image, or the earlier stage as built."""
        if self.parent is not None:
            return self.parent.traits
        return classify_image(self.base)

    @property
    def traits(self) -> ImageTraits:
        """Traits of this stage as built: the base plus what its RUN and COPY lines added."""
        cached = self.memo.get("traits")
        if isinstance(cached, ImageTraits):
            return cached
        traits = self.base_traits.with_added(iter(self.added_items()))
        self.memo["traits"] = traits
        return traits

    def added_items(self) -> tuple[str, ...]:
        """Packages installed and well-known paths copied in by this stage's own lines."""
        items: list[str] = []
        for install in self.package_installs():
            items.extend(_package_base(p) for p in install.packages)
        for copy in self.copies:
            for known in ("/etc/ssl/certs", "/usr/share/zoneinfo", "/etc/passwd"):
                if any(_clean_abs(s) == known or _clean_abs(s).startswith(known + "/")
                       for s in copy.sources) and copy.from_ref is not None:
                    items.append(known)
            dest = copy.dest_path.rstrip("/")
            if dest in ("/etc/passwd",):
                items.append("/etc/passwd")
            for src in copy.sources:
                base = src.rstrip("/").rpartition("/")[2]
                if base in ("curl", "wget", "busybox", "sh") and copy.from_ref is not None:
                    items.append(base)
        return tuple(items)

    # -- run-time configuration ---------------------------------------------------------------
    @property
    def env(self) -> dict[str, EnvVar]:
        """The environment the container starts with, as far as this Dockerfile sets it:
        ENV of this stage and the stages it builds on (ARG does not reach run time)."""
        out = dict(self.parent.env) if self.parent else {}
        for var in self.envs:
            out[var.name] = var
        return out

    def env_value(self, name: str) -> str | None:
        var = self.env.get(name)
        return var.value if var else None

    @property
    def workdir(self) -> str:
        return self.workdirs[-1].path if self.workdirs else self.inherited_workdir

    @property
    def user(self) -> UserSpec | None:
        """The USER in effect at run time (inherited through stages); None: the base's default."""
        if self.users:
            return self.users[-1]
        return self.parent.user if self.parent else None

    @property
    def exposes(self) -> tuple[ExposedPort, ...]:
        inherited = self.parent.exposes if self.parent else ()
        return inherited + self.own_exposes

    @property
    def entrypoint(self) -> CommandSpec | None:
        if self.entrypoints:
            return self.entrypoints[-1]
        return self.parent.entrypoint if self.parent else None

    @property
    def cmd(self) -> CommandSpec | None:
        if self.cmds:
            return self.cmds[-1]
        if self.entrypoints:
            return None  # a new ENTRYPOINT resets an inherited CMD
        return self.parent.cmd if self.parent else None

    @property
    def healthcheck(self) -> Healthcheck | None:
        if self.healthchecks:
            return self.healthchecks[-1]
        return self.parent.healthcheck if self.parent else None

    @property
    def shell(self) -> tuple[str, ...]:
        if self.shell_argv is not None:
            return self.shell_argv
        return self.parent.shell if self.parent else DEFAULT_SHELL

    def runtime_argv(self) -> tuple[str, ...] | None:
        """What the container runs as PID 1 (ENTRYPOINT + CMD as Docker combines them); shell
        forms appear as `SHELL + [text]`. None when neither is set in this Dockerfile."""
        ep, cmd = self.entrypoint, self.cmd
        if ep is not None:
            if ep.form is Form.SHELL:
                return (*self.shell, ep.raw)
            tail: tuple[str, ...] = ()
            if cmd is not None:
                tail = cmd.argv if cmd.form is Form.EXEC else (*self.shell, cmd.raw)
            return ep.argv + tail
        if cmd is not None:
            return cmd.argv if cmd.form is Form.EXEC else (*self.shell, cmd.raw)
        return None

    def runtime_command(self) -> tuple[str, ...]:
        """The program and its arguments as the app sees them: shell text split into words."""
        ep, cmd = self.entrypoint, self.cmd
        out: tuple[str, ...] = ()
        if ep is not None:
            out = ep.argv
            if ep.form is Form.SHELL:
                return out
        if cmd is not None:
            out += cmd.argv
        return out

    # -- build facts ----------------------------------------------------------------------------
    def package_installs(self) -> tuple[PackageInstall, ...]:
        cached = self.memo.get("package_installs")
        if isinstance(cached, tuple):
            return cached
        out: list[PackageInstall] = []
        for run in self.runs:
            for command in run.commands():
                install = _package_install(command.words, run.pos)
                if install is not None:
                    out.append(install)
        self.memo["package_installs"] = tuple(out)
        return tuple(out)

    def pip_installs(self) -> tuple[PipInstall, ...]:
        out: list[PipInstall] = []
        for run in self.runs:
            for command in run.commands():
                pip = _pip_install(command.words, run.pos)
                if pip is not None:
                    out.append(pip)
        return tuple(out)

    @property
    def golang_version(self) -> str | None:
        """The Go version of the `golang:` image this stage builds on ("1.22"), if tagged."""
        return self.base_traits.golang_version

    def go_builds(self) -> tuple[GoBuild, ...]:
        """Every `go build` in this stage's RUN lines, with the CGO/GOOS/GOARCH in effect."""
        cached = self.memo.get("go_builds")
        if isinstance(cached, tuple):
            return cached
        builds = self._go_builds()
        self.memo["go_builds"] = builds
        return builds

    def _go_builds(self) -> tuple[GoBuild, ...]:
        out: list[GoBuild] = []
        env = self.go_env_defaults()
        build_vars = self.build_vars_by_line()
        for run in self.runs:
            scope = build_vars.get(run.pos.line, {})
            for command in run.commands():
                words = command.words
                if _is_go(words) and len(words) > 2 and words[1] == "env" and "-w" in words:
                    for w in words[2:]:
                        key, eq, value = w.partition("=")
                        if eq:
                            env[key] = (value, run.pos)
                    continue
                if not (_is_go(words) and len(words) > 1 and words[1] == "build"):
                    continue
                layers = (
                    {k: (v, run.pos) for k, v in command.env().items()},
                    scope,
                    env,
                )
                cgo, cgo_pos = _lookup(layers, "CGO_ENABLED")
                goos, _ = _lookup(layers, "GOOS")
                goarch, goarch_pos = _lookup(layers, "GOARCH")
                output, tags, ldflags = _go_build_flags(words[2:])
                out.append(GoBuild(
                    text=" ".join(words), pos=run.pos, cgo=cgo, cgo_pos=cgo_pos,
                    output=_join(self.workdir_at(run.pos.line), output) if output else None,
                    goos=goos, goarch=goarch, goarch_pos=goarch_pos, tags=tags,
                    static_link=_static_ldflags(ldflags),
                ))
        return tuple(out)

    def go_env_defaults(self) -> dict[str, tuple[str, Position | None]]:
        """`go env -w` settings inherited from the stages this one builds on."""
        out: dict[str, tuple[str, Position | None]] = {}
        for stage in reversed(self.chain()[1:]):
            for run in stage.runs:
                for command in run.commands():
                    words = command.words
                    if _is_go(words) and len(words) > 2 and words[1] == "env" and "-w" in words:
                        for w in words[2:]:
                            key, eq, value = w.partition("=")
                            if eq:
                                out[key] = (value, run.pos)
        return out

    def build_vars_by_line(self) -> dict[int, dict[str, tuple[str | None, Position | None]]]:
        """For each RUN line: the ENV (inherited) and ARG values a RUN sees at build time."""
        scope: dict[str, tuple[str | None, Position | None]] = {}
        for name, var in (self.parent.env if self.parent else {}).items():
            scope[name] = (var.value if var.resolved else None, var.pos)
        events: list[tuple[int, str, str | None, Position]] = []
        for arg in self.args:
            events.append((arg.pos.line, arg.name, arg.default, arg.pos))
        for var in self.envs:
            events.append((var.pos.line, var.name, var.value if var.resolved else None, var.pos))
        events.sort(key=lambda e: (e[0], e[3].column))
        out: dict[int, dict[str, tuple[str | None, Position | None]]] = {}
        i = 0
        for run in self.runs:
            while i < len(events) and events[i][0] < run.pos.line:
                _, name, value, pos = events[i]
                scope[name] = (value, pos)
                i += 1
            out[run.pos.line] = dict(scope)
        return out

    def workdir_at(self, line: int) -> str:
        current = self.inherited_workdir
        for wd in self.workdirs:
            if wd.pos.line < line:
                current = wd.path
        return current


def env_mapping(stage: Stage) -> Mapping[str, str]:
    """The run-time environment of `stage` as plain name → value."""
    return {name: var.value for name, var in stage.env.items()}
