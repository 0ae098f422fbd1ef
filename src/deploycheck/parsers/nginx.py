"""Read nginx configuration files into a positioned directive tree.

Tokens come from crossplane's lexer (quotes, escapes, `${...}`, Lua blocks handled as nginx and
crossplane do) run on the text in memory; the tree is built here without recursion, stopping at
the first syntax error the way nginx does (`unexpected "}"`, `unexpected end of file, expecting
";" or "}"`...). crossplane gives each token its line; columns are found by locating the tokens,
in order, on their line.

Discovery hands over every `*.conf`, so the parser also decides whether a file is nginx at all:
a file named nginx.conf or kept in a folder whose name mentions nginx is; any other file is when
it holds directives only nginx has (`server`, `location`, `listen`, `proxy_pass`...). Anything
else (supervisord, redis.conf, Apache) yields nothing and no problem.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.model.nginx import Directive, NginxFile
from deploycheck.parsers import Parsed

MAX_DEPTH = 64
MAX_CHARS = 4_000_000

# Names that also occur in other `.conf` formats, so they do not make a file nginx on their own.
_GENERIC = frozenset({
    "include", "user", "set", "env", "pid", "daemon", "timeout", "hash", "index", "state",
    "status", "match", "queue", "random", "use", "api", "protocol", "allow", "deny", "charset",
    "zone", "mirror", "keepalive", "internal", "break", "ssl", "sticky", "return", "root",
    "alias", "types", "if", "resolver", "expires", "etag", "perl", "ntlm", "aio", "hls",
})
_CONTEXT_MAIN = frozenset({"http", "events", "stream", "mail", "worker_processes", "load_module"})
_CONTEXT_HTTP = frozenset({"server", "upstream", "map", "geo", "split_clients", "log_format"})
_CONTEXT_SERVER = frozenset({"location", "listen", "server_name"})


class _SyntaxError(Exception):
    def __init__(self, message: str, pos: Position) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


def parse(source: SourceFile) -> Parsed:
    try:
        return _parse(source)
    except Exception as exc:
        if not _strongly_nginx(source.path):
            return Parsed()
        return Parsed(problems=(ParseProblem(Location.at(source.path, Position(1, 1)),
                                             f"could not read nginx configuration: {exc}", "nginx"),))


def _parse(source: SourceFile) -> Parsed:
    text = source.text
    strong = _strongly_nginx(source.path)
    if len(text) > MAX_CHARS:
        if not strong:
            return Parsed()
        return Parsed(problems=(ParseProblem(
            Location.at(source.path, Position(1, 1)),
            f"nginx configuration refused: larger than {MAX_CHARS:,} characters", "nginx"),))
    if "\x00" in text and not strong:
        return Parsed()
    if text.startswith("\ufeff"):
        text = " " + text[1:]  # a byte-order mark: blank it, keeping columns
    builder = _TreeBuilder(source.path, text)
    try:
        builder.run()
    except _SyntaxError as exc:
        if strong or _looks_nginx(builder.names_seen):
            return Parsed(problems=(ParseProblem(Location.at(source.path, exc.pos),
                                                 f"invalid nginx configuration: {exc.message}",
                                                 "nginx"),))
        return Parsed()
    top = tuple(builder.top)
    if not strong and not _looks_nginx(builder.names_seen):
        return Parsed()
    return Parsed(models=(NginxFile(source.path, top, _context(top)),))


def _strongly_nginx(path: str) -> bool:
    parts = path.lower().split("/")
    name = parts[-1]
    if name == "nginx.conf" or name.startswith("nginx") or name.endswith((".nginx", ".nginxconf")):
        return True
    return any("nginx" in folder for folder in parts[:-1])


def _looks_nginx(names: Iterable[str]) -> bool:
    from crossplane.analyzer import DIRECTIVES  # lazily: only when a file must be judged

    return any(name in DIRECTIVES and name not in _GENERIC for name in names)


def _context(top: tuple[Directive, ...]) -> str:
    names = {d.name for d in top}
    if names & _CONTEXT_MAIN:
        return "main"
    if names & _CONTEXT_HTTP:
        return "http"
    if names & _CONTEXT_SERVER:
        return "server"
    return "any"


def _tokens(text: str) -> Iterator[tuple[str, int, bool]]:
    from crossplane.lexer import _lex_file_object  # lazily: crossplane imports its analyzer tables

    # crossplane drops a last token not followed by whitespace or ; { }: end with a newline.
    yield from _lex_file_object(io.StringIO(text + "\n"))


class _Columns:
    """Finds each token's column by scanning its line left to right, in token order."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.line = 0
        self.cursor = 0

    def find(self, token: str, line: int, quoted: bool) -> Position:
        if line != self.line:
            self.line, self.cursor = line, 0
        raw = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if quoted:
            starts = [i for i in (raw.find('"', self.cursor), raw.find("'", self.cursor)) if i >= 0]
            if not starts:
                return Position(line, self.cursor + 1)
            start = min(starts)
            self.cursor = self._skip_quoted(raw, start)
            return Position(line, start + 1)
        start = raw.find(token, self.cursor)
        if start < 0:
            return Position(line, self.cursor + 1)
        self.cursor = start + len(token)
        return Position(line, start + 1)

    @staticmethod
    def _skip_quoted(raw: str, start: int) -> int:
        quote = raw[start]
        i = start + 1
        while i < len(raw):
            if raw[i] == "\\":
                i += 2
                continue
            if raw[i] == quote:
                return i + 1
            i += 1
        return len(raw)


