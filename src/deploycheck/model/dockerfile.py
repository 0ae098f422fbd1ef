"""A Dockerfile: stages, their instructions, and what the built image will hold and run.

The parser fills the per-instruction records (with positions and variables already expanded where
the Dockerfile's own ARG/ENV defaults allow); the helpers here answer what rules ask: the run-time
environment, user, working directory, command, the traits of the base image (shell? libc? CA
certificates?) through chains of stages, Go build facts and pip installs.
"""

from __future__ import annotations

import enum
import fnmatch
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from deploycheck.model.location import Position

Libc = Literal["glibc", "musl", "none", "unknown"]


class Form(enum.Enum):
    EXEC = "exec"  # JSON array: run directly
    SHELL = "shell"  # plain text: run through the stage's SHELL (default /bin/sh -c)


DEFAULT_SHELL: tuple[str, ...] = ("/bin/sh", "-c")


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction as written. `args` are the parser's words (JSON form: the array items)."""

    keyword: str  # upper-case: FROM, RUN, ...
    args: tuple[str, ...]
    flags: tuple[str, ...]  # as written: "--from=build"
    json: bool
    raw: str  # the instruction with continuations joined
    pos: Position
    end_line: int
    arg_positions: tuple[Position, ...] = ()
    heredocs: tuple[tuple[str, str], ...] = ()  # (name, content)
    sub_keyword: str = ""  # ONBUILD's instruction

    def flag(self, name: str) -> str | None:
        """The value of `--name=value` (last wins); '' for a bare `--name`; None if absent."""
        found: str | None = None
        for f in self.flags:
            key, eq, value = f[2:].partition("=")
            if key.lower() == name.lower():
                found = value if eq else ""
        return found

    def arg_pos(self, index: int) -> Position:
        if 0 <= index < len(self.arg_positions):
            return self.arg_positions[index]
        return self.pos


@dataclass(frozen=True, slots=True)
class ArgDecl:
    """`ARG NAME[=default]`. `default` is expanded; None when no default is written."""

    name: str
    default: str | None
    pos: Position
    is_global: bool = False  # before the first FROM
    raw_default: str | None = None


@dataclass(frozen=True, slots=True)
class EnvVar:
    """One `ENV NAME=value` pair. `value` is unquoted and expanded where possible."""

    name: str
    value: str
    raw: str
    pos: Position
    resolved: bool = True


@dataclass(frozen=True, slots=True)
class UserSpec:
    """`USER name[:group]`. `user` is expanded where possible."""

    raw: str
    user: str
    group: str
    pos: Position

    @property
    def is_root(self) -> bool:
        return self.user in ("root", "0")

    @property
    def is_numeric(self) -> bool:
        return self.user.isdigit()


@dataclass(frozen=True, slots=True)
class Workdir:
    raw: str
    path: str  # absolute, resolved against the previous WORKDIR
    pos: Position


@dataclass(frozen=True, slots=True)
class ExposedPort:
    """One EXPOSE item. `port` is None when a variable in it could not be resolved."""

    raw: str
    port: int | None
    end_port: int | None  # for ranges "8000-8010"
    protocol: str
    pos: Position

    @property
    def resolved(self) -> bool:
        return self.port is not None

    def covers(self, port: int) -> bool:
        if self.port is None:
            return False
        return self.port <= port <= (self.end_port or self.port)


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """CMD or ENTRYPOINT. `argv` is the exec array, or the shell text split like a shell would."""

    keyword: str
    form: Form
    argv: tuple[str, ...]
    raw: str  # the shell text, or the JSON array as written
    pos: Position

    @property
    def program(self) -> str:
        return self.argv[0] if self.argv else ""


@dataclass(frozen=True, slots=True)
class Healthcheck:
    """HEALTHCHECK. `disabled` for `HEALTHCHECK NONE`; `options` are (name, value) of --flags."""

    disabled: bool
    form: Form
    argv: tuple[str, ...]
    raw: str
    options: tuple[tuple[str, str], ...]
    pos: Position
    command_pos: Position

    @property
    def program(self) -> str:
        return self.argv[0] if self.argv else ""


