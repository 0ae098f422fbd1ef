"""The positioned tree a compose parser hands over: YAML already read, merge keys applied.

`RawScalar`, `RawSeq` and `RawMap` keep each node's 1-based position and YAML tag, so a file can
be re-read with a folder's `.env` (see `deploycheck.model.compose.reader`) without parsing its text again.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class RawScalar:
    """A scalar as written. `tag` is the YAML 1.1 type PyYAML resolved ('str', 'int', 'null'...)."""

    text: str
    tag: str
    pos: Position
    plain: bool = True

    @property
    def is_null(self) -> bool:
        return self.tag == "null"


@dataclass(frozen=True, slots=True)
class RawSeq:
    items: tuple[RawNode, ...]
    pos: Position
    tag: str = ""  # a local tag such as Compose's `!reset` / `!override`, else ''


@dataclass(frozen=True, slots=True)
class RawMap:
    pairs: tuple[tuple[RawScalar, RawNode], ...]
    pos: Position
    tag: str = ""

    def get(self, key: str) -> RawNode | None:
        for k, v in self.pairs:
            if k.text == key:
                return v
        return None

    def key(self, key: str) -> RawScalar | None:
        for k, _ in self.pairs:
            if k.text == key:
                return k
        return None


RawNode = RawScalar | RawSeq | RawMap
