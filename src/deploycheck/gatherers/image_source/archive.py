"""Archives on disk read at random: a `docker save` or OCI tarball indexed by its tar headers
only (`index_tar`, seeking past the data) or an OCI layout folder (`index_folder`, symlinks
skipped), both served as an `Archive` of blobs by name; a blob inside a tarball is opened as a
seekable `_Slice` of the file.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from deploycheck.gatherers.image_reader import Budget, Limits, Readable, ReadError, TarReader
from deploycheck.gatherers.image_source.records import _SMALL

# -- archives -------------------------------------------------------------------------------------


class _Slice:
    """A window [offset, offset+size) of a seekable file, itself seekable."""

    def __init__(self, fh: BinaryIO, offset: int, size: int) -> None:
        self.fh = fh
        self.start = offset
        self.size = size
        self.pos = 0

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.pos
        if n < 0 or n > left:
            n = left
        if n <= 0:
            return b""
        self.fh.seek(self.start + self.pos)
        data = self.fh.read(n)
        self.pos += len(data)
        return data

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.pos, 2: self.size}[whence]
        self.pos = max(0, min(self.size, base + offset))
        return self.pos


class Archive:
    """Blobs by name: members of a tar file on disk, or files of an OCI layout folder."""

    def __init__(self, label: str, names: dict[str, tuple[int, int]], fh: BinaryIO | None = None,
                 folder: str = "") -> None:
        self.label = label
        self.names = names
        self.fh = fh
        self.folder = folder

    def has(self, name: str) -> bool:
        return _clean(name) in self.names

    def size(self, name: str) -> int:
        return self.names[_clean(name)][1]

    def open(self, name: str) -> Readable:
        key = _clean(name)
        offset, size = self.names[key]
        if self.fh is not None:
            return _Slice(self.fh, offset, size)
        return open(os.path.join(self.folder, *key.split("/")), "rb")

    def read_small(self, name: str) -> bytes:
        key = _clean(name)
        if key not in self.names:
            raise ReadError("unreadable", f"{self.label} has no {key}")
        if self.names[key][1] > _SMALL:
            raise ReadError("unsafe", f"{key} in {self.label} is {self.names[key][1]} bytes: too large "
                            "for a manifest or config; refused")
        stream = self.open(key)
        try:
            return stream.read(_SMALL + 1)
        finally:
            close = getattr(stream, "close", None)
            if close is not None and self.fh is None:
                close()


def _clean(name: str) -> str:
    return "/".join(p for p in name.replace("\\", "/").split("/") if p not in ("", "."))


def index_tar(path: str, limits: Limits) -> Archive:
    fh = open(path, "rb")  # noqa: SIM115 - kept open while the blobs are read
    names: dict[str, tuple[int, int]] = {}
    tar = TarReader(fh, limits, Budget(limits), what=f"archive {os.path.basename(path)}")
    for member in tar:
        if member.type == "0":
            key = _clean(member.name)
            if ".." in key.split("/"):
                continue
            names[key] = (tar.data_offset, member.size)
    return Archive(path, names, fh)


def index_folder(path: str) -> Archive:
    names: dict[str, tuple[int, int]] = {}
    root = os.path.realpath(path)
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        for name in files:
            full = os.path.join(folder, name)
            if os.path.islink(full):
                continue  # a blob that is a symlink could point anywhere on this machine
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            names[rel] = (0, os.path.getsize(full))
    return Archive(path, names, None, root)
