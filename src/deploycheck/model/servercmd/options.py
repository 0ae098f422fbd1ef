"""A server's options, scanned once: `_scan` sorts the words after the server's name into
valued options, flags and positionals by that server's rules (which long options are flags,
which short ones take a value), and `_Opts` answers the readers' questions: the last value of an
option, all its values, or a flag with its `--no-x` negation.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.servercmd.tokens import _Tok


@dataclass(slots=True)
class _Opts:
    values: list[tuple[str, str, _Tok]]  # (option, value, token carrying the value)
    flags: list[tuple[str, _Tok]]
    positional: list[_Tok]

    def last(self, *names: str) -> tuple[str, _Tok] | None:
        found = None
        for name, value, tok in self.values:
            if name in names:
                found = (value, tok)
        return found

    def all(self, *names: str) -> list[tuple[str, _Tok]]:
        return [(v, t) for n, v, t in self.values if n in names]

    def flag(self, *names: str) -> bool | None:
        """True/False for the last of `names` (a `--no-x` counts False); None if absent."""
        found: bool | None = None
        for name, _ in self.flags:
            if name in names:
                found = True
            elif name.startswith("--no-") and "--" + name[5:] in names:
                found = False
        return found


def _scan(toks: list[_Tok], bools: frozenset[str], short_values: frozenset[str]) -> _Opts:
    """Options: long ones take a value unless named in `bools`; short ones only if in `short_values`."""
    opts = _Opts([], [], [])
    i = 0
    while i < len(toks):
        tok = toks[i]
        t = tok.text
        if t == "--":
            opts.positional.extend(toks[i + 1:])
            break
        if t.startswith("--") and len(t) > 2:
            name, eq, value = t.partition("=")
            if eq:
                opts.values.append((name, value, tok))
            elif (name in bools or name.startswith("--no-") or i + 1 >= len(toks)
                  or _is_option(toks[i + 1].text)):
                opts.flags.append((name, tok))
            else:
                opts.values.append((name, toks[i + 1].text, toks[i + 1]))
                i += 1
        elif t.startswith("-") and len(t) > 1 and not t[1:].isdigit():
            name = t[:2]
            if name in short_values:
                if len(t) > 2:
                    opts.values.append((name, t[2:].lstrip("="), tok))
                elif i + 1 < len(toks):
                    opts.values.append((name, toks[i + 1].text, toks[i + 1]))
                    i += 1
            else:
                for ch in t[1:]:
                    opts.flags.append(("-" + ch, tok))
        else:
            opts.positional.append(tok)
        i += 1
    return opts


def _is_option(word: str) -> bool:
    return word.startswith("-") and len(word) > 1 and not word[1:].isdigit()
