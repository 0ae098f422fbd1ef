"""`.env` files and Compose's `${VAR}` interpolation, shared by the compose model and rules.

An `EnvFile` is read the way Compose reads one (compose-go's dotenv parser): `export` prefixes,
single quotes taken literally, double quotes with escapes and several lines, inline ` #` comments
only on unquoted values, and a bare `NAME` that passes the shell's value through.

`interpolate` applies Compose's substitution grammar (`$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`,
`${VAR:?err}`, `${VAR?err}`, `${VAR:+x}`, `${VAR+x}`, `$$`) and records every reference with its
position and outcome, so rules can tell a silently empty value from an intended one.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class EnvEntry:
    """One `NAME=value` line. `value` is None for a bare `NAME` (the shell's value is passed).

    `quote` is the quote character that wrapped the value ('' when unquoted); single-quoted values
    are never interpolated. `pos` is the name's position, `value_pos` where the value starts.
    """

    name: str
    value: str | None
    pos: Position
    quote: str = ""
    value_pos: Position | None = None

    @property
    def quoted(self) -> bool:
        return bool(self.quote)


@dataclass(frozen=True, slots=True)
class EnvFile:
    """A dotenv file: `.env`, `.env.<x>` or `<x>.env`. Later duplicates win, as in Compose."""

    path: str
    entries: tuple[EnvEntry, ...]

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    def get(self, name: str) -> EnvEntry | None:
        found = None
        for entry in self.entries:
            if entry.name == name:
                found = entry
        return found

    def as_dict(self) -> dict[str, EnvEntry]:
        """Name → entry, the last definition winning."""
        return {entry.name: entry for entry in self.entries}


class RefStatus(enum.Enum):
    RESOLVED = "resolved"  # the variable is set (in the project's .env or a known shell variable)
    DEFAULTED = "defaulted"  # unset, a `:-`/`-` default applies
    REQUIRED = "required"  # unset and `:?`/`?`: Compose stops with the error message (intended)
    OPTIONAL = "optional"  # unset and `:+`/`+`: empty on purpose
    MISSING = "missing"  # unset, no default: Compose substitutes an empty string and warns


@dataclass(frozen=True, slots=True)
class VarRef:
    """One `${VAR...}` or `$VAR` in a compose value, and what it resolved to.

    `operator` is '', ':-', '-', ':?', '?', ':+' or '+'; `argument` the text after it (default,
    error message or alternate value). `source`/`source_pos` locate the `.env` line that set it.
    """

    name: str
    path: str
    pos: Position
    operator: str
    argument: str
    status: RefStatus
    source: str = ""
    source_pos: Position | None = None

    @property
    def resolved(self) -> bool:
        return self.status is RefStatus.RESOLVED

    @property
    def has_default(self) -> bool:
        return self.operator in (":-", "-")

    @property
    def required(self) -> bool:
        return self.operator in (":?", "?")


@dataclass(frozen=True, slots=True)
class EnvValue:
    """A variable's value as interpolation sees it, and where it was set."""

    value: str
    source: str = ""
    pos: Position | None = None


# Variables every interactive shell exports; Compose reads the shell environment before `.env`.
SHELL_VARIABLES = frozenset({"PWD", "HOME", "USER", "PATH", "SHELL", "LOGNAME", "TERM", "LANG"})


@dataclass(frozen=True, slots=True)
class Interpolated:
    value: str
    refs: tuple[VarRef, ...]
    error: str = ""


def _is_name_start(ch: str) -> bool:
    return ch == "_" or ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def _is_name_char(ch: str) -> bool:
    return _is_name_start(ch) or ("0" <= ch <= "9")


def _closing_brace(text: str, start: int) -> int:
    """Index of the `}` closing the `${` whose body starts at `start`, honouring nested `${`."""
    depth = 1
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "$" and i + 1 < len(text) and text[i + 1] in "${":
            if text[i + 1] == "{":
                depth += 1
            i += 2
            continue
        if ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def interpolate(
    text: str,
    env: Mapping[str, EnvValue],
    path: str = "",
    pos_of: Callable[[int], Position] | None = None,
) -> Interpolated:
    """Substitute variables like Compose does. Never raises; a bad `$` becomes `error`."""
    refs: list[VarRef] = []
    error = ""
    where = pos_of or (lambda _offset: Position(1, 1))

    def lookup(name: str) -> EnvValue | None:
        found = env.get(name)
        if found is None and name in SHELL_VARIABLES:
            return EnvValue("")
        return found

    def run(chunk: str, base: int, depth: int) -> str:
        nonlocal error
        out: list[str] = []
        i = 0
        n = len(chunk)
        while i < n:
            ch = chunk[i]
            if ch != "$":
                j = chunk.find("$", i)
                j = n if j < 0 else j
                out.append(chunk[i:j])
                i = j
                continue
            nxt = chunk[i + 1] if i + 1 < n else ""
            if nxt == "$":
                out.append("$")
                i += 2
                continue
            if _is_name_start(nxt):
                j = i + 1
                while j < n and _is_name_char(chunk[j]):
                    j += 1
                name = chunk[i + 1 : j]
                out.append(resolve(name, "", "", base + i, depth))
                i = j
                continue
            if nxt == "{":
                end = _closing_brace(chunk, i + 2)
                body = chunk[i + 2 : end] if end >= 0 else ""
                j = 0
                while j < len(body) and _is_name_char(body[j]):
                    j += 1
                name = body[:j]
                rest = body[j:]
                operator = ""
                for op in (":-", ":?", ":+", "-", "?", "+"):
                    if rest.startswith(op):
                        operator = op
                        break
                if end < 0 or not name or not _is_name_start(name[0]) or (rest and not operator):
                    error = error or f"invalid interpolation format in {text!r}"
                    out.append(chunk[i:])
                    return "".join(out)
                argument = rest[len(operator) :]
                arg_base = base + i + 2 + j + len(operator)
                out.append(resolve(name, operator, argument, base + i, depth, arg_base))
                i = end + 1
                continue
            # `$` before anything else (`$1`, `5$`) is kept as written, as compose-go does.
            out.append("$")
            i += 1
        return "".join(out)

    def resolve(name: str, operator: str, argument: str, offset: int, depth: int,
                arg_base: int = 0) -> str:
        found = lookup(name)
        is_set = found is not None
        empty = found is None or found.value == ""
        colon = operator.startswith(":")
        unset = empty if colon else not is_set

        def arg() -> str:
            # Defaults may nest further references; Compose expands them only when used.
            return run(argument, arg_base, depth + 1) if depth < 20 else argument

        if operator in (":-", "-"):
            value = arg() if unset else (found.value if found else "")
            status = RefStatus.DEFAULTED if unset else RefStatus.RESOLVED
        elif operator in (":?", "?"):
            value = "" if unset else (found.value if found else "")
            status = RefStatus.REQUIRED if unset else RefStatus.RESOLVED
        elif operator in (":+", "+"):
            value = "" if unset else arg()
            status = RefStatus.OPTIONAL if unset else RefStatus.RESOLVED
        else:
            value = found.value if found else ""
            status = RefStatus.RESOLVED if is_set else RefStatus.MISSING
        refs.append(VarRef(name, path, where(offset), operator, argument, status,
                           found.source if found else "", found.pos if found else None))
        return value

    if "$" not in text:
        return Interpolated(text, ())
    value = run(text, 0, 0)
    return Interpolated(value, tuple(refs), error)


def environment_of(env_file: EnvFile | None) -> dict[str, EnvValue]:
    """The variables a project's `.env` defines, each value interpolated from the ones before it."""
    out: dict[str, EnvValue] = {}
    if env_file is None:
        return out
    for entry in env_file.entries:
        if entry.value is None:
            continue
        value = entry.value
        if entry.quote != "'" and "$" in value:
            value = interpolate(value, out).value
        out[entry.name] = EnvValue(value, env_file.path, entry.pos)
    return out
