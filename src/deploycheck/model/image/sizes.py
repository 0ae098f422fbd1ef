"""Sizes: the size report of an image (`deploycheck image --sizes`) and sizes for people.

`SizeReport` lists an image's largest files, its total bytes and the bytes later layers hide;
`human` writes a byte count the way the reports and rule messages show it (1536 → '1.5 KiB').
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.image.facts import ImageFacts
from deploycheck.model.image.records import FileEntry


@dataclass(frozen=True, slots=True)
class SizeReport:
    """The size report of one image (`deploycheck image --sizes`)."""

    image: ImageFacts
    top: int = 10

    def largest_files(self) -> list[FileEntry]:
        regular = [e for e in self.image.files.values() if e.kind == "file"]
        regular.sort(key=lambda e: (-e.size, e.path))
        return regular[: self.top]

    def total(self) -> int:
        return sum(layer.size for layer in self.image.layers)

    def wasted(self) -> int:
        return sum(layer.wasted for layer in self.image.layers)


def human(size: float) -> str:
    """1536 → '1.5 KiB'."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(size) < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"
