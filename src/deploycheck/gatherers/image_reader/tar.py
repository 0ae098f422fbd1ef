"""Our own streaming tar parser: `TarReader` iterates `TarMember` headers of a stream (ustar,
GNU long names and base-256 numbers, pax records), checks header checksums, bounds extended
headers by `Limits.max_header`, counts members against the `Budget`, and skips the data the caller
leaves unread; malformed or truncated archives end in `ReadError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.gatherers.image_reader.bounds import BLOCK, CHUNK, Budget, Limits, Readable, ReadError


@dataclass(slots=True)
class TarMember:
    name: str
    type: str  # "0" regular, "1" hard link, "2" symlink, "3" char, "4" block, "5" dir, "6" fifo
    mode: int
    uid: int
    gid: int
    size: int
    link: str


def _number(field_: bytes) -> int:
    if field_ and field_[0] & 0x80:  # GNU base-256
        value = int.from_bytes(field_, "big", signed=False) & ~(0x80 << (8 * (len(field_) - 1)))
        return value
    text = field_.split(b"\0", 1)[0].strip(b" \0")
    if not text:
        return 0
    try:
        return int(text, 8)
    except ValueError:
        raise ReadError("unreadable", f"a tar header holds a bad number {text[:20]!r}") from None


def _text(field_: bytes) -> str:
    return field_.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


class TarReader:
    """Iterates tar members of a stream; the caller reads the current member's data with
    `read(n)`; what it leaves unread is skipped (seeking when possible)."""

    def __init__(self, stream: Readable, limits: Limits, budget: Budget | None = None,
                 what: str = "archive") -> None:
        self.stream = stream
        self.limits = limits
        self.budget = budget
        self.what = what
        self.left = 0  # data bytes of the current member not yet read
        self.pad = 0
        self.offset = 0  # position in the tar stream
        self.data_offset = 0  # where the current member's data starts

    def _read_exact(self, n: int) -> bytes:
        parts = []
        want = n
        while want > 0:
            data = self.stream.read(min(want, CHUNK))
            if not data:
                break
            parts.append(data)
            want -= len(data)
        out = b"".join(parts)
        self.offset += len(out)
        return out

    def _skip(self, n: int) -> None:
        if n <= 0:
            return
        skip = getattr(self.stream, "skip", None)
        if skip is not None and skip(n):
            self.offset += n
            return
        while n > 0:
            data = self.stream.read(min(n, CHUNK))
            if not data:
                raise ReadError("unreadable", f"the {self.what} is truncated: it ends inside a member")
            n -= len(data)
            self.offset += len(data)

    def read(self, n: int) -> bytes:
        n = min(n, self.left)
        data = self._read_exact(n)
        self.left -= len(data)
        if len(data) < n:
            raise ReadError("unreadable", f"the {self.what} is truncated: it ends inside a member")
        return data

    def __iter__(self) -> Iterator[TarMember]:
        pax: dict[str, str] = {}
        long_name: str | None = None
        long_link: str | None = None
        zero_blocks = 0
        while True:
            self._skip(self.left + self.pad)
            self.left = self.pad = 0
            start = self.offset
            block = self._read_exact(BLOCK)
            if not block:
                if self.offset == 0:
                    raise ReadError("unreadable", f"the {self.what} is empty")
                return  # no end-of-archive blocks: tolerated, as GNU tar does
            if len(block) < BLOCK:
                raise ReadError("unreadable", f"the {self.what} is truncated: it ends inside a "
                                f"header at byte {start}")
            if block == b"\0" * BLOCK:
                zero_blocks += 1
                if zero_blocks >= 2:
                    return
                continue
            zero_blocks = 0
            stored = _number(block[148:156])
            computed = sum(block[:148]) + 256 + sum(block[156:])
            signed = sum((b - 256 if b > 127 else b) for b in block[:148]) + 256 + sum(
                (b - 256 if b > 127 else b) for b in block[156:])
            if stored not in (computed, signed):
                raise ReadError("unreadable", f"the {self.what} is not a tar archive or is corrupt: "
                                f"bad header checksum at byte {start}")
            kind = chr(block[156]) if block[156] else "0"
            size = _number(block[124:136])
            if size < 0:
                raise ReadError("unreadable", f"negative member size at byte {start}")
            name = _text(block[0:100])
            if block[257:263] == b"ustar\x00" and block[345]:
                name = _text(block[345:500]) + "/" + name
            link = _text(block[157:257])
            self.left = size
            self.pad = (-size) % BLOCK
            self.data_offset = self.offset
            if kind in "xgLK":
                if size > self.limits.max_header:
                    raise ReadError("unsafe", f"a tar extended header of {size} bytes at byte {start} "
                                    f"(more than {self.limits.max_header}): refused")
                data = self.read(size)
                if kind == "x":
                    pax.update(_pax(data))
                elif kind == "L":
                    long_name = _text(data)
                elif kind == "K":
                    long_link = _text(data)
                continue  # "g" (global) carries nothing we use
            if self.budget is not None:
                self.budget.member()
            if long_name is not None:
                name = long_name
            if long_link is not None:
                link = long_link
            if "path" in pax:
                name = pax["path"]
            if "linkpath" in pax:
                link = pax["linkpath"]
            if "size" in pax and pax["size"].isdigit():
                size = int(pax["size"])
                self.left = size
                self.pad = (-size) % BLOCK
            uid = int(pax["uid"]) if pax.get("uid", "").isdigit() else _number(block[108:116])
            gid = int(pax["gid"]) if pax.get("gid", "").isdigit() else _number(block[116:124])
            pax, long_name, long_link = {}, None, None
            if kind == "7" or kind == "S":
                kind = "0"
            if kind != "0":
                self._skip(self.left)  # links, devices and folders carry no data we read
                self.left = 0
            yield TarMember(name, kind, _number(block[100:108]) & 0o7777, uid, gid,
                            size if kind == "0" else 0, link)


def _pax(data: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    at = 0
    while at < len(data):
        space = data.find(b" ", at)
        if space < 0:
            break
        try:
            length = int(data[at:space])
        except ValueError:
            break
        if length <= 0:
            break
        record = data[space + 1: at + length - 1]
        key, _, value = record.partition(b"=")
        out[key.decode("utf-8", "replace")] = value.decode("utf-8", "surrogateescape")
        at += length
    return out
