"""Bounds and errors of the layer reader: the `Limits` against hostile or broken images, the
`Budget` of decompressed bytes and tar members left for a whole image, `ReadError` (what every
reading problem becomes), the `Readable` stream protocol the reader takes, and the tar block and
read chunk sizes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO, Protocol

BLOCK = 512
CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds against hostile or broken images (all configurable from the CLI)."""

    max_header: int = 1 << 20  # a pax or GNU long-name header's data
    max_members: int = 2_000_000  # tar members in the whole image
    max_bytes: int = 64 << 30  # decompressed bytes in the whole image
    max_ratio: int = 100  # decompressed:compressed, per layer, beyond ratio_floor
    ratio_floor: int = 512 << 20
    max_elf: int = 128 << 20  # ELF files larger than this are read from their first elf_head bytes
    elf_head: int = 4 << 20
    max_text: int = 64 << 10  # small files kept or sniffed


class ReadError(Exception):
    """kind: unreadable (malformed, truncated), limit (a bound reached), unsupported."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


@dataclass
class Budget:
    """Decompressed bytes and members left for the whole image."""

    limits: Limits
    bytes_read: int = 0
    members: int = 0

    def take(self, n: int) -> None:
        self.bytes_read += n
        if self.bytes_read > self.limits.max_bytes:
            raise ReadError("limit", f"more than {self.limits.max_bytes >> 20} MiB decompressed in "
                            "this image (--max-bytes); the rest was not read")

    def member(self) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise ReadError("limit", f"more than {self.limits.max_members} tar members in this image; "
                            "the rest was not read")


def stream_of(data: bytes) -> BinaryIO:
    return io.BytesIO(data)
