"""Streaming reader of image layers: tar entries in, facts out; nothing is written to disk.

A layer (a tar archive, maybe gzip-, zstd-, bzip2- or xz-compressed) is read as a stream by a
tar parser of our own, so every bound is ours: header sizes, member counts, decompressed bytes
(compression bombs), and path checks (absolute paths, `..` escapes, device nodes, hard links out
of the tree) — hostile entries are refused and reported, never followed. Of each member we keep
its metadata; of the few files rules inspect we keep facts or bytes: ELF headers (parsed, then
the bytes dropped), the first line of executable scripts, small configuration files, and what
makes a file look like a secret.

`merge` applies the layers in order — whiteouts (`.wh.NAME`) and opaque directories
(`.wh..wh..opq`) included — into the final filesystem view, and counts the bytes later layers
hide. Recorded facts (tests) go through the same `LayerScan` → `merge` path.
"""

from __future__ import annotations

import heapq
import io
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import BinaryIO, Protocol

from deploycheck.gatherers import elf as elfreader
from deploycheck.model.image import (
    ElfInfo,
    FileEntry,
    FileHead,
    ImageConfig,
    ImageFacts,
    ImageProblem,
    Layer,
    SecretFile,
    WastedFile,
    secret_value,
)

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


# -- decompression --------------------------------------------------------------------------------


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


# -- tar ------------------------------------------------------------------------------------------


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


# -- one layer ------------------------------------------------------------------------------------

_KEEP_TEXT = re.compile(
    r"^/etc/(passwd|group|ld\.so\.conf|ld\.so\.conf\.d/[^/]+|ld-musl-[^/]+\.path|os-release|"
    r"alpine-release|debian_version)$|^/usr/lib/os-release$")
_SECRET_SKIP = re.compile(
    r"/(site|dist)-packages/|/node_modules/|/testdata/|/tests?/|^/usr/share/|^/usr/local/go/|"
    r"^/usr/lib/go(-[\d.]+)?/|/pkg/mod/|^/usr/lib/python[\d.]+/|^/usr/include/|"
    r"^/etc/ssl/private/ssl-cert-snakeoil\.key$|/\.cache/|^/proc/|^/usr/src/linux")
_KEY_NAMES = re.compile(r"(^id_(rsa|dsa|ecdsa|ed25519)$|\.(pem|key|ppk)$)")
_STORE_NAMES = re.compile(r"\.(p12|pfx|jks|keystore)$")
_ENV_NAME = re.compile(r"^\.env(\.[\w-]+)?$")
_ENV_SAMPLE = re.compile(r"\.(example|sample|template|dist|defaults?|tmpl|tpl)$", re.I)
_PRIVATE_KEY = re.compile(rb"-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----")


def _secret_candidate(path: str) -> bool:
    name = path.rpartition("/")[2]
    if _SECRET_SKIP.search(path):
        return False
    return bool(
        (_ENV_NAME.match(name) and not _ENV_SAMPLE.search(name)) or _KEY_NAMES.search(name)
        or _STORE_NAMES.search(name)
        or name in (".npmrc", ".pypirc", ".netrc", ".git-credentials", ".vault-token", ".yarnrc.yml",
                    "credentials.tfrc.json", "application_default_credentials.json")
        or path.endswith(("/.aws/credentials", "/.docker/config.json", "/.kube/config"))
        or (name.endswith(".json") and any(w in name.lower() for w in ("service-account", "service_account",
                                                                       "credentials", "gcp-key", "sa-key"))))


