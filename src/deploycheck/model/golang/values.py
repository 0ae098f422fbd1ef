"""String expressions kept symbolically, and their resolution across files: a `ValuePart` is one
piece (a literal, an environment variable with its fallback, a flag with its default, an
unresolved identifier or helper call), a `PackageValue` a package-level const/var as parts, and a
`ValueScope` what one package (and, by import path, the other packages of the tree) offers to
`resolve_parts`, which replaces identifiers and getEnv-style helper calls once all files are known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class ValuePart:
    """One piece of a string expression.

    kind: "lit" (text is the literal), "env" (text is the variable, `default` the fallback used
    when it is empty or unset), "flag" (text is the flag name, `default` its default), "ident"
    (an identifier not resolved in its file; `assemble` looks it up in the package), "call" (a call
    to a function of the package, maybe a getEnv helper: `arg` is the first literal argument and
    `default` the second), "unknown" (text is the expression).
    """

    kind: str
    text: str
    default: str | None = None
    pos: Position | None = None
    arg: str = ""
    path: str = ""  # the file `pos` is in, when not the file of the fact holding this part

    def effective(self) -> str | None:
        """The text this part contributes when nothing is set at run time, or None if unknown."""
        if self.kind == "lit":
            return self.text
        if self.kind in ("env", "flag"):
            return self.default
        return None

    def describe(self) -> str:
        if self.kind == "env":
            if self.default is None:
                return f"environment variable {self.text}"
            return f"the fallback {self.default!r} used when {self.text} is unset"
        if self.kind == "flag":
            return f"the default {self.default!r} of flag -{self.text}"
        if self.kind == "lit":
            return f"the literal {self.text!r}"
        return self.text


@dataclass(frozen=True, slots=True)
class PackageValue:
    """A package-level const/var of this file, as value parts (for cross-file resolution)."""

    name: str
    parts: tuple[ValuePart, ...]
    path: str = ""


@dataclass(frozen=True, slots=True)
class ValueScope:
    """What one package offers for resolving value parts: its package-level values (and the
    fields of struct literals its functions return), its getEnv-style helpers, and the same for
    the other packages of the tree, by import path."""

    values: Mapping[str, PackageValue]
    helpers: frozenset[str]
    packages: Mapping[str, ValueScope] = field(default_factory=dict)


def resolve_parts(parts: Sequence[ValuePart], scope: ValueScope, depth: int = 0) -> tuple[ValuePart, ...]:
    """Replace "ident" and "call" parts using package-level values and getEnv-style helpers;
    an "ident" naming another package (`arg`: its import path) is looked up there."""
    out: list[ValuePart] = []
    for part in parts:
        home = scope.packages.get(part.arg) if part.kind == "ident" and part.arg else scope
        if part.kind == "ident" and home is not None and part.text in home.values and depth < 8:
            value = home.values[part.text]
            inner = replace(home, packages=scope.packages) if home is not scope else scope
            found = resolve_parts(value.parts, inner, depth + 1)
            out.extend(p if p.path else replace(p, path=value.path) for p in found)
        elif part.kind == "call" and part.text in scope.helpers and part.arg:
            out.append(ValuePart("env", part.arg, part.default, part.pos))
        elif part.kind in ("ident", "call"):
            out.append(ValuePart("unknown", part.text, None, part.pos))
        else:
            out.append(part)
    return tuple(out)
