"""A file as read from disk: its path relative to the checked root, and its decoded text."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file. `path` is relative to the checked root, POSIX separators; `text` is decoded."""

    path: str
    text: str
    kind: str = ""
    lines: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @staticmethod
    def of(path: str, text: str, kind: str = "") -> SourceFile:
        return SourceFile(path=path, text=text, kind=kind, lines=tuple(text.splitlines()))

    @property
    def directory(self) -> str:
        """The folder of the file relative to the root ('' for the root itself)."""
        head, _, _ = self.path.rpartition("/")
        return head

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]