def _secret_in(path: str, data: bytes) -> tuple[str, str] | None:
    """(what, detail) when the content proves a credential; never the secret itself."""
    name = path.rpartition("/")[2]
    text = data.decode("utf-8", "replace")
    if _STORE_NAMES.search(name):
        return "a key store", f"{name} ({len(data)} bytes)"
    if _PRIVATE_KEY.search(data) or "PuTTY-User-Key-File" in text:
        return "a private key", "BEGIN ... PRIVATE KEY"
    if _ENV_NAME.match(name):
        for line in text.splitlines():
            key, sep, value = line.strip().removeprefix("export ").partition("=")
            if sep and (why := secret_value(key.strip(), value.strip().strip("'\""))):
                name = key.strip()
                shown = f"{name} is set" if why.startswith("a value for") else f"{name} holds {why}"
                return "an environment file with credentials", shown
        return None
    if name == ".npmrc" or name == ".yarnrc.yml":
        match = re.search(r"(_authToken|_auth|_password|npmAuthToken)\s*[=:]\s*(\S+)", text)
        if match and not re.match(r"^\$\{?\w+\}?$", match.group(2).strip("'\"")):
            return "a registry token", f"{match.group(1)}=..."
        return None
    if name in (".pypirc", ".netrc"):
        match = re.search(r"^\s*password\s*[=: ]\s*(\S+)", text, re.M)
        if match and not re.match(r"^\$\{?\w+\}?$", match.group(1)):
            return "a package-index password", "password ..."
        return None
    if name == ".git-credentials" and "@" in text:
        return "git credentials", "https://user:...@host"
    if name == ".vault-token" and text.strip():
        return "a Vault token", ".vault-token"
    if path.endswith("/.aws/credentials"):
        if "aws_secret_access_key" in text:
            return "AWS credentials", "aws_secret_access_key"
        return None
    if path.endswith("/.docker/config.json"):
        if re.search(r'"auth"\s*:\s*"[^"]+"', text) or '"identitytoken"' in text:
            return "registry credentials", '"auths": {... "auth": ...}'
        return None
    if path.endswith("/.kube/config"):
        if re.search(r"^\s*(token|client-key-data|password):\s*\S", text, re.M):
            return "Kubernetes credentials", "token / client-key-data"
        return None
    if name.endswith(".json"):
        if '"private_key"' in text or '"refresh_token"' in text or '"client_secret"' in text:
            return "cloud credentials", '"private_key" / "refresh_token"'
        return None
    return None


@dataclass
class LayerScan:
    """What one layer holds, in archive order (whiteouts are entries of kind 'whiteout' and
    'opaque'), with the facts read from the files rules inspect."""

    index: int
    digest: str = ""
    created_by: str = ""
    compression: str = "none"
    entries: list[FileEntry] = field(default_factory=list)
    elves: dict[str, ElfInfo] = field(default_factory=dict)
    heads: dict[str, FileHead] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    secrets: list[SecretFile] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, message, path)
    complete: bool = True
    size: int = 0

    def add_file(self, entry: FileEntry, data: bytes | None = None, elf: ElfInfo | None = None) -> None:
        """Record a member; `data` is what was read of its content (all, or the head)."""
        self.entries.append(entry)
        if entry.kind == "file":
            self.size += entry.size
        if elf is not None:
            self.elves[entry.path] = elf
        if data is None or entry.kind != "file":
            return
        if elf is None and entry.mode & 0o111:
            line = data[:256].split(b"\n", 1)[0]
            crlf = line.endswith(b"\r")
            self.heads[entry.path] = FileHead(line.decode("utf-8", "surrogateescape"), crlf)
        if _KEEP_TEXT.match(entry.path):
            self.texts[entry.path] = data.decode("utf-8", "surrogateescape")
        if _secret_candidate(entry.path):
            found = _secret_in(entry.path, data)
            if found is not None:
                self.secrets.append(SecretFile(entry.path, self.index, found[0], found[1]))


def clean_path(name: str) -> tuple[str, str]:
    """(absolute path in the image, problem) for a member name; problem '' when acceptable."""
    if "\0" in name:
        return "", "a NUL byte in the name"
    if name.startswith("/"):
        return "", "an absolute path"
    parts: list[str] = []
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return "", "a path that climbs out of the image with '..'"
            parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts), ""


_WANT_HEAD = 256


def scan_layer(stream: Readable, scan: LayerScan, limits: Limits, budget: Budget | None = None,
               what: str = "layer") -> LayerScan:
    """Read one layer's tar stream into `scan`. Reading problems end up in `scan.problems`
    (and `scan.complete` False when the layer could not be read to its end)."""
    tar = TarReader(stream, limits, budget, what)
    try:
        for member in tar:
            _member(tar, member, scan, limits)
    except ReadError as exc:
        scan.problems.append((exc.kind, exc.message, ""))
        scan.complete = False
    return scan


_KINDS = {"0": "file", "1": "hardlink", "2": "symlink", "3": "char", "4": "block", "5": "dir", "6": "fifo"}


