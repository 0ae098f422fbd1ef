"""The per-instruction records of a Dockerfile, as the parser fills them.

One frozen record per kind of instruction (ARG, ENV, USER, WORKDIR, EXPOSE, CMD/ENTRYPOINT,
HEALTHCHECK, COPY/ADD, RUN), each with its position and its variables already expanded where the
Dockerfile's own ARG/ENV defaults allow, plus the generic `Instruction` as written and the
exec/shell `Form` of commands.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from deploycheck.model.dockerfile.paths import _clean_abs, _clean_rel, _glob_match, _join
from deploycheck.model.dockerfile.shell import SimpleCommand, split_commands
from deploycheck.model.location import Position


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
