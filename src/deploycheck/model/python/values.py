"""Evaluated values: what an expression in the source resolves to, when it resolves at all.

`UNKNOWN` (the one member of `Dynamic`) stands for a value the source does not fix; `Str` is a
string literal with its position; `DictValue` holds a dict literal's resolved items. The fact
records and settings hold these, and the parser's evaluator produces them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from deploycheck.model.location import Position


class Dynamic(enum.Enum):
    """A value the source does not fix: computed, imported, or read from the environment."""

    UNKNOWN = "unknown"


UNKNOWN = Dynamic.UNKNOWN


@dataclass(frozen=True, slots=True)
class Str:
    """A string literal and where it is."""

    value: str
    pos: Position


@dataclass(frozen=True, slots=True)
class DictValue:
    """A dict literal's resolved items (keys and values as `Setting.value` allows)."""

    items: tuple[tuple[object, object], ...]

    def get(self, key: object) -> object:
        for k, v in self.items:
            if k == key:
                return v
        return None
