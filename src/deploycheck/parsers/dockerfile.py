"""Dockerfile reader: BuildKit's own parser (the `dockerfile` package) wrapped into our model.

The library handles continuations, heredocs and the escape directive; here we add positions
(columns found in the source line), split stages, expand `$VAR`/`${VAR:-default}` from the
Dockerfile's own ARG and ENV defaults the way BuildKit does for each instruction, and turn every
failure into a `ParseProblem`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.model.dockerfile import (
    ArgDecl,
    CommandSpec,
    CopySpec,
    Dockerfile,
    EnvVar,
    ExposedPort,
    Form,
    Healthcheck,
    Instruction,
    RunStep,
    Stage,
    UserSpec,
    Workdir,
    classify_image,
    resolve_path,
    shell_split,
    split_commands,
)
from deploycheck.model.servercmd.shell import closing_brace
from deploycheck.parsers import Parsed

MAX_BYTES = 2_000_000
MAX_LINES = 20_000  # BuildKit's parser is quadratic on very long continuations

KNOWN = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}
Scope = Mapping[str, str | None]
FLAGS = {
    "FROM": {"platform"},
    "COPY": {"from", "chown", "chmod", "link", "parents", "exclude"},
    "ADD": {"chown", "chmod", "link", "keep-git-dir", "checksum", "exclude", "unpack"},
    "RUN": {"mount", "network", "security", "device"},
    "HEALTHCHECK": {"interval", "timeout", "start-period", "start-interval", "retries"},
}


def parse(source: SourceFile) -> Parsed:
    path = source.path
    text = source.text.removeprefix("\ufeff")
    if len(text) > MAX_BYTES or text.count("\n") > MAX_LINES:
        return _fail(path, 1, f"too large to be a Dockerfile ({len(text):,} characters); skipped")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return _fail(path, line, "binary content (NUL byte): not a Dockerfile")
    try:
        commands = _run_parser(text)
    except _ParserError as exc:
        if exc.message == "file with no instructions":
            return _fail(path, 1, "the Dockerfile has no instructions "
                                  "(docker build: file with no instructions)")
        line = _locate_error(text, exc.message)
        return _fail(path, line, f"docker build cannot parse this line: {exc.message}")
    lines = [ln.removesuffix("\r") for ln in text.split("\n")]
    instructions = tuple(_instruction(c, lines) for c in commands)
    builder = _Builder(path, source.directory, _escape_char(lines))
    return builder.build(instructions)


def _fail(path: str, line: int, message: str) -> Parsed:
    return Parsed(problems=(ParseProblem(Location.at(path, Position(line, 1)), message,
                                         "dockerfile"),))


class _ParserError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _run_parser(text: str) -> tuple[Any, ...]:
    import dockerfile  # BuildKit's parser, compiled: import lazily

    try:
        return tuple(dockerfile.parse_string(text))
    except dockerfile.GoParseError as exc:
        raise _ParserError(str(exc).strip() or "invalid Dockerfile") from None
    except (dockerfile.GoIOError, ValueError, UnicodeError) as exc:
        raise _ParserError(str(exc).strip() or "invalid Dockerfile") from None


def _locate_error(text: str, message: str) -> int:
    """The line an error message belongs to: named in it, or the shortest failing prefix."""
    found = re.search(r"line (\d+)", message)
    if found:
        return int(found.group(1))
    lines = text.split("\n")
    lo, hi = 1, len(lines)
    while lo < hi:  # a bisection: O(log n) re-parses
        mid = (lo + hi) // 2
        try:
            _run_parser("\n".join(lines[:mid]) + "\n")
            failed = False
        except _ParserError as exc:
            failed = exc.message == message
        if failed:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _escape_char(lines: Sequence[str]) -> str:
    for line in lines[:20]:
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        m = re.match(r"#\s*escape\s*=\s*(\S)", stripped, re.IGNORECASE)
        if m:
            return m.group(1)
    return "\\"


def _instruction(cmd: Any, lines: Sequence[str]) -> Instruction:
    start = max(int(cmd.start_line), 1)
    end = max(int(cmd.end_line), start)
    first = lines[start - 1] if start - 1 < len(lines) else ""
    col = len(first) - len(first.lstrip()) + 1
    pos = Position(start, col)
    tokens = [str(f) for f in cmd.flags] + [str(v) for v in cmd.value]
    positions = _find_tokens(lines, start, end, col + len(str(cmd.cmd)), tokens, pos)
    nflags = len(cmd.flags)
    return Instruction(
        keyword=str(cmd.cmd).upper(),
        args=tuple(str(v) for v in cmd.value),
        flags=tuple(str(f) for f in cmd.flags),
        json=bool(cmd.json),
        raw=str(cmd.original),
        pos=pos,
        end_line=end,
        arg_positions=tuple(positions[nflags:]),
        heredocs=tuple((str(h.name), str(h.content)) for h in cmd.heredocs),
        sub_keyword=str(cmd.sub_cmd or "").upper(),
    )


def _find_tokens(lines: Sequence[str], start: int, end: int, col: int, tokens: Sequence[str],
                 fallback: Position) -> list[Position]:
    """Columns of each token, searched forward through the instruction's source lines."""
    out: list[Position] = []
    line, offset = start, col - 1
    for token in tokens:
        probe = token.split("\n", 1)[0][:40] or token
        found: Position | None = None
        for number in range(line, min(end, len(lines)) + 1):
            text = lines[number - 1]
            at = text.find(probe, offset if number == line else 0)
            if at >= 0 and probe:
                found = Position(number, at + 1)
                line, offset = number, at + len(probe)
                break
        out.append(found or fallback)
    return out


