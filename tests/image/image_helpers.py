"""Build image archives byte by byte for the image tests: layers from tar members written with
`tarfile` (so hostile entries are possible), wrapped as `docker save` or OCI archives."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

from deploycheck.engine.config import Config
from deploycheck.engine.live import run_on_facts
from deploycheck.model import Finding


def member(
    tar: tarfile.TarFile,
    name: str,
    data: bytes = b"",
    *,
    kind: bytes = tarfile.REGTYPE,
    link: str = "",
    mode: int = 0o644,
    uid: int = 0,
) -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.mode = mode
    info.uid = uid
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    tar.addfile(info, io.BytesIO(data) if info.size else None)


def layer(*entries: tuple[Any, ...], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    """A layer tar from (name, data[, kind, link, mode]) tuples."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for entry in entries:
            name, data, *rest = entry
            kind = rest[0] if rest else tarfile.REGTYPE
            link = rest[1] if len(rest) > 1 else ""
            mode = rest[2] if len(rest) > 2 else 0o644
            member(tar, name, data, kind=kind, link=link, mode=mode)
    return out.getvalue()


def docker_archive(
    layers: list[bytes],
    config: dict[str, Any] | None = None,
    tag: str = "test/img:1",
    extra: dict[str, bytes] | None = None,
    manifest: bytes | None = None,
) -> bytes:
    """A `docker save` archive (Docker 25 layout: blobs/sha256/...) holding these layer blobs."""
    cfg = {
        "architecture": "amd64",
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": []},
        "history": [],
    }
    cfg.update(config or {})
    names = []
    blobs: list[tuple[str, bytes]] = []
    for blob in layers:
        name = f"blobs/sha256/{hashlib.sha256(blob).hexdigest()}"
        names.append(name)
        blobs.append((name, blob))
        cfg["rootfs"]["diff_ids"].append("sha256:" + hashlib.sha256(blob).hexdigest())  # type: ignore[index]
    raw = json.dumps(cfg).encode()
    config_name = f"blobs/sha256/{hashlib.sha256(raw).hexdigest()}"
    blobs.append((config_name, raw))
    blobs.append(
        (
            "manifest.json",
            manifest
            if manifest is not None
            else json.dumps([{"Config": config_name, "RepoTags": [tag], "Layers": names}]).encode(),
        )
    )
    for name, data in (extra or {}).items():
        blobs.append((name, data))
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in blobs:
            member(tar, name, data)
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def gz(data: bytes) -> bytes:
    return gzip.compress(data, 6)


def findings(items: list[object], codes: tuple[str, ...] = ()) -> list[Finding]:
    result = run_on_facts("image", "", items, Config(jobs=1))
    return [f for f in result.findings if not codes or f.rule in codes]
