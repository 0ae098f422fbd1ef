"""Reading the images of an archive into `ImageFacts`: `read_archive` follows the plans of an
indexed archive or OCI folder and scans each layer blob in manifest order; `read_stream` reads an
archive once from a stream (the engine's export, a compressed tarball), keeping the small JSON
members, scanning layers as they arrive and putting them in order once the manifest is known.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

from deploycheck.gatherers.image_reader import (
    Budget,
    LayerScan,
    Limits,
    Readable,
    ReadError,
    TarReader,
    merge,
    open_layer,
    scan_layer,
)
from deploycheck.gatherers.image_source.archive import Archive, _clean, _Slice
from deploycheck.gatherers.image_source.config import layer_commands, parse_config
from deploycheck.gatherers.image_source.manifests import _load_json, plans
from deploycheck.gatherers.image_source.records import _SMALL, Gathered, Progress
from deploycheck.model.image import ImageConfig, ImageProblem

# -- reading --------------------------------------------------------------------------------------


def _config_of(blob: bytes, name: str) -> tuple[ImageConfig, list[str]]:
    data = _load_json(blob, f"image config {name}")
    if not isinstance(data, dict):
        raise ReadError("unreadable", f"image config {name} is not a JSON object")
    config = parse_config(data)
    rootfs = data.get("rootfs") or {}
    diff_ids = [str(d) for d in rootfs.get("diff_ids") or []] if isinstance(rootfs, dict) else []
    return config, diff_ids


def _label(ref: str, fallback: str) -> str:
    return ref or fallback


def read_archive(archive: Archive, want: str, limits: Limits, progress: Progress | None = None,
                 source: str = "docker-archive") -> Gathered:
    """Every image in an indexed archive or OCI folder, for platform `want`."""
    out = Gathered()
    label = os.path.basename(archive.label.rstrip("/")) or archive.label
    try:
        found, platform_problems = plans(archive, label, want)
    except ReadError as exc:
        kind = "unsafe" if exc.kind == "unsafe" else "unreadable"
        out.problems.append(ImageProblem(label, kind, exc.message))
        return out
    for text in platform_problems:
        out.problems.append(ImageProblem(label, "platform", text))
    total = sum(archive.size(name) for plan in found for name, _ in plan.layers if archive.has(name))
    done = 0
    layers_total = sum(len(plan.layers) for plan in found)
    layers_done = 0
    budget = Budget(limits)

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total, layers_done, layers_total)

    for plan in found:
        ref = _label(plan.ref, label)
        try:
            config, diff_ids = _config_of(archive.read_small(plan.config_name), plan.config_name)
        except ReadError as exc:
            out.problems.append(ImageProblem(ref, "unreadable", exc.message))
            continue
        commands = layer_commands(config, len(plan.layers))
        scans: list[LayerScan] = []
        for index, (name, digest) in enumerate(plan.layers):
            label_digest = digest or (diff_ids[index] if index < len(diff_ids) else "")
            scan = LayerScan(index, label_digest, commands[index])
            if not archive.has(name):
                scan.problems.append(("unreadable", f"the archive has no blob {name} for layer "
                                      f"{index + 1} (incomplete or truncated archive)", ""))
                scan.complete = False
            else:
                _scan_blob(archive.open(name), scan, limits, budget, tick)
            scans.append(scan)
            layers_done += 1
            tick(0)
        facts, problems = merge(ref, config, scans, platform=want, source=source)
        out.images.append(facts)
        out.problems.extend(problems)
    return out


def _scan_blob(raw: Readable, scan: LayerScan, limits: Limits, budget: Budget,
               tick: Callable[[int], None]) -> None:
    try:
        stream, compression, _ = open_layer(raw, budget, tick)
        scan.compression = compression
        scan_layer(stream, scan, limits, budget)
    except ReadError as exc:
        scan.problems.append((exc.kind, exc.message, ""))
        scan.complete = False
    finally:
        close = getattr(raw, "close", None)
        if close is not None and not isinstance(raw, _Slice):
            close()


class _Counted:
    def __init__(self, inner: Readable, tick: Callable[[int], None]) -> None:
        self.inner = inner
        self.tick = tick

    def read(self, n: int = -1) -> bytes:
        data = self.inner.read(n)
        self.tick(len(data))
        return data

    def seekable(self) -> bool:
        return bool(getattr(self.inner, "seekable", lambda: False)())

    def seek(self, offset: int, whence: int = 0) -> int:
        before = self.inner.seek(0, 1)  # type: ignore[attr-defined]
        after: int = self.inner.seek(offset, whence)  # type: ignore[attr-defined]
        self.tick(max(0, after - before))
        return after


class _MemberStream:
    """The current member of a streamed outer archive, its first bytes already read."""

    def __init__(self, head: bytes, tar: TarReader) -> None:
        self.head = head
        self.tar = tar

    def read(self, n: int = -1) -> bytes:
        if self.head:
            out = self.head[:n] if n >= 0 else self.head
            self.head = self.head[len(out):]
            return out
        return self.tar.read(self.tar.left if n < 0 else n)


def read_stream(stream: Readable, label: str, want: str, limits: Limits,
                progress: Progress | None = None, total: int = 0, source: str = "engine") -> Gathered:
    """An image archive read once from a stream (the engine's export, a compressed tarball):
    small JSON members kept, layers scanned as they come, put in order at the end."""
    out = Gathered()
    budget = Budget(limits)
    done = 0
    layers_done = 0
    small: dict[str, bytes] = {}
    scans: dict[str, LayerScan] = {}

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total, layers_done, 0)

    tar = TarReader(_Counted(stream, tick), limits, Budget(limits), what=f"archive {label}")
    truncated = ""
    try:
        for member in tar:
            if member.type != "0":
                continue
            key = _clean(member.name)
            head = tar.read(min(member.size, 512))
            if _looks_like_layer(head, member.size):
                scan = LayerScan(-1, "", "")
                try:
                    raw_stream, compression, _ = open_layer(_MemberStream(head, tar), budget)
                    scan.compression = compression
                    scan_layer(raw_stream, scan, limits, budget)
                except ReadError as exc:
                    scan.problems.append((exc.kind, exc.message, ""))
                    scan.complete = False
                scans[key] = scan
                layers_done += 1
            elif member.size <= _SMALL:
                small[key] = head + tar.read(member.size - len(head))
    except ReadError as exc:
        truncated = exc.message
    try:
        found, platform_problems = plans(small, label, want)
    except ReadError as exc:
        message = exc.message + (f" ({truncated})" if truncated else "")
        out.problems.append(ImageProblem(label, "unreadable", message))
        return out
    if truncated:
        out.problems.append(ImageProblem(label, "unreadable", truncated))
    for text in platform_problems:
        out.problems.append(ImageProblem(label, "platform", text))
    for plan in found:
        ref = _label(plan.ref, label)
        key = _clean(plan.config_name)
        if key not in small:
            out.problems.append(ImageProblem(ref, "unreadable", f"the archive has no image config {key}"))
            continue
        try:
            config, diff_ids = _config_of(small[key], key)
        except ReadError as exc:
            out.problems.append(ImageProblem(ref, "unreadable", exc.message))
            continue
        commands = layer_commands(config, len(plan.layers))
        ordered: list[LayerScan] = []
        for index, (name, digest) in enumerate(plan.layers):
            label_digest = digest or (diff_ids[index] if index < len(diff_ids) else "")
            found_scan = scans.get(_clean(name))
            if found_scan is None:
                lost = LayerScan(index, label_digest, commands[index], complete=False)
                lost.problems.append(("unreadable", f"the archive has no blob {name} for layer "
                                      f"{index + 1}", ""))
                ordered.append(lost)
            else:
                ordered.append(replace(found_scan, index=index, digest=label_digest,
                                       created_by=commands[index]))
        facts, problems = merge(ref, config, ordered, platform=want, source=source)
        out.images.append(facts)
        out.problems.extend(problems)
    return out


def compressed(head: bytes) -> bool:
    """gzip, zstd, bzip2 or xz magic."""
    return (head[:2] == b"\x1f\x8b" or head[:4] == b"\x28\xb5\x2f\xfd" or head[:3] == b"BZh"
            or head[:6] == b"\xfd7zXZ\x00")


def _looks_like_layer(head: bytes, size: int) -> bool:
    if compressed(head):
        return True
    if len(head) >= 263 and head[257:262] == b"ustar":
        return True
    stripped = head.lstrip()
    return size > _SMALL or not (stripped[:1] in (b"{", b"[") or size < 4096)
