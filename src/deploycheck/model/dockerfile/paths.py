"""Path arithmetic for COPY sources and destinations, WORKDIR and `go build -o`.

Paths inside an image are cleaned lexically (no filesystem): `..` and `.` removed, relative paths
joined onto the WORKDIR in effect, and the simple globs COPY accepts matched segment by segment.
The private helpers serve the records and stages of this package; `resolve_path` is the public
form parsers and rules use.
"""

from __future__ import annotations

import fnmatch


def _clean_abs(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def _clean_rel(path: str) -> str:
    cleaned = _clean_abs(path).lstrip("/")
    return cleaned or "."


def _join(base: str, path: str) -> str:
    """Resolve `path` against directory `base`, keeping a trailing slash (a directory)."""
    joined = path if path.startswith("/") else base.rstrip("/") + "/" + path
    cleaned = _clean_abs(joined)
    if path.endswith("/") and cleaned != "/":
        cleaned += "/"
    return cleaned


def _glob_match(pattern: str, path: str) -> bool:
    pat_parts, path_parts = pattern.split("/"), path.split("/")
    if len(path_parts) < len(pat_parts):
        return False
    pairs = zip(path_parts[: len(pat_parts)], pat_parts, strict=True)
    return all(fnmatch.fnmatchcase(name, pat) for name, pat in pairs)


def resolve_path(base: str, path: str) -> str:
    """Public form of the WORKDIR join used for COPY destinations and `go build -o`."""
    return _join(base, path)
