"""The final filesystem view being built from the layers: `_View` holds the files, their
directory tree and the facts kept of them (ELF info, script heads, texts), applies adds,
overwrites, whiteouts and opaque directories, and counts per layer the bytes that later layers
delete or overwrite, keeping the largest such files.
"""

from __future__ import annotations

import heapq
import posixpath

from deploycheck.gatherers.image_reader.layer import LayerScan
from deploycheck.model.image import ElfInfo, FileEntry, FileHead, WastedFile


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
