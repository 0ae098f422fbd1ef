"""One layer read into a `LayerScan`: `scan_layer` walks the layer's tar members, refuses
hostile entries (`clean_path`: absolute paths, `..` escapes; device nodes outside /dev, hard
links out of the tree, unknown types), records whiteouts and opaque directories as entries, and
keeps of each file what rules inspect: ELF headers (parsed from a bounded read, then the bytes
dropped), the first line of executable scripts, the text of a few small configuration files, and
secret-looking files.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from deploycheck.gatherers import elf as elfreader
from deploycheck.gatherers.image_reader.bounds import CHUNK, Budget, Limits, Readable, ReadError
from deploycheck.gatherers.image_reader.secrets import _secret_candidate, _secret_in
from deploycheck.gatherers.image_reader.tar import TarMember, TarReader
from deploycheck.model.image import ElfInfo, FileEntry, FileHead, SecretFile

_KEEP_TEXT = re.compile(
    r"^/etc/(passwd|group|ld\.so\.conf|ld\.so\.conf\.d/[^/]+|ld-musl-[^/]+\.path|os-release|"
    r"alpine-release|debian_version)$|^/usr/lib/os-release$")


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