@dataclass(frozen=True, slots=True)
class CopySpec:
    """COPY or ADD.

    `sources` are expanded where possible and relative to the build context, or (with --from)
    to the root of the source stage or image. `dest` is as written (expanded); `dest_path` is
    resolved against WORKDIR. `from_stage` is the index of the stage `--from` names (None for
    the build context or an external image, which is then in `from_image`).
    """

    keyword: str
    sources: tuple[str, ...]
    dest: str
    dest_path: str
    pos: Position
    source_positions: tuple[Position, ...] = ()
    from_ref: str | None = None
    from_stage: int | None = None
    from_image: str | None = None
    chown: str | None = None
    chmod: str | None = None
    link: bool = False
    heredoc: bool = False

    @property
    def from_context(self) -> bool:
        return self.from_ref is None and not self.heredoc

    @property
    def copies_whole_context(self) -> bool:
        """`COPY . .`, `COPY ./ /app`, `ADD . .` from the build context."""
        return self.from_context and any(_clean_rel(s) == "." for s in self.sources)

    def source_pos(self, index: int) -> Position:
        if 0 <= index < len(self.source_positions):
            return self.source_positions[index]
        return self.pos

    def pulls(self, path: str) -> bool:
        """Whether this copy takes `path` (absolute, in the source stage): the path itself, a
        directory holding it, or a simple glob matching it."""
        target = _clean_abs(path)
        for src in self.sources:
            s = _clean_abs(src)
            if s == target or s == "/" or target.startswith(s + "/"):
                return True
            if any(c in s for c in "*?[") and _glob_match(s, target):
                return True
        return False

    def dest_for(self, source: str) -> str:
        """Where a pulled source lands: inside `dest_path` when it is a directory."""
        if self.dest.endswith("/") or len(self.sources) > 1 or self.dest_path == "/":
            return _join(self.dest_path, source.rstrip("/").rpartition("/")[2])
        return self.dest_path


@dataclass(frozen=True, slots=True)
class RunStep:
    """A RUN. `text` is the shell text (heredoc bodies appended) or the exec argv joined."""

    form: Form
    text: str
    argv: tuple[str, ...]
    pos: Position
    mounts: tuple[str, ...] = ()  # --mount values
    flags: tuple[str, ...] = ()

    parsed: tuple[SimpleCommand, ...] | None = field(default=None, compare=False, repr=False)

    def commands(self) -> tuple[SimpleCommand, ...]:
        """The simple commands of the RUN (computed by the parser once, else here)."""
        if self.parsed is not None:
            return self.parsed
        if self.form is Form.EXEC:
            return (SimpleCommand(tuple(self.argv), ()),)
        return split_commands(self.text)


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One command of a shell line: its words and the `VAR=value` assignments before it.

    `exported` holds what earlier `export VAR=value` commands in the same RUN put in effect.
    """

    words: tuple[str, ...]
    assigns: tuple[tuple[str, str], ...]
    exported: tuple[tuple[str, str], ...] = ()

    def env(self) -> dict[str, str]:
        out = dict(self.exported)
        out.update(self.assigns)
        return out


@dataclass(frozen=True, slots=True)
class PackageInstall:
    """`apk add` / `apt-get install` / `yum|dnf|microdnf install` of packages."""

    manager: str
    packages: tuple[str, ...]
    pos: Position


@dataclass(frozen=True, slots=True)
class PipInstall:
    """`pip install` (also `pip3`, `python -m pip`, `uv pip`): packages and `-r` files."""

    packages: tuple[str, ...]
    requirements: tuple[str, ...]
    pos: Position
    editable: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GoBuild:
    """A `go build` in a RUN, with the build environment in effect for it.

    `cgo` is the CGO_ENABLED value in effect ("0", "1", or None when not set, so Go's default
    applies: on when a C compiler is present). `output` is the -o path made absolute against
    WORKDIR (None without -o). `static_link` is true when -ldflags ask the external linker for a
    static binary.
    """

    text: str
    pos: Position
    cgo: str | None
    cgo_pos: Position | None
    output: str | None
    goos: str | None
    goarch: str | None
    goarch_pos: Position | None = None
    tags: tuple[str, ...] = ()
    static_link: bool = False

    @property
    def cgo_disabled(self) -> bool:
        return self.cgo == "0"


class ImageFamily(enum.Enum):
    SCRATCH = "scratch"
    DISTROLESS_STATIC = "distroless-static"
    DISTROLESS_BASE = "distroless-base"
    DISTROLESS_CC = "distroless-cc"
    DISTROLESS_PYTHON = "distroless-python"
    DISTROLESS_OTHER = "distroless-other"
    ALPINE = "alpine"
    BUSYBOX = "busybox"
    DEBIAN = "debian"  # debian, ubuntu
    GOLANG = "golang"
    PYTHON = "python"
    PYTHON_SLIM = "python-slim"
    NODE = "node"
    NGINX = "nginx"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference. `name` is the repository without registry and `library/`."""

    raw: str
    registry: str
    name: str
    tag: str | None
    digest: str | None

    @property
    def short_name(self) -> str:
        return self.name.rpartition("/")[2]

    @property
    def unpinned(self) -> bool:
        """No tag (or `latest`) and no digest."""
        return self.digest is None and self.tag in (None, "latest")

    @staticmethod
    def parse(raw: str) -> ImageRef:
        rest, _, digest = raw.partition("@")
        first, slash, remainder = rest.partition("/")
        registry = ""
        if slash and ("." in first or ":" in first or first == "localhost"):
            registry, rest = first.lower(), remainder
        tag: str | None = None
        head, sep, last = rest.rpartition("/")
        if ":" in last:
            last, _, tag = last.partition(":")
        name = (head + sep + last).lower()
        if registry in ("", "docker.io", "index.docker.io", "registry-1.docker.io"):
            registry = ""
            name = name.removeprefix("library/")
        return ImageRef(raw, registry, name, tag, digest or None)


