"""Which files are what. Walks a tree once, classifies files by name, and says why it skipped any.

Directory links are never followed (no loops); file links are followed only while they stay
inside the checked tree. Binary, oversized and unreadable files are reported, not read.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model import Location, SkippedFile

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_FILES = 200_000

# Folders that never hold the project's own deployment files, or hold too much to read.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages", ".terraform", ".idea",
    ".vscode", "vendor", "testdata", ".bench-venv",
})
_NOT_NGINX = (".md", ".txt", ".pem", ".crt", ".key", ".json", ".html", ".sh", ".bak", ".orig")
NGINX_DIRS = frozenset({"nginx", "conf.d", "sites-available", "sites-enabled", "http.d"})


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A file to read: its path relative to the root, where it is on disk, and its kind."""

    path: str
    abspath: str
    kind: str


@dataclass(frozen=True, slots=True)
class Discovery:
    root: str
    files: tuple[FoundFile, ...]
    all_paths: frozenset[str]
    skipped: tuple[SkippedFile, ...]


def classify(relpath: str) -> str:
    """The kind of a file by its path, or '' when deploycheck does not read it."""
    name = relpath.rpartition("/")[2]
    lower = name.lower()
    parent = relpath.rpartition("/")[0].rpartition("/")[2]
    if lower == ".dockerignore" or lower.endswith(".dockerignore"):
        return "dockerignore"
    if lower in ("dockerfile", "containerfile") or lower.startswith(("dockerfile.", "containerfile.")):
        return "dockerfile"
    if lower.endswith((".dockerfile", ".containerfile")):
        return "dockerfile"
    if lower.endswith((".yaml", ".yml")):
        if fnmatch.fnmatch(lower, "compose*.y*ml") or fnmatch.fnmatch(lower, "docker-compose*.y*ml"):
            return "compose"
        return "yaml"
    if lower == ".env" or lower.startswith(".env.") or (lower.endswith(".env") and lower != ".env"):
        if lower.endswith((".example", ".sample", ".template", ".dist")):
            return ""
        return "env"
    if lower.endswith(".conf"):
        return "nginx"
    if lower == "go.mod":
        return "gomod"
    if lower.endswith(".go"):
        return "" if lower.endswith("_test.go") else "go"
    if lower.endswith(".py"):
        return "python"
    if lower.endswith(".txt") and (lower.startswith("requirements") or parent == "requirements"):
        return "requirements"
    if lower == "pyproject.toml":
        return "pyproject"
    if name == "Procfile":
        return "procfile"
    # Debian and certbot name site files after the domain: sites-enabled/shop.example.com.
    if parent in NGINX_DIRS and not lower.endswith(_NOT_NGINX):
        return "nginx"
    return ""


def _walk(root: str) -> Iterator[tuple[str, os.DirEntry[str] | None]]:
    """Files under root, depth first in name order; a skipped folder is yielded as "dir/" with
    no entry, so rules can still ask whether it exists (a `.git` a build context would ship)."""
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            with os.scandir(os.path.join(root, rel) if rel else root) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name in SKIP_DIRS:
                    yield child + "/", None
                else:
                    subdirs.append(child)
                continue
            yield child, entry
        stack.extend(reversed(subdirs))


def discover(root: str, *, max_file_bytes: int = MAX_FILE_BYTES,
             exclude: tuple[str, ...] = ()) -> Discovery:
    """Every file under `root`; the ones deploycheck reads are classified in `files`."""
    root_real = os.path.realpath(root)
    found: list[FoundFile] = []
    paths: set[str] = set()
    skipped: list[SkippedFile] = []
    for rel, entry in _walk(root):
        if exclude and any(fnmatch.fnmatch(rel, pat) or rel.startswith(pat.rstrip("/") + "/")
                           for pat in exclude):
            continue
        if entry is None:
            paths.add(rel)
            continue
        if len(paths) >= MAX_FILES:
            skipped.append(SkippedFile(Location(rel), f"more than {MAX_FILES:,} files under the "
                                       "root; the rest were not read"))
            break
        kind = classify(rel)
        if entry.is_symlink():
            try:
                target = os.path.realpath(entry.path, strict=True)
            except (OSError, RuntimeError):
                if kind:
                    skipped.append(SkippedFile(Location(rel), "a broken or looping symbolic link"))
                continue
            if os.path.commonpath([root_real, target]) != root_real:
                if kind:
                    skipped.append(SkippedFile(Location(rel), "a symbolic link that points outside "
                                               "the checked tree; not followed"))
                continue
            if os.path.isdir(target):
                continue
        paths.add(rel)
        if not kind:
            continue
        try:
            size = entry.stat(follow_symlinks=True).st_size
        except OSError as exc:
            skipped.append(SkippedFile(Location(rel), f"cannot be read: {exc.strerror}"))
            continue
        if size > max_file_bytes:
            skipped.append(SkippedFile(Location(rel), f"{size:,} bytes, more than the "
                                       f"{max_file_bytes:,}-byte limit for one file; not read"))
            continue
        found.append(FoundFile(rel, entry.path, kind))
    return Discovery(root, tuple(found), frozenset(paths), tuple(skipped))


def read_text(found: FoundFile) -> tuple[str | None, str]:
    """The decoded text of a file, or None and the reason it cannot be read as text."""
    try:
        with open(found.abspath, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror}"
    if b"\x00" in data[:8192]:
        return None, "binary content (NUL bytes); not read"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 (byte {exc.start + 1}); not read"