def _member(tar: TarReader, member: TarMember, scan: LayerScan, limits: Limits) -> None:
    path, problem = clean_path(member.name)
    if problem:
        scan.problems.append(("unsafe", f"entry {member.name[:200]!r}: {problem}; refused", ""))
        return
    if path == "/":
        return
    kind = _KINDS.get(member.type, "")
    if not kind:
        scan.problems.append(("unsafe", f"entry {path}: unknown tar type {member.type!r}; skipped", path))
        return
    directory, _, name = path.rpartition("/")
    if name.startswith(".wh."):
        if name == ".wh..wh..opq":
            scan.entries.append(FileEntry(directory or "/", "opaque", 0, layer=scan.index))
        elif not name.startswith(".wh..wh."):
            scan.entries.append(FileEntry(posixpath.join(directory or "/", name[4:]), "whiteout", 0,
                                          layer=scan.index))
        return
    if kind in ("char", "block"):
        if not path.startswith("/dev/"):
            scan.problems.append(("unsafe", f"a {kind} device node at {path}: refused", path))
        return
    link = member.link
    if kind == "hardlink":
        target, problem = clean_path(link.lstrip("/") if link.startswith("/") else link)
        if problem or target == "/":
            scan.problems.append(("unsafe", f"hard link {path} -> {link[:200]!r} points outside the "
                                  "image; refused", path))
            return
        link = target
    entry = FileEntry(path, kind, member.mode, member.size, link, scan.index, member.uid, member.gid)
    if kind != "file" or member.size == 0:
        scan.add_file(entry, b"" if kind == "file" else None)
        return
    first = tar.read(min(member.size, _WANT_HEAD if member.size > limits.max_text else limits.max_text))
    info: ElfInfo | None = None
    if first[:4] == elfreader.MAGIC:
        # Read into one preallocated buffer: the peak is the file's size plus one chunk.
        want = member.size if member.size <= limits.max_elf else max(limits.elf_head, len(first))
        data = bytearray(want)
        data[: len(first)] = first
        at = len(first)
        while at < want:
            chunk = tar.read(min(CHUNK, want - at))
            data[at: at + len(chunk)] = chunk
            at += len(chunk)
        info = elfreader.parse(data, member.size)
        del data
        scan.add_file(entry, first[:_WANT_HEAD], info)
        return
    if member.size <= limits.max_text:
        scan.add_file(entry, first)
        return
    # A large non-ELF file: its first line is all we keep (for scripts); secrets are small files.
    scan.add_file(entry, first if entry.mode & 0o111 else None)


# -- the final view -------------------------------------------------------------------------------


def merge(ref: str, config: ImageConfig, scans: list[LayerScan], *, platform: str = "",
          source: str = "", keep_wasted: int = 200) -> tuple[ImageFacts, list[ImageProblem]]:
    """Apply the layers in order into the final filesystem view, with whiteouts, and count the
    bytes of files that later layers delete or overwrite."""
    view = _View(len(scans), keep_wasted)
    problems: list[ImageProblem] = []
    for scan in scans:
        for entry in scan.entries:
            if entry.layer != scan.index:  # scanned before the manifest gave the order
                entry = replace(entry, layer=scan.index)
            if entry.kind == "whiteout":
                hidden = view.files.get(entry.path)
                if hidden is not None and hidden.layer < scan.index:
                    view.remove(entry.path, scan.index, "deleted")
            elif entry.kind == "opaque":
                view.opaque(entry.path, scan.index)
            elif entry.kind == "hardlink":
                target = view.files.get(entry.link)
                if target is None or not target.is_regular:
                    problems.append(ImageProblem(ref, "unsafe", f"hard link {entry.path} -> {entry.link} "
                                                 "names no regular file in this or an earlier layer; "
                                                 "Docker refuses to unpack such a layer",
                                                 _short(scan.digest, scan.index), entry.path))
                    continue
                view.add(replace(entry, size=0), scan, target_path=entry.link)
            else:
                view.add(entry, scan)
        for kind, message, path in scan.problems:
            problems.append(ImageProblem(ref, kind, message, _short(scan.digest, scan.index), path))
    layers = tuple(
        Layer(s.index, s.digest, s.created_by, s.size, sum(1 for e in s.entries if e.kind not in
                                                            ("whiteout", "opaque")),
              view.wasted_bytes[s.index], s.compression) for s in scans)
    secrets: list[SecretFile] = []
    for scan in scans:
        for secret in scan.secrets:
            current = view.files.get(secret.path)
            deleted = current is None or current.layer != scan.index
            secrets.append(replace(secret, layer=scan.index, deleted=deleted))
    secrets.extend(_git_dirs(scans, view))
    facts = ImageFacts(
        ref=ref,
        config=config,
        layers=layers,
        files=view.files,
        elves=view.elves,
        heads=view.heads,
        texts=view.texts,
        secrets=tuple(secrets),
        wasted=tuple(sorted(view.wasted_files, key=lambda w: (-w.size, w.path))),
        complete=all(s.complete for s in scans),
        platform=platform,
        source=source,
    )
    return facts, problems


