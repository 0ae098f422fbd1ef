"""Decompression of a layer blob: `open_layer` sniffs gzip, zstd, bzip2 and xz from the first
bytes and returns a stream of the layer's tar bytes whose output is counted against the layer's
expansion ratio (compression bombs) and the image's `Budget`; decoder errors become `ReadError`.
An uncompressed blob is read as is, with skips turned into seeks when the blob is seekable.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from deploycheck.gatherers.image_reader.bounds import CHUNK, Budget, Readable, ReadError


class _Peeked(io.RawIOBase):
    """A stream with its first bytes already read (to sniff the compression)."""

    def __init__(self, head: bytes, rest: Readable) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        want = len(buffer)
        if self.head:
            n = min(want, len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(want)
        buffer[: len(data)] = data
        return len(data)


class _Capped:
    """Decompressed output, counted against the layer's ratio bound and the image's budget."""

    def __init__(self, inner: Readable, raw: _Counting, budget: Budget, what: str) -> None:
        self.inner = inner
        self.raw = raw
        self.budget = budget
        self.what = what
        self.total = 0

    def read(self, n: int = -1) -> bytes:
        try:
            data = self.inner.read(n)
        except EOFError as exc:
            raise ReadError("unreadable", f"{self.what} stream is truncated ({exc})") from exc
        except (OSError, ValueError) as exc:
            raise ReadError("unreadable", f"{self.what} stream is corrupt ({exc})") from exc
        except Exception as exc:  # zstandard.ZstdError and other decoder errors
            raise ReadError("unreadable", f"{self.what} stream is corrupt ({exc})") from exc
        self.total += len(data)
        self.budget.take(len(data))
        limits = self.budget.limits
        if self.total > max(limits.ratio_floor, limits.max_ratio * max(self.raw.count, 1)):
            raise ReadError("limit", f"{self.what} layer expands more than {limits.max_ratio}:1 "
                            f"({self.total >> 20} MiB from {max(self.raw.count, 1) >> 10} KiB): a "
                            "compression bomb, or raise --max-ratio; the rest was not read")
        return data


class _Counting:
    """Counts the bytes read from the underlying (compressed) stream."""

    def __init__(self, inner: Readable, on_bytes: Callable[[int], None] | None = None) -> None:
        self.inner = inner
        self.count = 0
        self.on_bytes = on_bytes

    def read(self, n: int = -1) -> bytes:
        data = self.inner.read(n)
        self.count += len(data)
        if self.on_bytes is not None:
            self.on_bytes(len(data))
        return data


def open_layer(raw: Readable, budget: Budget,
               on_bytes: Callable[[int], None] | None = None) -> tuple[Readable, str, bool]:
    """(a stream of the layer's tar bytes, compression name, seekable) for a layer blob."""
    head = raw.read(6)
    counting = _Counting(_PrefixRead(head, raw), on_bytes)
    if head[:2] == b"\x1f\x8b":
        import gzip

        gz = gzip.GzipFile(fileobj=io.BufferedReader(_Peeked(b"", counting), CHUNK), mode="rb")
        return _Capped(gz, counting, budget, "gzip"), "gzip", False
    if head[:4] == b"\x28\xb5\x2f\xfd":
        try:
            import zstandard
        except ImportError as exc:
            raise ReadError("unsupported", "the layer is zstd-compressed and the Python package "
                            "'zstandard' is not installed (pip install zstandard)") from exc
        decompressor = zstandard.ZstdDecompressor()
        reader = decompressor.stream_reader(counting, read_across_frames=True)  # type: ignore[arg-type]
        return _Capped(reader, counting, budget, "zstd"), "zstd", False
    if head[:3] == b"BZh":
        import bz2

        bzip = bz2.BZ2File(io.BufferedReader(_Peeked(b"", counting)))
        return _Capped(bzip, counting, budget, "bzip2"), "bzip2", False
    if head[:6] == b"\xfd7zXZ\x00":
        import lzma

        xz = lzma.LZMAFile(io.BufferedReader(_Peeked(b"", counting)))  # noqa: SIM115 - closed with the stream
        return _Capped(xz, counting, budget, "xz"), "xz", False
    seekable = hasattr(raw, "seek") and bool(getattr(raw, "seekable", lambda: False)())
    return _Plain(counting, budget, raw if seekable else None, len(head)), "none", seekable


class _PrefixRead:
    def __init__(self, head: bytes, rest: Readable) -> None:
        self.head = head
        self.rest = rest

    def read(self, n: int = -1) -> bytes:
        if self.head:
            if n < 0:
                out, self.head = self.head + self.rest.read(), b""
                return out
            out, self.head = self.head[:n], self.head[n:]
            if len(out) < n:
                out += self.rest.read(n - len(out))
            return out
        return self.rest.read(n)


class _Plain:
    """An uncompressed layer: reads are counted; skips seek when the blob is seekable."""

    def __init__(self, counting: _Counting, budget: Budget, seekable: object, consumed: int) -> None:
        self.counting = counting
        self.budget = budget
        self.seekable = seekable

    def read(self, n: int = -1) -> bytes:
        data = self.counting.read(n)
        self.budget.take(len(data))
        return data

    def skip(self, n: int) -> bool:
        target = self.seekable
        if target is None or self.counting.count < 6:
            return False
        seek = getattr(target, "seek", None)
        if seek is None:
            return False
        seek(n, io.SEEK_CUR)
        self.counting.count += n
        if self.counting.on_bytes is not None:
            self.counting.on_bytes(n)
        self.budget.take(n)
        return True
