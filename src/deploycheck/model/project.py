"""The project: every model read from one checked tree, and the list of its files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Project:
    """All that was read under one root.

    `files` holds every file path found under the root (relative, POSIX), read or not, so rules
    can ask whether a file the app needs exists in a build context. `items` holds the parsed and
    assembled models; `of(T)` picks those of one type, in discovery order.
    """

    root: str
    files: frozenset[str]
    items: tuple[object, ...]

    def of(self, cls: type[T]) -> tuple[T, ...]:
        return tuple(item for item in self.items if isinstance(item, cls))

    def has_file(self, path: str) -> bool:
        return path in self.files

    def has_dir(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        if prefix == "/":
            return bool(self.files)
        return any(f.startswith(prefix) for f in self.files)
