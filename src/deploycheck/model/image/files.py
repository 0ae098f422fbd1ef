"""The image's final filesystem view: locations and path lookup as the kernel resolves them.

`_Files` is the base of `ImageFacts` (facts.py): it turns a path into a finding's location (image,
layer, path in image) and resolves paths inside the image the way the kernel does inside the
container, following symlinks (up to `MAX_SYMLINKS`) and hard links, with `..` at the root
staying at the root; the ELF facts, script heads and small texts are looked up through it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping

from deploycheck.model.image.binaries import ElfInfo, FileHead
from deploycheck.model.image.records import AppNeeds, FileEntry, ImageConfig, Layer, Resolved
from deploycheck.model.location import Location, Related

MAX_SYMLINKS = 40  # the kernel's limit before ELOOP


class _Files:
    """Locations and path lookup over the fields of `ImageFacts`."""

    __slots__ = ()

    # the fields of `ImageFacts` (facts.py) the methods read
    ref: str
    config: ImageConfig
    layers: tuple[Layer, ...]
    files: Mapping[str, FileEntry]
    elves: Mapping[str, ElfInfo]
    heads: Mapping[str, FileHead]
    texts: Mapping[str, str]
    app: AppNeeds | None

    # -- locations ------------------------------------------------------------------------

    def location(self, path: str = "", layer: int | None = None) -> Location:
        extra: list[tuple[str, str]] = [("image", self.ref)]
        if layer is None and path:
            entry = self.files.get(path)
            layer = entry.layer if entry is not None else None
        if layer is not None and 0 <= layer < len(self.layers):
            extra.append(("layer", self.layers[layer].short))
        if path:
            extra.append(("path_in_image", path))
        return Location(extra=tuple(extra))

    def related(self, path: str, message: str) -> Related:
        return Related(self.location(path), message)

    def layer_of(self, path: str) -> Layer | None:
        entry = self.files.get(path)
        if entry is None or not 0 <= entry.layer < len(self.layers):
            return None
        return self.layers[entry.layer]

    # -- path lookup ----------------------------------------------------------------------

    def lookup(self, path: str, cwd: str = "/", follow: bool = True) -> Resolved:
        """Resolve `path` as the kernel does inside the container (symlinks followed inside the
        image; `..` at the root stays at the root)."""
        start = path if path.startswith("/") else posixpath.join(cwd or "/", path)
        pending = [p for p in start.split("/") if p]
        done = "/"
        hops = 0
        via: list[str] = []
        while pending:
            part = pending.pop(0)
            if part == ".":
                continue
            if part == "..":
                done = posixpath.dirname(done) or "/"
                continue
            current = posixpath.join(done, part)
            entry = self.files.get(current)
            if entry is None:
                return Resolved(current, None, "missing", tuple(via))
            if entry.kind == "symlink" and (pending or follow):
                hops += 1
                if hops > MAX_SYMLINKS:
                    return Resolved(current, entry, "loop", tuple(via))
                via.append(f"{current} -> {entry.link}")
                target = entry.link
                base = "/" if target.startswith("/") else done
                pending = [p for p in target.split("/") if p] + pending
                done = base
                continue
            if entry.kind == "hardlink" and not pending:
                linked = self.files.get(entry.link)
                if linked is not None and linked.is_regular:
                    entry = FileEntry(current, "file", entry.mode, linked.size or entry.size,
                                      "", entry.layer, entry.uid, entry.gid)
            if pending and entry.kind != "dir":
                return Resolved(current, entry, "notdir", tuple(via))
            done = current
        if done == "/":
            return Resolved("/", FileEntry("/", "dir", 0o755), "", tuple(via))
        return Resolved(done, self.files.get(done), "", tuple(via))

    def exists(self, path: str, cwd: str = "/") -> bool:
        return not self.lookup(path, cwd).error

    def is_dir(self, path: str) -> bool:
        found = self.lookup(path)
        return not found.error and found.entry is not None and found.entry.is_dir

    def is_file(self, path: str) -> bool:
        found = self.lookup(path)
        return not found.error and found.entry is not None and found.entry.is_regular

    def elf(self, path: str) -> ElfInfo | None:
        """The ELF facts of the file `path` leads to (symlinks followed, hard links too)."""
        found = self.lookup(path)
        if found.error or found.entry is None:
            return None
        info = self.elves.get(found.path)
        if info is None and found.entry.kind == "hardlink":
            info = self.elves.get(self.files[found.path].link)
        return info

    def head(self, path: str) -> FileHead | None:
        found = self.lookup(path)
        if found.error:
            return None
        head = self.heads.get(found.path)
        entry = self.files.get(found.path)
        if head is None and entry is not None and entry.kind == "hardlink":
            head = self.heads.get(entry.link)
        return head

    def text(self, path: str) -> str | None:
        found = self.lookup(path)
        if found.error:
            return None
        return self.texts.get(found.path)

    def children(self, directory: str) -> Iterator[FileEntry]:
        """Entries directly inside `directory` (no symlinks followed)."""
        prefix = directory.rstrip("/") + "/"
        for path, entry in self.files.items():
            if path.startswith(prefix) and "/" not in path[len(prefix):]:
                yield entry

    def has_any_under(self, directory: str) -> bool:
        found = self.lookup(directory)
        if found.error or found.entry is None or not found.entry.is_dir:
            return False
        prefix = found.path.rstrip("/") + "/"
        return any(p.startswith(prefix) for p in self.files)
