"""HTTP/1.1 responses as bytes on the wire: `_Reader` reads a response from a socket under one
deadline (the head up to a size cap; the body by Content-Length, chunked, or to the end of the
connection, up to a cap), raising `_Malformed` for a reply that breaks the framing, and
`parse_head` turns a head into status and header lines with duplicates kept in order — shared by
the live client and recorded transcripts."""

from __future__ import annotations

import socket
import ssl
import time

from deploycheck.gatherers.http_probe.settings import MAX_HEADER_LINES
from deploycheck.model.probe import Header


class _Malformed(Exception):
    pass


class _Reader:
    """Buffered reads from a socket under one deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self.buffer = b""
        self.received = 0
        self.eof = False

    def fill(self) -> bool:
        if self.eof:
            return False
        remaining = self.deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except ssl.SSLZeroReturnError:
            chunk = b""
        except ssl.SSLEOFError:
            chunk = b""  # servers that drop the connection without close_notify
        if not chunk:
            self.eof = True
            return False
        self.buffer += chunk
        self.received += len(chunk)
        return True

    def read_head(self, limit: int) -> bytes | None:
        while True:
            for sep in (b"\r\n\r\n", b"\n\n"):
                index = self.buffer.find(sep)
                if index > limit:
                    raise _Malformed(f"the response header block exceeds {limit // 1024} KiB")
                if index >= 0:
                    head = self.buffer[:index]
                    self.buffer = self.buffer[index + len(sep):]
                    return head
            if len(self.buffer) > limit:
                raise _Malformed(f"the response header block exceeds {limit // 1024} KiB")
            if self.buffer and not self.buffer[:5].upper().startswith(b"HTTP/"[:len(self.buffer[:5])]):
                return None
            if not self.fill():
                return None

    def read_body(self, headers: tuple[Header, ...], limit: int) -> tuple[bytes, bool]:
        encoding = ",".join(h.value for h in headers if h.name.lower() == "transfer-encoding").lower()
        if "chunked" in encoding:
            return self._chunked(limit)
        lengths = {h.value.strip() for h in headers if h.name.lower() == "content-length"}
        if len(lengths) == 1:
            value = next(iter(lengths))
            if not value.isdigit():
                raise _Malformed(f"Content-Length is not a number: {value!r}")
            return self._exact(int(value), limit)
        if len(lengths) > 1:
            raise _Malformed(f"conflicting Content-Length headers: {', '.join(sorted(lengths))}")
        while len(self.buffer) <= limit and self.fill():
            pass
        return self.buffer[:limit], len(self.buffer) > limit

    def _exact(self, length: int, limit: int) -> tuple[bytes, bool]:
        want = min(length, limit + 1)
        while len(self.buffer) < want and self.fill():
            pass
        if len(self.buffer) < min(length, limit):
            raise _Malformed(f"the body ended after {len(self.buffer)} of {length} bytes")
        return self.buffer[:min(length, limit)], length > limit

    def _chunked(self, limit: int) -> tuple[bytes, bool]:
        out = bytearray()
        while True:
            while b"\n" not in self.buffer:
                if len(self.buffer) > 4096:
                    raise _Malformed("a chunk-size line is too long")
                if not self.fill():
                    raise _Malformed("the chunked body ended early")
            line, _, self.buffer = self.buffer.partition(b"\n")
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise _Malformed(f"bad chunk size {size_text[:20]!r}") from None
            if size == 0:
                return bytes(out), False
            while len(self.buffer) < size + 2 and self.fill():
                if len(out) + len(self.buffer) > limit:
                    break
            piece = self.buffer[:size]
            out += piece
            if len(out) > limit:
                return bytes(out[:limit]), True
            if len(piece) < size:
                raise _Malformed("the chunked body ended early")
            self.buffer = self.buffer[size:].removeprefix(b"\r\n").removeprefix(b"\n")


def parse_head(head: bytes) -> tuple[str, int, str, tuple[Header, ...]] | None:
    """Status line and header lines of a response head (CRLF or LF), duplicates kept in order.
    None when it is not an HTTP/1.x response. Shared by the live client and recorded transcripts."""
    lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
    status_line = lines[0].strip()
    version, _, rest = status_line.partition(" ")
    code, _, reason = rest.strip().partition(" ")
    if not version.upper().startswith("HTTP/") or not (code.isdigit() and len(code) == 3):
        return None
    headers: list[Header] = []
    for line in lines[1:]:
        if not line.strip():
            continue
        if line[0] in " \t" and headers:  # obsolete line folding
            last = headers[-1]
            headers[-1] = Header(last.name, f"{last.value} {line.strip()}")
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        headers.append(Header(name.strip(), value.strip()))
        if len(headers) > MAX_HEADER_LINES:
            break
    return version.upper(), int(code), reason.strip(), tuple(headers)
