"""Read dotenv files (`.env`, `.env.*`, `*.env`) the way Docker Compose does.

Follows compose-go's dotenv parser: blank lines and `#` lines skipped; an optional `export `
prefix; `NAME=value` or `NAME: value`; single quotes literal; double quotes with `\\n`, `\\t`,
`\\"`, `\\\\` escapes, possibly over several lines; on unquoted values a `#` after whitespace
starts a comment and surrounding spaces are trimmed; a bare `NAME` passes the shell's value.
"""

from __future__ import annotations

import re

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.model.envfile import EnvEntry, EnvFile
from deploycheck.parsers import Parsed

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$$"}


_NAME = re.compile(r"[A-Za-z0-9_.\-\[\]]+")


def _valid_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def parse(source: SourceFile) -> Parsed:
    try:
        return _parse(source)
    except Exception as exc:  # a last resort: a parser reports, never raises
        return Parsed(problems=(ParseProblem(Location.at(source.path, Position(1, 1)),
                                             f"could not read env file: {exc}", "env"),))


def _parse(source: SourceFile) -> Parsed:
    lines = source.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    entries: list[EnvEntry] = []
    problems: list[ParseProblem] = []
    index = 0
    while index < len(lines):
        raw = lines[index]
        lineno = index + 1
        index += 1
        stripped = raw.lstrip(" \t\ufeff")
        if not stripped or stripped.startswith("#"):
            continue
        col = len(raw) - len(stripped) + 1
        body = stripped
        if body.startswith("export ") or body.startswith("export\t"):
            rest = body[7:].lstrip(" \t")
            col += len(body) - len(rest)
            body = rest
        # Like compose-go: the name ends at the first `=` or `:` (spaces around it allowed).
        cut = -1
        for i, ch in enumerate(body):
            if ch in "=:":
                cut = i
                break
            if ch == "#":
                break
        if cut < 0:
            name = body.split("#", 1)[0].strip()
            if _valid_name(name):
                entries.append(EnvEntry(name, None, Position(lineno, col)))
            else:
                problems.append(ParseProblem(Location.at(source.path, Position(lineno, col)),
                                             f"not a NAME=value line: {raw.strip()[:80]!r}", "env"))
            continue
        name = body[:cut].strip()
        if not _valid_name(name):
            bad = next((ch for ch in name if not _NAME.fullmatch(ch)), " ")
            problems.append(ParseProblem(Location.at(source.path, Position(lineno, col)),
                                         f"unexpected character {bad!r} in variable name {name!r}",
                                         "env"))
            continue
        after = body[cut + 1 :]
        value_text = after.lstrip(" \t")
        value_col = col + cut + 1 + (len(after) - len(value_text))
        value_pos = Position(lineno, value_col)
        quote = value_text[:1] if value_text[:1] in ("'", '"') else ""
        if not quote:
            value = value_text
            for i, ch in enumerate(value):
                if ch == "#" and (i == 0 or value[i - 1] in " \t"):
                    value = value[:i]
                    break
            entries.append(EnvEntry(name, value.strip(), Position(lineno, col), "", value_pos))
            continue
        # Quoted: find the closing quote, possibly on a later line.
        text = value_text[1:]
        parts: list[str] = []
        closed = False
        while True:
            end = _closing_quote(text, quote)
            if end >= 0:
                parts.append(text[:end])
                closed = True
                break
            parts.append(text)
            if index >= len(lines):
                break
            text = lines[index]
            index += 1
            parts.append("\n")
        if not closed:
            problems.append(ParseProblem(Location.at(source.path, value_pos),
                                         f"unterminated {quote} quote in the value of {name}", "env"))
            continue
        joined = "".join(parts)
        if quote == '"':
            joined = _unescape(joined)
        entries.append(EnvEntry(name, joined, Position(lineno, col), quote, value_pos))
    return Parsed(models=(EnvFile(source.path, tuple(entries)),), problems=tuple(problems))


def _closing_quote(text: str, quote: str) -> int:
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and quote == '"':
            i += 2
            continue
        if ch == quote:
            return i
        i += 1
    return -1


def _unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)