@dataclass(frozen=True, slots=True)
class ImageTraits:
    """What an image holds, as far as its name tells. None means "cannot tell": rules only act
    on definite False/True answers."""

    family: ImageFamily
    image: str
    libc: Libc
    has_shell: bool | None
    ca_certificates: bool | None
    tzdata: bool | None
    curl: bool | None
    wget: bool | None
    python: bool | None
    passwd: bool | None
    golang_version: str | None = None
    installed: tuple[str, ...] = ()  # what the stage chain added (packages, copied files)

    @property
    def known(self) -> bool:
        return self.family is not ImageFamily.UNKNOWN

    @property
    def distroless(self) -> bool:
        return self.family.value.startswith("distroless")

    def has_tool(self, name: str) -> bool | None:
        """Whether an executable (by base name) is on PATH, for the tools the traits track;
        None for anything else (it may have been copied in)."""
        tool = name.rpartition("/")[2]
        if tool in self.installed:
            return True
        if tool == "curl":
            return self.curl
        if tool == "wget":
            return self.wget
        if tool == "sh":
            return self.has_shell
        if tool == "bash":
            if self.has_shell is False or self.family in (ImageFamily.ALPINE,
                                                          ImageFamily.BUSYBOX):
                return False
            return True if self.libc == "glibc" and self.known and not self.distroless else None
        if tool == "python" or (tool.startswith("python") and tool[6:].replace(".", "").isdigit()):
            return self.python
        return None

    def with_added(self, what: Iterator[str] | tuple[str, ...]) -> ImageTraits:
        added = tuple(what)
        if not added:
            return self
        names = set(added)
        out = replace(self, installed=tuple(dict.fromkeys(self.installed + added)))
        if names & {"ca-certificates", "ca-certificates-bundle", "/etc/ssl/certs"}:
            out = replace(out, ca_certificates=True)
        if names & {"tzdata", "/usr/share/zoneinfo"}:
            out = replace(out, tzdata=True)
        if "curl" in names:
            out = replace(out, curl=True)
        if "wget" in names:
            out = replace(out, wget=True)
        if names & {"sh", "bash", "busybox", "dash"}:
            out = replace(out, has_shell=True)
        if names & {"python3", "python"}:
            out = replace(out, python=True)
        if "/etc/passwd" in names:
            out = replace(out, passwd=True)
        return out


