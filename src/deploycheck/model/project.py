"""The project: every model read from one checked tree, and the list of its files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

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
    # Every folder that holds a file (derived once; rules ask often, over large trees).
    dirs: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    _by_type: dict[type, tuple[object, ...]] = field(default_factory=dict, compare=False, repr=False)
    _derived: dict[Callable[..., Any], Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.dirs and self.files:
            folders: set[str] = set()
            for path in self.files:
                head = path.rstrip("/")
                while "/" in head:
                    head = head.rpartition("/")[0]
                    if head in folders:
                        break
                    folders.add(head)
                if path.endswith("/"):
                    folders.add(path.rstrip("/"))
            object.__setattr__(self, "dirs", frozenset(folders))

    def of(self, cls: type[T]) -> tuple[T, ...]:
        cached = self._by_type.get(cls)
        if cached is None:
            cached = tuple(item for item in self.items if isinstance(item, cls))
            self._by_type[cls] = cached
        return cached  # type: ignore[return-value]

    def derived(self, make: Callable[[Project], T]) -> T:
        """`make(self)`, computed once per project: an index that several rules share."""
        if make not in self._derived:
            self._derived[make] = make(self)
        return self._derived[make]  # type: ignore[no-any-return]

    def has_file(self, path: str) -> bool:
        return path in self.files

    def has_dir(self, path: str) -> bool:
        folder = path.strip("/")
        if not folder or folder == ".":
            return bool(self.files)
        return folder in self.dirs