# -- variable expansion ------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def expand(text: str, scope: Scope, escape: str = "\\") -> tuple[str, bool]:
    """Expand a Dockerfile word like BuildKit's shell lexer: quotes removed, `$X`, `${X}`,
    `${X:-d}`, `${X-d}`, `${X:+a}`, `${X+a}` replaced. Returns (text, every variable known);
    an unknown variable is left as written."""
    out: list[str] = []
    ok = True
    i, n = 0, len(text)
    quote = ""
    while i < n:
        ch = text[i]
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                out.append(ch)
            i += 1
            continue
        if ch == escape and i + 1 < n:
            nxt = text[i + 1]
            if quote == '"' and nxt not in ('"', "$", escape):
                out.append(ch)
            out.append(nxt)
            i += 2
            continue
        if ch in ("'", '"') and (not quote or quote == ch):
            quote = "" if quote else ch
            i += 1
            continue
        if ch == "$" and i + 1 < n:
            value, length, known = _variable(text, i, scope, escape)
            if length:
                out.append(value)
                ok = ok and known
                i += length
                continue
        out.append(ch)
        i += 1
    return "".join(out), ok


def _variable(text: str, i: int, scope: Scope, escape: str) -> tuple[str, int, bool]:
    if text[i + 1] == "{":
        close = closing_brace(text, i + 2)
        if close < 0:
            return "", 0, True
        inner = text[i + 2:close]
        length = close + 1 - i
        m = _NAME.match(inner)
        if not m:
            return text[i:close + 1], length, False
        name, rest = m.group(0), inner[m.end():]
        value = scope.get(name)
        known = name in scope and value is not None
        for op in (":-", ":+", ":?", "-", "+", "?"):
            if rest.startswith(op):
                word, word_ok = expand(rest[len(op):], scope, escape)
                is_set = name in scope and value is not None
                if op in (":-", "-"):
                    if is_set and (value or op == "-"):
                        return value or "", length, True
                    if not is_set and name in scope:
                        # Declared without a default: a --build-arg may still set it.
                        return text[i:close + 1], length, False
                    return word, length, word_ok
                if op in (":+", "+"):
                    if not is_set:
                        return text[i:close + 1], length, False
                    return (word if (value or op == "+") else ""), length, word_ok
                return (value or "", length, True) if is_set else (text[i:close + 1], length,
                                                                   False)
        if rest:
            return text[i:close + 1], length, False
        return (value, length, True) if known and value is not None else (text[i:close + 1],
                                                                          length, False)
    m = _NAME.match(text, i + 1)
    if not m:
        return "", 0, True
    name = m.group(0)
    value = scope.get(name)
    if value is None:
        return text[i:m.end()], m.end() - i, False
    return value, m.end() - i, True