def classify_image(raw: str) -> ImageTraits:
    """The traits of a base image from its reference (`golang:1.22-alpine`, `gcr.io/distroless/...`)."""
    if raw.strip().lower() == "scratch":
        return ImageTraits(ImageFamily.SCRATCH, "scratch", "none", False, False, False, False,
                           False, False, False)
    ref = ImageRef.parse(raw.strip())
    tag = (ref.tag or "latest").lower()
    name = ref.name
    short = ref.short_name
    unknown = ImageTraits(ImageFamily.UNKNOWN, raw, "unknown", None, None, None, None, None,
                          None, None)
    if "$" in raw:
        return unknown
    if (ref.registry == "gcr.io" and name.startswith("distroless/")) or name.startswith(
        "googlecontainertools/distroless"
    ) or (ref.registry == "cgr.dev" and name == "chainguard/static"):
        debug = "debug" in tag or "dev" in tag.split("-")
        # Debug variants carry busybox at /busybox: say "cannot tell" rather than "no".
        shell: bool | None = None if debug else False
        kind = short.split("-")[0]
        if name == "chainguard/static":
            kind = "static"
        family = {
            "static": ImageFamily.DISTROLESS_STATIC,
            "base": ImageFamily.DISTROLESS_BASE,
            "cc": ImageFamily.DISTROLESS_CC,
        }.get(kind, ImageFamily.DISTROLESS_PYTHON if kind.startswith("python")
              else ImageFamily.DISTROLESS_OTHER)
        libc: Libc = "none" if family is ImageFamily.DISTROLESS_STATIC else "glibc"
        return ImageTraits(family, raw, libc, shell, True, True, False, None if debug else False,
                           family is ImageFamily.DISTROLESS_PYTHON, True)
    if ref.registry not in ("", "public.ecr.aws", "mirror.gcr.io") and not name.startswith(
        "docker/library"
    ):
        return unknown
    alpine = "alpine" in tag
    slim = "slim" in tag
    if short == "alpine" and "/" not in name:
        return ImageTraits(ImageFamily.ALPINE, raw, "musl", True, True, False, False, True,
                           False, True)
    if short == "busybox" and "/" not in name:
        libc = "musl" if "musl" in tag else "glibc" if "glibc" in tag else "unknown"
        return ImageTraits(ImageFamily.BUSYBOX, raw, libc, True, False, False, False, True,
                           False, True)
    if name in ("debian", "ubuntu"):
        return ImageTraits(ImageFamily.DEBIAN, raw, "glibc", True, False, None, False, False,
                           False, True)
    if name == "golang":
        if "windows" in tag or "nanoserver" in tag:
            return unknown
        version = _leading_version(tag)
        if alpine:
            return ImageTraits(ImageFamily.GOLANG, raw, "musl", True, True, None, False, True,
                               False, True, version)
        return ImageTraits(ImageFamily.GOLANG, raw, "glibc", True, True, None, True, True, None,
                           True, version)
    if name == "python":
        if "windows" in tag:
            return unknown
        if alpine:
            return ImageTraits(ImageFamily.PYTHON, raw, "musl", True, True, True, False, True,
                               True, True)
        if slim:
            return ImageTraits(ImageFamily.PYTHON_SLIM, raw, "glibc", True, True, True, False,
                               False, True, True)
        return ImageTraits(ImageFamily.PYTHON, raw, "glibc", True, True, True, True, True, True,
                           True)
    if name == "node":
        if alpine:
            return ImageTraits(ImageFamily.NODE, raw, "musl", True, True, None, False, True,
                               False, True)
        if slim:
            return ImageTraits(ImageFamily.NODE, raw, "glibc", True, True, None, False, False,
                               False, True)
        return ImageTraits(ImageFamily.NODE, raw, "glibc", True, True, None, True, True, True,
                           True)
    if name in ("nginx", "nginxinc/nginx-unprivileged"):
        if alpine:
            return ImageTraits(ImageFamily.NGINX, raw, "musl", True, True, None, None, True,
                               False, True)
        return ImageTraits(ImageFamily.NGINX, raw, "glibc", True, True, None, True, None, False,
                           True)
    return unknown