class _Frame:
    __slots__ = ("arg_pos", "args", "children", "name", "pos")

    def __init__(self, name: str, args: list[str], pos: Position, arg_pos: list[Position]) -> None:
        self.name = name
        self.args = args
        self.pos = pos
        self.arg_pos = arg_pos
        self.children: list[Directive] = []


class _TreeBuilder:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.top: list[Directive] = []
        self.names_seen: list[str] = []

    def run(self) -> None:
        columns = _Columns(self.text)
        stack: list[_Frame] = []
        siblings = self.top
        name: str | None = None
        name_pos = Position(1, 1)
        args: list[str] = []
        arg_pos: list[Position] = []
        last = Position(1, 1)
        for token, line, quoted in _tokens(self.text):
            pos = columns.find(token, line, quoted)
            last = pos
            special = not quoted and token in ("{", "}", ";")
            if not quoted and token.startswith("#"):
                continue  # a comment, also between arguments
            if name is None:
                if special and token == "}":
                    if not stack:
                        raise _SyntaxError('unexpected "}"', pos)
                    frame = stack.pop()
                    siblings = stack[-1].children if stack else self.top
                    siblings.append(self._make(frame.name, frame.args, frame.pos, frame.arg_pos,
                                               tuple(frame.children)))
                elif special:
                    raise _SyntaxError(f'unexpected "{token}"', pos)
                else:
                    name, name_pos, args, arg_pos = token, pos, [], []
                    self.names_seen.append(token)
                continue
            if not special:
                args.append(token)
                arg_pos.append(pos)
            elif token == ";":
                siblings.append(self._make(name, args, name_pos, arg_pos, None))
                name = None
            elif token == "{":
                if len(stack) >= MAX_DEPTH:
                    raise _SyntaxError(f"blocks nested deeper than {MAX_DEPTH} levels", pos)
                stack.append(_Frame(name, args, name_pos, arg_pos))
                siblings = stack[-1].children
                name = None
            else:
                raise _SyntaxError('unexpected "}"', pos)
        if name is not None:
            raise _SyntaxError('unexpected end of file, expecting ";" or "}"', name_pos)
        if stack:
            opened = stack[-1]
            raise _SyntaxError(f'unexpected end of file, expecting "}}" (the "{opened.name}" block '
                               f"opened at line {opened.pos.line} is not closed)", last)

    def _make(self, name: str, args: list[str], pos: Position, arg_pos: list[Position],
              block: tuple[Directive, ...] | None) -> Directive:
        if name == "if":
            args, arg_pos = _strip_if_parens(args, arg_pos)
        return Directive(name, tuple(args), pos, self.path, block, tuple(arg_pos))


def _strip_if_parens(args: list[str], arg_pos: list[Position]) -> tuple[list[str], list[Position]]:
    """`if ($a = b)` arrives as `($a`, `=`, `b)`: drop the parentheses as crossplane does."""
    args, arg_pos = list(args), list(arg_pos)
    if args and args[0].startswith("(") and args[-1].endswith(")"):
        args[0] = args[0][1:].lstrip()
        args[-1] = args[-1][:-1].rstrip()
        if not args[-1]:
            args.pop()
            arg_pos.pop()
        if args and not args[0]:
            args.pop(0)
            arg_pos.pop(0)
    return args, arg_pos
