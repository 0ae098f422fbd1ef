"""Inline suppressions: `# deploycheck: ignore=CODE[,CODE] -- reason` (and `// deploycheck:ignore
CODE` in Go). On a line of its own the comment covers the next line that holds code; after code
it covers its own line. `ignore-file=CODE` covers the whole file."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIVE = re.compile(
    r"(?:#|//)\s*deploycheck:\s*(ignore-file|ignore)(?:\s*=\s*|\s+)"
    r"(?P<codes>[A-Za-z0-9_\-]+(?:\s*,\s*[A-Za-z0-9_\-]+)*)(?:\s+--\s*(?P<reason>.*))?")


@dataclass(frozen=True, slots=True)
class Suppression:
    path: str
    line: int  # where the comment is
    target_line: int  # the line it covers; 0 for the whole file
    codes: tuple[str, ...]
    reason: str


def scan(path: str, text: str) -> tuple[Suppression, ...]:
    """Directives found in one file's text (cheap: a substring test first)."""
    if "deploycheck:" not in text:
        return ()
    lines = text.splitlines()
    out = []
    for index, line in enumerate(lines):
        if "deploycheck:" not in line:
            continue
        match = _DIRECTIVE.search(line)
        if not match:
            continue
        codes = tuple(c.strip() for c in match.group("codes").split(",") if c.strip())
        reason = (match.group("reason") or "").strip()
        if match.group(1) == "ignore-file":
            out.append(Suppression(path, index + 1, 0, codes, reason))
            continue
        before = line[: match.start()].strip()
        target = index + 1
        if not before:
            # Own line: covers the next line that holds something other than a comment.
            target = 0
            for later in range(index + 1, len(lines)):
                stripped = lines[later].strip()
                if stripped and not stripped.startswith(("#", "//")):
                    target = later + 1
                    break
            if target == 0:
                target = index + 1
        out.append(Suppression(path, index + 1, target, codes, reason))
    return tuple(out)