def _leading_version(tag: str) -> str | None:
    head = tag.split("-")[0]
    parts = head.split(".")
    if parts and all(p.isdigit() for p in parts) and len(parts) >= 2:
        return head
    if head.isdigit():
        return head
    return None


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


@dataclass(frozen=True, slots=True)
class Dockerfile:
    """A parsed Dockerfile. `directory` is its folder relative to the root (the default build
    context). `global_args` are the ARGs before the first FROM."""

    path: str
    directory: str
    stages: tuple[Stage, ...]
    global_args: tuple[ArgDecl, ...] = ()
    instructions: tuple[Instruction, ...] = ()

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    def stage(self, ref: str | int) -> Stage | None:
        """A stage by name (case-insensitive) or index."""
        if isinstance(ref, int) or ref.isdigit():
            i = int(ref)
            return self.stages[i] if 0 <= i < len(self.stages) else None
        low = ref.lower()
        for stage in self.stages:
            if stage.name is not None and stage.name.lower() == low:
                return stage
        return None

    def descendants(self, stage: Stage) -> tuple[Stage, ...]:
        """Stages built FROM `stage`, directly or through other stages (including itself)."""
        return tuple(s for s in self.stages if any(c.index == stage.index for c in s.chain()))

    def copies_from(self, stage: Stage) -> Iterator[tuple[Stage, CopySpec]]:
        """Every `COPY --from` that reads from `stage` (or a stage built FROM it)."""
        sources = {s.index for s in self.descendants(stage)}
        for target in self.stages:
            for copy in target.copies:
                if copy.from_stage is not None and copy.from_stage in sources:
                    yield target, copy

    def copies_pulling(self, stage: Stage, path: str) -> tuple[tuple[Stage, CopySpec], ...]:
        """The COPY --from lines (with their stage) that take `path` out of `stage`."""
        return tuple((t, c) for t, c in self.copies_from(stage) if c.pulls(path))

    def runtime_stages_of(self, stage: Stage, path: str) -> tuple[tuple[Stage, CopySpec], ...]:
        """Where a file built in `stage` ends up: copies of it into other stages, following
        further copies out of those stages. The stage itself is not included."""
        out: list[tuple[Stage, CopySpec]] = []
        todo = [(stage, path)]
        seen: set[tuple[int, str]] = set()
        while todo and len(seen) < 200:
            src, p = todo.pop()
            if (src.index, p) in seen:
                continue
            seen.add((src.index, p))
            for target, copy in self.copies_pulling(src, p):
                if target.index == src.index:
                    continue
                out.append((target, copy))
                todo.append((target, copy.dest_for(p)))
        return tuple(out)


# -- shell text helpers ---------------------------------------------------------------------

def split_commands(text: str) -> tuple[SimpleCommand, ...]:
    """Split shell text into simple commands (at `&&`, `||`, `;`, `|`, newlines), with leading
    `VAR=value` assignments separated out and `export VAR=value` carried forward."""
    out: list[SimpleCommand] = []
    exported: dict[str, str] = {}
    for words in _shell_words(text):
        if not words:
            continue
        assigns: list[tuple[str, str]] = []
        i = 0
        while i < len(words) and _is_assignment(words[i]):
            key, _, value = words[i].partition("=")
            assigns.append((key, value))
            i += 1
        rest = tuple(words[i:])
        if rest and rest[0] == "env":
            j = 1
            while j < len(rest) and (_is_assignment(rest[j]) or rest[j].startswith("-")):
                if _is_assignment(rest[j]):
                    key, _, value = rest[j].partition("=")
                    assigns.append((key, value))
                j += 1
            rest = rest[j:]
        if rest and rest[0] == "export":
            for w in rest[1:]:
                if _is_assignment(w):
                    key, _, value = w.partition("=")
                    exported[key] = value
            continue
        if not rest and assigns:
            # `X=1; go build` sets a shell variable, not an exported one; `X=1` alone then
            # `export X` is rare: treat plain assignment as in effect for later commands.
            exported.update(assigns)
            continue
        if rest:
            out.append(SimpleCommand(rest, tuple(assigns), tuple(exported.items())))
    return tuple(out)