# -- stage building -------------------------------------------------------------------------------

@dataclass
class _StageDraft:
    index: int
    name: str | None
    base_raw: str
    base: str
    pos: Position
    base_pos: Position | None
    platform: str | None
    platform_raw: str | None
    parent: Stage | None
    instructions: list[Instruction] = field(default_factory=list)
    args: list[ArgDecl] = field(default_factory=list)
    envs: list[EnvVar] = field(default_factory=list)
    users: list[UserSpec] = field(default_factory=list)
    workdirs: list[Workdir] = field(default_factory=list)
    exposes: list[ExposedPort] = field(default_factory=list)
    cmds: list[CommandSpec] = field(default_factory=list)
    entrypoints: list[CommandSpec] = field(default_factory=list)
    healthchecks: list[Healthcheck] = field(default_factory=list)
    copies: list[CopySpec] = field(default_factory=list)
    runs: list[RunStep] = field(default_factory=list)
    shell: tuple[str, ...] | None = None
    inherited_workdir: str = "/"
    scope: dict[str, str | None] = field(default_factory=dict)
    env_names: set[str] = field(default_factory=set)
    workdir: str = "/"


class _Builder:
    def __init__(self, path: str, directory: str, escape: str) -> None:
        self.path = path
        self.directory = directory
        self.escape = escape
        self.problems: list[ParseProblem] = []
        self.global_args: list[ArgDecl] = []
        self.global_scope: dict[str, str | None] = {}
        self.stages: list[Stage] = []
        self.draft: _StageDraft | None = None

    def problem(self, pos: Position, message: str) -> None:
        self.problems.append(ParseProblem(Location.at(self.path, pos), message, "dockerfile"))

    def build(self, instructions: tuple[Instruction, ...]) -> Parsed:
        drafts_total = sum(1 for i in instructions if i.keyword == "FROM")
        for ins in instructions:
            if ins.keyword not in KNOWN:
                self.problem(ins.pos, f"unknown instruction: {ins.keyword} "
                                      "(docker build stops here)")
                continue
            allowed = FLAGS.get(ins.keyword, set())
            bad = [f for f in ins.flags if f[2:].partition("=")[0].lower() not in allowed]
            if bad:
                self.problem(ins.pos, f"unknown flag: {bad[0][2:].partition('=')[0]} "
                                      f"({ins.keyword} does not take it; docker build fails)")
            if ins.keyword == "FROM":
                self._finish(final=False)
                self._start(ins)
                continue
            if self.draft is None:
                if ins.keyword == "ARG":
                    for decl in self._args(ins, self.global_scope, is_global=True):
                        self.global_args.append(decl)
                        self.global_scope[decl.name] = decl.default
                else:
                    self.problem(ins.pos, f"{ins.keyword} before the first FROM: docker build "
                                          "fails with 'no build stage in current context'")
                continue
            self.draft.instructions.append(ins)
            self._dispatch(self.draft, ins)
        self._finish(final=True)
        if drafts_total == 0 and not self.problems:
            self.problem(Position(1, 1), "no FROM instruction: this is not a buildable "
                                         "Dockerfile")
        model = Dockerfile(self.path, self.directory, tuple(self.stages),
                           tuple(self.global_args), instructions)
        return Parsed(models=(model,), problems=tuple(self.problems))

    # FROM ----------------------------------------------------------------------------------------
    def _start(self, ins: Instruction) -> None:
        args = ins.args
        base_raw = args[0] if args else ""
        name: str | None = None
        if len(args) == 3 and args[1].lower() == "as":
            name = args[2]
        elif len(args) != 1:
            self.problem(ins.pos, "FROM requires either one or three arguments "
                                  "(FROM image [AS name])")
        base, _ = expand(base_raw, self.global_scope, self.escape)
        platform_raw = ins.flag("platform")
        platform = None
        if platform_raw is not None:
            platform, _ = expand(platform_raw, self.global_scope, self.escape)
        parent = None
        low = base.lower()
        for stage in self.stages:
            if stage.name is not None and stage.name.lower() == low:
                parent = stage
        draft = _StageDraft(
            index=len(self.stages), name=name, base_raw=base_raw, base=base, pos=ins.pos,
            base_pos=ins.arg_pos(0) if args else None, platform=platform,
            platform_raw=platform_raw, parent=parent,
        )
        draft.instructions.append(ins)
        if parent is not None:
            draft.inherited_workdir = parent.workdir
            for key, var in parent.env.items():
                draft.scope[key] = var.value if var.resolved else None
                draft.env_names.add(key)
        elif classify_image(base).golang_version is not None or base.lower().startswith(
            "golang"
        ):
            draft.inherited_workdir = "/go"
        draft.workdir = draft.inherited_workdir
        self.draft = draft

    def _finish(self, final: bool) -> None:
        d = self.draft
        if d is None:
            return
        self.stages.append(Stage(
            index=d.index, name=d.name, base_raw=d.base_raw, base=d.base, pos=d.pos,
            instructions=tuple(d.instructions), is_final=final, base_pos=d.base_pos,
            platform=d.platform, platform_raw=d.platform_raw, parent=d.parent,
            args=tuple(d.args), envs=tuple(d.envs), users=tuple(d.users),
            workdirs=tuple(d.workdirs), own_exposes=tuple(d.exposes), cmds=tuple(d.cmds),
            entrypoints=tuple(d.entrypoints), healthchecks=tuple(d.healthchecks),
            copies=tuple(d.copies), runs=tuple(d.runs), shell_argv=d.shell,
            inherited_workdir=d.inherited_workdir,
        ))
        self.draft = None

    # other instructions -----------------------------------------------------------------------
    def _dispatch(self, d: _StageDraft, ins: Instruction) -> None:
        kw = ins.keyword
        if kw == "ARG":
            for decl in self._args(ins, d.scope, is_global=False):
                d.args.append(decl)
                if decl.name not in d.env_names:
                    d.scope[decl.name] = decl.default
        elif kw == "ENV":
            self._env(d, ins)
        elif kw == "WORKDIR" and ins.args:
            raw = " ".join(ins.args)
            value, _ = expand(raw, d.scope, self.escape)
            d.workdir = resolve_path(d.workdir, value).rstrip("/") or "/"
            d.workdirs.append(Workdir(raw, d.workdir, ins.arg_pos(0)))
        elif kw == "USER" and ins.args:
            raw = ins.args[0]
            value, _ = expand(raw, d.scope, self.escape)
            user, _, group = value.partition(":")
            d.users.append(UserSpec(raw, user, group, ins.arg_pos(0)))
        elif kw == "EXPOSE":
            for i, raw in enumerate(ins.args):
                d.exposes.append(self._expose(raw, d.scope, ins.arg_pos(i)))
        elif kw in ("CMD", "ENTRYPOINT"):
            spec = self._command(ins)
            (d.cmds if kw == "CMD" else d.entrypoints).append(spec)
        elif kw == "HEALTHCHECK":
            self._healthcheck(d, ins)
        elif kw in ("COPY", "ADD"):
            self._copy(d, ins)
        elif kw == "RUN":
            d.runs.append(self._run(ins))
        elif kw == "SHELL" and ins.json and ins.args:
            d.shell = ins.args

    def _args(self, ins: Instruction, scope: Scope, is_global: bool) -> list[ArgDecl]:
        out = []
        for i, word in enumerate(ins.args):
            name, eq, raw_value = word.partition("=")
            if not name:
                continue
            default: str | None = None
            if eq:
                default, _ = expand(raw_value, scope, self.escape)
            elif not is_global and name in self.global_scope:
                default = self.global_scope[name]  # `ARG V` re-declares a global ARG
            out.append(ArgDecl(name, default, ins.arg_pos(i), is_global,
                               raw_value if eq else None))
        return out

    def _env(self, d: _StageDraft, ins: Instruction) -> None:
        args = ins.args
        for i in range(0, len(args) - 1, 2):
            name, raw = args[i], args[i + 1]
            if not name:
                continue
            value, ok = expand(raw, d.scope, self.escape)
            d.envs.append(EnvVar(name, value, raw, ins.arg_pos(i), ok))
            d.scope[name] = value if ok else None
            d.env_names.add(name)

    def _expose(self, raw: str, scope: Scope, pos: Position) -> ExposedPort:
        value, ok = expand(raw, scope, self.escape)
        port_text, _, proto = value.partition("/")
        lo_text, dash, hi_text = port_text.partition("-")
        port = int(lo_text) if ok and lo_text.isdigit() and len(lo_text) < 7 else None
        end = int(hi_text) if dash and hi_text.isdigit() and len(hi_text) < 7 else None
        return ExposedPort(raw, port, end, (proto or "tcp").lower(), pos)

    def _command(self, ins: Instruction) -> CommandSpec:
        if ins.json:
            raw = ins.raw[len(ins.keyword):].strip() if ins.raw[:len(ins.keyword)].upper() == \
                ins.keyword else ins.raw
            pos = ins.arg_pos(0)
            bracket = ins.raw.find("[")
            if ins.end_line == ins.pos.line and bracket > 0:
                pos = Position(ins.pos.line, ins.pos.column + bracket)  # at the `[`
            return CommandSpec(ins.keyword, Form.EXEC, ins.args, raw, pos)
        text = " ".join(ins.args)
        return CommandSpec(ins.keyword, Form.SHELL, shell_split(text), text, ins.arg_pos(0))

    def _healthcheck(self, d: _StageDraft, ins: Instruction) -> None:
        options = tuple((f[2:].partition("=")[0], f.partition("=")[2]) for f in ins.flags)
        args = ins.args
        if args and args[0].upper() == "NONE":
            d.healthchecks.append(Healthcheck(True, Form.EXEC, (), "NONE", options, ins.pos,
                                              ins.arg_pos(0)))
            return
        rest = args[1:] if args and args[0].upper() == "CMD" else args
        if ins.json:
            d.healthchecks.append(Healthcheck(False, Form.EXEC, rest, " ".join(rest), options,
                                              ins.pos, ins.arg_pos(1)))
        else:
            text = " ".join(rest)
            d.healthchecks.append(Healthcheck(False, Form.SHELL, shell_split(text), text,
                                              options, ins.pos, ins.arg_pos(1)))

    def _copy(self, d: _StageDraft, ins: Instruction) -> None:
        if len(ins.args) < 2:
            self.problem(ins.pos, f"{ins.keyword} requires at least two arguments "
                                  "(source and destination)")
            return
        words = [expand(w, d.scope, self.escape)[0] if not w.startswith("<<") else w
                 for w in ins.args]
        sources, dest = tuple(words[:-1]), words[-1]
        from_ref = ins.flag("from")
        from_stage: int | None = None
        from_image: str | None = None
        if from_ref is not None:
            from_ref, _ = expand(from_ref, d.scope, self.escape)
            if from_ref.isdigit():
                from_stage = int(from_ref)
            else:
                low = from_ref.lower()
                for stage in self.stages:
                    if stage.name is not None and stage.name.lower() == low:
                        from_stage = stage.index
                if from_stage is None:
                    from_image = from_ref
        heredoc = any(s.startswith("<<") for s in sources)
        d.copies.append(CopySpec(
            keyword=ins.keyword, sources=sources, dest=dest,
            dest_path=resolve_path(d.workdir, dest), pos=ins.pos,
            source_positions=ins.arg_positions[:-1], from_ref=from_ref, from_stage=from_stage,
            from_image=from_image, chown=ins.flag("chown"), chmod=ins.flag("chmod"),
            link=ins.flag("link") not in (None, "false"), heredoc=heredoc,
        ))

    def _run(self, ins: Instruction) -> RunStep:
        mounts = tuple(f.partition("=")[2] for f in ins.flags if f.startswith("--mount"))
        if ins.json:
            return RunStep(Form.EXEC, " ".join(ins.args), ins.args, ins.pos, mounts, ins.flags)
        text = " ".join(ins.args)
        first = text.split(None, 1)[0] if text.strip() else ""
        bodies = "\n".join(content for _, content in ins.heredocs)
        if ins.heredocs and first.startswith("<<"):
            text = bodies  # `RUN <<EOF`: the body is the script
        elif ins.heredocs and first.rpartition("/")[2] in ("sh", "bash", "ash", "dash"):
            text = text + "\n" + bodies
        return RunStep(Form.SHELL, text, shell_split(text.split("\n", 1)[0]), ins.pos, mounts,
                       ins.flags, split_commands(text))
