"""Shell text as a `sh -c` string holds it: split into simple commands on unquoted `&&`, `||`,
`;`, `|`, `&` and newlines (`_split_segments`), and `$VAR` / `${VAR[:-=?+]word}` expanded
outside single quotes from the environment known so far (`_expand`), unset variables left as
written so the readers can report them. Pure string work: no word splitting, no command lookup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping


def _split_segments(script: str) -> list[str]:
    """Split a shell string on unquoted `&&`, `||`, `;`, `|`, `&` and newlines."""
    out: list[str] = []
    buf: list[str] = []
    quote = ""
    depth = 0  # inside ${...} or $(...)
    i = 0
    n = len(script)
    while i < n:
        c = script[i]
        if quote:
            buf.append(c)
            if c == "\\" and quote == '"' and i + 1 < n:
                buf.append(script[i + 1])
                i += 2
                continue
            if c == quote:
                quote = ""
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            if script[i + 1] == "\n":  # line continuation
                i += 2
                continue
            buf.append(c + script[i + 1])
            i += 2
            continue
        if c in "'\"":
            quote = c
            buf.append(c)
        elif c == "$" and i + 1 < n and script[i + 1] in "{(":
            depth += 1
            buf.append(c + script[i + 1])
            i += 2
            continue
        elif c in "})" and depth:
            depth -= 1
            buf.append(c)
        elif depth == 0 and c in ";&|\n":
            out.append("".join(buf))
            buf = []
            if i + 1 < n and script[i + 1] == c and c in "&|":
                i += 1
        else:
            buf.append(c)
        i += 1
    out.append("".join(buf))
    return [s.strip() for s in out if s.strip()]


_BRACED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=?+])(.*))?$", re.S)


def _expand(text: str, env: Mapping[str, str]) -> str:
    """Expand `$VAR` and `${VAR[:-=?+]word}` outside single quotes; unset ones stay as written."""
    out: list[str] = []
    i = 0
    n = len(text)
    in_double = False
    while i < n:
        c = text[i]
        if c == "'" and not in_double:
            end = text.find("'", i + 1)
            end = n - 1 if end < 0 else end
            out.append(text[i:end + 1])
            i = end + 1
            continue
        if c == '"':
            in_double = not in_double
        if c == "\\" and i + 1 < n:
            out.append(text[i:i + 2])
            i += 2
            continue
        if c == "$" and i + 1 < n:
            if text[i + 1] == "{":
                end = closing_brace(text, i + 2)
                if end < 0:
                    out.append(text[i:])
                    break
                inner = text[i + 2:end]
                m = _BRACED.match(inner)
                if m is None:
                    out.append(text[i:end + 1])
                else:
                    out.append(_param(m.group(1), m.group(2) or "", m.group(3) or "", env,
                                      text[i:end + 1]))
                i = end + 1
                continue
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i + 1:])
            if m:
                name = m.group(0)
                out.append(env[name] if name in env else "$" + name)
                i += 1 + len(name)
                continue
        out.append(c)
        i += 1
    return "".join(out)


def closing_brace(text: str, start: int) -> int:
    """Index of the `}` closing the `${` whose body starts at `start` (nested braces counted),
    -1 if none: how shells and BuildKit find the end of `${VAR:-default}`."""
    depth = 1
    for j in range(start, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _param(name: str, op: str, word: str, env: Mapping[str, str], written: str) -> str:
    value = env.get(name)
    unset = value is None or (op.startswith(":") and value == "")
    word = _expand(word, env).strip("\"'")
    if op in ("-", ":-", "=", ":="):
        return word if unset else str(value)
    if op in ("+", ":+"):
        return "" if unset else word
    if value is None:
        return "${" + name + "}" if not op else written
    return value