def _short(digest: str, index: int) -> str:
    value = digest.partition(":")[2] or digest
    return value[:12] if value else f"#{index + 1}"


def _git_dirs(scans: list[LayerScan], view: _View) -> list[SecretFile]:
    out: list[SecretFile] = []
    seen: set[str] = set()
    for scan in scans:
        for entry in scan.entries:
            if entry.kind in ("whiteout", "opaque"):
                continue
            path = entry.path
            at = path.find("/.git/") if not path.endswith("/.git") else len(path) - 5
            if at < 0 or _SECRET_SKIP.search(path):
                continue
            root = path[: at + 5]
            if root in seen:
                continue
            seen.add(root)
            current = view.files.get(root)
            deleted = current is None
            out.append(SecretFile(root, scan.index, "a git repository", "history, remotes and any "
                                  "credentials in .git/config", deleted, "git"))
    return out


class _View:
    def __init__(self, layers: int, keep_wasted: int) -> None:
        self.files: dict[str, FileEntry] = {}
        self.children: dict[str, set[str]] = {"/": set()}
        self.elves: dict[str, ElfInfo] = {}
        self.heads: dict[str, FileHead] = {}
        self.texts: dict[str, str] = {}
        self.wasted_bytes = [0] * layers
        self.keep = keep_wasted
        self._heap: list[tuple[int, str, int, int, str]] = []

    @property
    def wasted_files(self) -> list[WastedFile]:
        return [WastedFile(path, layer, size, by, how) for size, path, layer, by, how in self._heap]

    def _parent(self, path: str, layer: int) -> str:
        parent = posixpath.dirname(path) or "/"
        if parent != "/" and parent not in self.files:
            self._parent(parent, layer)
            self.files[parent] = FileEntry(parent, "dir", 0o755, layer=layer)
            self.children.setdefault(parent, set())
            self.children.setdefault(posixpath.dirname(parent) or "/", set()).add(parent)
        elif parent != "/" and self.files[parent].kind != "dir" and self.files[parent].kind != "symlink":
            self.remove(parent, layer, "overwritten")
            self._parent(path, layer)
        self.children.setdefault(parent, set())
        return parent

    def add(self, entry: FileEntry, scan: LayerScan, target_path: str = "") -> None:
        path = entry.path
        existing = self.files.get(path)
        if existing is not None:
            if existing.kind == "dir" and entry.kind == "dir":
                self.files[path] = entry
                return
            self.remove(path, entry.layer, "overwritten")
        parent = self._parent(path, entry.layer)
        self.files[path] = entry
        self.children[parent].add(path)
        if entry.kind == "dir":
            self.children.setdefault(path, set())
        source = target_path or path
        if target_path:
            info = self.elves.get(source)
            head = self.heads.get(source)
            text = self.texts.get(source)
        else:
            info = scan.elves.get(source)
            head = scan.heads.get(source)
            text = scan.texts.get(source)
        if info is not None:
            self.elves[path] = info
        if head is not None:
            self.heads[path] = head
        if text is not None:
            self.texts[path] = text

    def remove(self, path: str, by_layer: int, how: str) -> None:
        if path not in self.files:
            return
        stack = [path]
        while stack:
            current = stack.pop()
            item = self.files.get(current)
            if item is None:
                continue
            for child in self.children.pop(current, set()):
                stack.append(child)
            del self.files[current]
            self.elves.pop(current, None)
            self.heads.pop(current, None)
            self.texts.pop(current, None)
            if item.kind == "file" and item.size and item.layer < by_layer:
                self.wasted_bytes[item.layer] += item.size
                record = (item.size, current, item.layer, by_layer, how)
                if len(self._heap) < self.keep:
                    heapq.heappush(self._heap, record)
                elif record > self._heap[0]:
                    heapq.heapreplace(self._heap, record)
        parent = posixpath.dirname(path) or "/"
        if parent in self.children:
            self.children[parent].discard(path)

    def opaque(self, directory: str, layer: int) -> None:
        for child in list(self.children.get(directory, ())):
            item = self.files.get(child)
            if item is None:
                continue
            if item.layer < layer:
                self.remove(child, layer, "deleted")
            elif item.kind == "dir":
                self.opaque(child, layer)


def stream_of(data: bytes) -> BinaryIO:
    return io.BytesIO(data)


__all__ = ["Budget", "LayerScan", "Limits", "ReadError", "TarReader", "merge", "open_layer", "scan_layer"]
