"""Where a finding points: a file position, or a live object (container, image, URL)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Position(NamedTuple):
    """A 1-based line and column, set once by the parser that read the text.

    A named tuple rather than a dataclass: positions are the most numerous objects the parsers
    make (one per node), and tuples are created, compared and sent between processes far faster.
    """

    line: int
    column: int = 1


@dataclass(frozen=True, slots=True)
class Location:
    """A place a finding points at.

    For files: `path` is relative to the checked root (POSIX separators), lines and columns are
    1-based; 0 means "unknown" (a whole file). Commands that look at live objects put their own
    keys in `extra` (``container``, ``image``, ``layer``, ``url``, ...), keeping one finding shape.
    """

    path: str = ""
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    extra: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def at(path: str, pos: Position | None = None, end: Position | None = None) -> Location:
        if pos is None:
            return Location(path=path)
        return Location(
            path=path,
            line=pos.line,
            column=pos.column,
            end_line=end.line if end else 0,
            end_column=end.column if end else 0,
        )

    def with_path(self, path: str) -> Location:
        return Location(path, self.line, self.column, self.end_line, self.end_column, self.extra)

    def label(self) -> str:
        """`path:line:col` for text output, or the live object's keys."""
        if self.path:
            out = self.path
            if self.line:
                out += f":{self.line}"
                if self.column:
                    out += f":{self.column}"
            return out
        return " ".join(f"{k}={v}" for k, v in self.extra) or "<project>"

    def short(self) -> str:
        """`path:line` — how messages cite another file."""
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        return self.label()

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.path:
            out["path"] = self.path
            out["line"] = self.line
            out["column"] = self.column
            if self.end_line:
                out["end_line"] = self.end_line
                out["end_column"] = self.end_column
        for key, value in self.extra:
            out[key] = value
        return out


@dataclass(frozen=True, slots=True)
class Related:
    """Another place involved in a finding, with what it contributes."""

    location: Location
    message: str
