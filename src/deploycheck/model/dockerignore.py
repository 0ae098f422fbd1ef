"""A `.dockerignore` file and Docker's own matching rules.

The matching is a port of moby/patternmatcher `MatchesOrParentMatches`, the matcher BuildKit uses
to filter the build context: patterns are cleaned like Go's `filepath.Clean`, a leading `/` is
dropped, `*` `?` `[...]` follow Go's `filepath.Match`, `**` matches any number of directories, a
`!` line re-includes, the last matching line wins, and a pattern that matches a directory also
matches everything under it.
"""

from __future__ import annotations

import enum
import re
import warnings
from dataclasses import dataclass, field

from deploycheck.model.location import Position


def go_clean(path: str) -> str:
    """Go's `path.Clean`: lexical `.`/`..` removal, no trailing or doubled slashes."""
    if not path:
        return "."
    rooted = path.startswith("/")
    out: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue
        out.append(part)
    cleaned = "/".join(out)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


class MatchKind(enum.Enum):
    EXACT = "exact"
    PREFIX = "prefix"
    SUFFIX = "suffix"
    REGEXP = "regexp"


# Characters that are special in a regexp but plain in a filepath.Match pattern.
_ESCAPE = set(".+()|{}$")


@dataclass(frozen=True, slots=True)
class Matcher:
    """One compiled pattern, as moby's `Pattern.compile` classifies it."""

    kind: MatchKind
    pattern: str
    regexp: re.Pattern[str] | None = field(default=None, compare=False)

    def match(self, path: str) -> bool:
        if self.kind is MatchKind.EXACT:
            return path == self.pattern
        if self.kind is MatchKind.PREFIX:
            return path.startswith(self.pattern[:-2])
        if self.kind is MatchKind.SUFFIX:
            suffix = self.pattern[2:]
            if path.endswith(suffix):
                return True
            return suffix.startswith("/") and path == suffix[1:]
        return self.regexp is not None and self.regexp.match(path) is not None


def compile_pattern(pattern: str) -> Matcher | None:
    """Translate a cleaned pattern like moby does; None when Go's regexp would reject it."""
    reg = "^"
    kind = MatchKind.EXACT
    i, n = 0, len(pattern)
    first = True
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                if i >= n:
                    if kind is MatchKind.EXACT:
                        kind = MatchKind.PREFIX
                    else:
                        reg += ".*"
                        kind = MatchKind.REGEXP
                else:
                    reg += "(.*/)?"
                    kind = MatchKind.REGEXP
                if first:
                    kind = MatchKind.SUFFIX
            else:
                reg += "[^/]*"
                kind = MatchKind.REGEXP
        elif ch == "?":
            reg += "[^/]"
            kind = MatchKind.REGEXP
        elif ch in _ESCAPE:
            reg += "\\" + ch
        elif ch == "\\":
            if i < n:
                reg += "\\" + pattern[i]
                i += 1
                kind = MatchKind.REGEXP
            else:
                reg += "\\\\"
        elif ch in "[]":
            reg += ch
            kind = MatchKind.REGEXP
        else:
            reg += ch
        first = False
    if kind is not MatchKind.REGEXP:
        return Matcher(kind, pattern)
    try:
        # Python warns about `[[` or `--` in a class, which Go reads literally; same result.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return Matcher(kind, pattern, re.compile(reg + "$"))
    except re.error:
        return None


def go_match_syntax_error(pattern: str) -> bool:
    """True when Go's `filepath.Match(pattern, ".")` would return ErrBadPattern."""
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n:
                return True
            i += 2
            continue
        if ch != "[":
            i += 1
            continue
        i += 1
        if i < n and pattern[i] == "^":
            i += 1
        count = 0
        while True:
            if i >= n:
                return True
            if pattern[i] == "]" and count > 0:
                i += 1
                break
            lo, i = _class_char(pattern, i)
            if lo is None:
                return True
            if i < n and pattern[i] == "-":
                hi, i = _class_char(pattern, i + 1)
                if hi is None:
                    return True
            count += 1
    return False


def _class_char(pattern: str, i: int) -> tuple[str | None, int]:
    n = len(pattern)
    if i >= n or pattern[i] in "-]":
        return None, i
    if pattern[i] == "\\":
        if i + 1 >= n:
            return None, i
        return pattern[i + 1], i + 2
    return pattern[i], i + 1


@dataclass(frozen=True, slots=True)
class IgnorePattern:
    """One line of a `.dockerignore`: `text` as written (trimmed), `pattern` cleaned, no `!`."""

    text: str
    pattern: str
    negated: bool
    pos: Position
    matcher: Matcher | None = field(default=None, compare=False, repr=False)

    @staticmethod
    def build(text: str, pattern: str, negated: bool, pos: Position) -> IgnorePattern:
        return IgnorePattern(text, pattern, negated, pos, compile_pattern(pattern))

    def match(self, path: str) -> bool:
        return self.matcher is not None and self.matcher.match(path)


@dataclass(frozen=True, slots=True)
class DockerIgnore:
    """A `.dockerignore` (or `<name>.Dockerfile.dockerignore`) and the patterns it holds.

    `directory` is the folder it sits in, relative to the checked root ('' for the root): the
    build context it applies to. `for_dockerfile` is the Dockerfile name for the per-Dockerfile
    variant (`api.Dockerfile.dockerignore` → `api.Dockerfile`), else ''.
    """

    path: str
    directory: str
    patterns: tuple[IgnorePattern, ...]
    for_dockerfile: str = ""

    def ignores(self, relpath: str) -> bool:
        """Whether Docker leaves `relpath` (relative to the context, POSIX) out of the context."""
        file = go_clean(relpath.lstrip("/") or ".")
        if file == "." or file.startswith("../"):
            return False
        parts = file.split("/")[:-1]
        parents = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        matched = False
        for pat in self.patterns:
            # Like moby: an inclusion is skipped once matched, an exception until matched.
            if pat.negated != matched:
                continue
            hit = pat.match(file)
            if not hit:
                hit = any(pat.match(parent) for parent in parents)
            if hit:
                matched = not pat.negated
        return matched

    def excludes_tree(self, reldir: str) -> bool:
        """Whether a directory and (as far as patterns can tell) all its content are left out.

        True when the directory itself is ignored and no `!` pattern re-includes something
        below it.
        """
        top = go_clean(reldir.strip("/") or ".")
        if not self.ignores(top):
            return False
        prefix = top + "/"
        return not any(
            p.negated and (p.pattern.startswith(prefix) or p.pattern.startswith("**")
                           or p.pattern.startswith("*"))
            for p in self.patterns
        )


def ignore_file_for(dockerfile_path: str, context: str,
                    candidates: tuple[DockerIgnore, ...]) -> DockerIgnore | None:
    """The ignore file BuildKit applies when building `dockerfile_path` with `context`.

    `<Dockerfile>.dockerignore` next to the Dockerfile wins; otherwise `.dockerignore` at the
    root of the context. Paths are relative to the checked root ('' is the root).
    """
    own = dockerfile_path + ".dockerignore"
    for ignore in candidates:
        if ignore.path == own:
            return ignore
    want = f"{context}/.dockerignore" if context else ".dockerignore"
    for ignore in candidates:
        if ignore.path == want:
            return ignore
    return None