def _is_assignment(word: str) -> bool:
    key, eq, _ = word.partition("=")
    return bool(eq) and key.replace("_", "a").isalnum() and not key[0].isdigit()


# One shell token: a quoted string, an escaped character, a run of plain characters, an
# operator, a comment, or a newline. Adjacent pieces with no blank between form one word.
_TOKEN = re.compile(
    r"""'[^']*'?|"(?:\\.|[^"\\])*"?|\\.|&&|\|\||[;&|()]|\n|#[^\n]*|[ \t\r]+|[^\s'"\\;&|()#]+|."""
)
_OPERATORS = {"&&", "||", ";", "&", "|", "(", ")", "\n"}


def _shell_words(text: str, keep_operators: bool = False) -> Iterator[list[str]]:
    """Simple commands as lists of words, quotes removed (a linear scan, no shlex).
    With `keep_operators`, one list holding everything, operators included."""
    current: list[str] = []
    word: list[str] | None = None
    for match in _TOKEN.finditer(text.replace("\\\n", " ")):
        tok = match.group(0)
        if tok in _OPERATORS or tok[0] in " \t\r" or (tok[0] == "#" and word is None):
            if word is not None:
                current.append("".join(word))
                word = None
            if keep_operators and tok in _OPERATORS and tok != "\n":
                current.append(tok)
            elif tok in _OPERATORS and current:
                yield _drop_keywords(current)
                current = []
            continue
        piece = tok
        if tok[0] == "'":
            piece = tok[1:-1] if len(tok) > 1 and tok.endswith("'") else tok[1:]
        elif tok[0] == '"':
            inner = tok[1:-1] if len(tok) > 1 and tok.endswith('"') else tok[1:]
            piece = re.sub(r'\\([\\"$`])', r"\1", inner)
        elif tok[0] == "\\" and len(tok) == 2:
            piece = tok[1]
        word = (word or []) + [piece]
    if word is not None:
        current.append("".join(word))
    if current:
        yield current if keep_operators else _drop_keywords(current)


_KEYWORDS = {"then", "do", "else", "elif", "if", "while", "until", "!", "{", "}", "fi", "done"}


def _drop_keywords(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) and words[i] in _KEYWORDS:
        i += 1
    return words[i:]


def shell_split(text: str) -> tuple[str, ...]:
    """Split shell text into words like `sh` would (quotes removed); operators such as `&&`
    stay as words of their own."""
    out: list[str] = []
    for words in _shell_words(text, keep_operators=True):
        out.extend(words)
    return tuple(out)


def _lookup(
    layers: tuple[Mapping[str, tuple[str | None, Position | None]], ...], key: str
) -> tuple[str | None, Position | None]:
    for layer in layers:
        if key in layer:
            return layer[key]
    return None, None


def _is_go(words: tuple[str, ...]) -> bool:
    return bool(words) and words[0].rpartition("/")[2] == "go"


def _go_build_flags(args: tuple[str, ...]) -> tuple[str | None, tuple[str, ...], str]:
    output: str | None = None
    tags: list[str] = []
    ldflags = ""
    i = 0
    while i < len(args):
        a = args[i]
        name, eq, value = a.lstrip("-").partition("=")
        if not a.startswith("-"):
            i += 1
            continue
        if not eq and name in ("o", "tags", "ldflags", "gcflags", "mod", "p", "asmflags",
                               "buildmode", "compiler", "gccgoflags", "installsuffix", "pkgdir",
                               "toolexec", "overlay", "pgo", "modfile", "C"):
            value = args[i + 1] if i + 1 < len(args) else ""
            i += 1
        if name == "o":
            output = value
        elif name == "tags":
            tags.extend(t for t in value.replace(",", " ").split() if t)
        elif name == "ldflags":
            ldflags += " " + value
        i += 1
    return output, tuple(tags), ldflags


def _static_ldflags(ldflags: str) -> bool:
    flat = ldflags.replace("'", " ").replace('"', " ")
    return "-extldflags" in flat and "-static" in flat.split("-extldflags", 1)[1]


_PKG_MANAGERS = {
    "apk": ("add",),
    "apt-get": ("install",),
    "apt": ("install",),
    "yum": ("install",),
    "dnf": ("install",),
    "microdnf": ("install",),
    "tdnf": ("install",),
    "zypper": ("install", "in"),
}


def _package_install(words: tuple[str, ...], pos: Position) -> PackageInstall | None:
    if not words:
        return None
    start = 1 if words[0] in ("sudo",) else 0
    words = words[start:]
    if not words:
        return None
    manager = words[0].rpartition("/")[2]
    verbs = _PKG_MANAGERS.get(manager)
    if verbs is None:
        return None
    rest = list(words[1:])
    verb_at = next((i for i, w in enumerate(rest) if not w.startswith("-")), None)
    if verb_at is None or rest[verb_at] not in verbs:
        return None
    packages = []
    skip_next = False
    for w in rest[verb_at + 1:]:
        if skip_next:
            skip_next = False
            continue
        if w.startswith("-"):
            if w in ("-t", "--target-release", "-X", "--repository", "--virtual", "-o"):
                skip_next = True
            continue
        packages.append(w)
    return PackageInstall(manager, tuple(packages), pos)


def _package_base(spec: str) -> str:
    """`curl=8.5.0-r0` / `curl>=8` / `curl@edge` → `curl`."""
    for sep in ("=", ">", "<", "~", "@"):
        spec = spec.split(sep, 1)[0]
    return spec


def _pip_install(words: tuple[str, ...], pos: Position) -> PipInstall | None:
    w = list(words)
    if not w:
        return None
    prog = w[0].rpartition("/")[2]
    if prog.startswith("python") and len(w) > 2 and w[1] == "-m" and w[2] in ("pip", "pip3"):
        w = w[2:]
    elif prog == "uv" and len(w) > 1 and w[1] == "pip":
        w = w[1:]
    prog = w[0].rpartition("/")[2]
    if not (prog in ("pip", "pip3") or (prog.startswith("pip3.") and prog[5:].isdigit())):
        return None
    if len(w) < 2 or w[1] != "install":
        return None
    packages: list[str] = []
    reqs: list[str] = []
    editable: list[str] = []
    i = 2
    takes_value = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i",
                   "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target",
                   "--prefix", "--root", "--platform", "--python-version", "--implementation",
                   "--abi", "--trusted-host", "--cache-dir", "--src", "--progress-bar",
                   "--only-binary", "--no-binary", "--config-settings", "-C", "--python"}
    while i < len(w):
        a = w[i]
        name, eq, value = a.partition("=")
        if a.startswith("-"):
            if not eq and name in takes_value:
                value = w[i + 1] if i + 1 < len(w) else ""
                i += 1
            if name in ("-r", "--requirement"):
                reqs.append(value)
            elif name in ("-e", "--editable"):
                editable.append(value)
            elif name.startswith("-r") and len(name) > 2 and not name.startswith("--"):
                reqs.append(name[2:])
        else:
            packages.append(a)
        i += 1
    return PipInstall(tuple(packages), tuple(reqs), pos, tuple(editable))


# -- paths ----------------------------------------------------------------------------------

def _clean_abs(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def _clean_rel(path: str) -> str:
    cleaned = _clean_abs(path).lstrip("/")
    return cleaned or "."


def _join(base: str, path: str) -> str:
    """Resolve `path` against directory `base`, keeping a trailing slash (a directory)."""
    joined = path if path.startswith("/") else base.rstrip("/") + "/" + path
    cleaned = _clean_abs(joined)
    if path.endswith("/") and cleaned != "/":
        cleaned += "/"
    return cleaned


def _glob_match(pattern: str, path: str) -> bool:
    pat_parts, path_parts = pattern.split("/"), path.split("/")
    if len(path_parts) < len(pat_parts):
        return False
    pairs = zip(path_parts[: len(pat_parts)], pat_parts, strict=True)
    return all(fnmatch.fnmatchcase(name, pat) for name, pat in pairs)


def resolve_path(base: str, path: str) -> str:
    """Public form of the WORKDIR join used for COPY destinations and `go build -o`."""
    return _join(base, path)


def env_mapping(stage: Stage) -> Mapping[str, str]:
    """The run-time environment of `stage` as plain name → value."""
    return {name: var.value for name, var in stage.env.items()}
