"""Recorded images: a JSON description of an image archive, made into real bytes and read by the
same reader as a real `docker save` tarball.

Rule pages and fixtures describe images in `*image.json` files:

```json
{"image": "shop/api:1.4",
 "config": {"architecture": "amd64", "os": "linux",
            "config": {"Entrypoint": ["/app"], "Env": ["PATH=/usr/bin:/bin"]}},
 "layers": [
   {"created_by": "COPY app /app",
    "files": [{"path": "app", "mode": "0755",
               "elf": {"interp": "/lib64/ld-linux-x86-64.so.2", "needed": ["libc.so.6"]}},
              {"path": "etc/passwd", "text": "root:x:0:0:root:/root:/bin/sh\\n"},
              {"path": "bin/sh", "link": "busybox"},
              {"path": "etc/secret.env", "whiteout": true}]}]}
```

A file is a regular file unless it has `link` (symlink), `hardlink`, `type` (`dir`, `fifo`,
`char`, `block`) or a path ending in `/`; `text` is its content, `size` pads it with zeros,
`elf` describes an ELF file written by `elf.write` (`machine`, `class`, `type`, `interp`,
`needed`, `rpath`, `runpath`, `soname`, `versions_needed`, `versions_defined`, `go`,
`markers`). `whiteout` writes `.wh.NAME`, `opaque` a folder's `.wh..wh..opq`. A layer may set
`compression` (gzip, zstd, bzip2, xz) and `truncate_at` (bytes kept of its blob). Top-level
`limits` overrides the reader's bounds; `app` gives what `--project` would know; `sizes: true`
asks for the size report.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from typing import Any

from deploycheck.gatherers import elf as elfwriter
from deploycheck.gatherers.image_reader import Limits
from deploycheck.gatherers.image_source import Gathered, check_platform, read_stream
from deploycheck.model import Location
from deploycheck.model.image import (
    MARK_HTTP_CLIENT,
    MARK_HTTPS_LITERAL,
    MARK_OS_USER,
    MARK_TZDATA,
    MARK_X509_FALLBACK,
    AppNeeds,
    SizeReport,
)

_MARKER_BYTES = {
    MARK_HTTP_CLIENT: b"net/http.(*Transport).dialConn",
    MARK_OS_USER: b"os/user.Current",
    MARK_TZDATA: b"time/tzdata.init",
    MARK_X509_FALLBACK: b"golang.org/x/crypto/x509roots/fallback",
    MARK_HTTPS_LITERAL: b"https://",
}


def elf_bytes(spec: dict[str, Any]) -> bytes:
    """Real ELF bytes for a recorded `elf` description."""
    go = spec.get("go")
    go_version = ""
    modinfo = ""
    if isinstance(go, dict):
        go_version = str(go.get("version", "go1.22.0"))
        settings = go.get("settings") or {}
        modinfo = elfwriter.go_modinfo(
            str(go.get("path", "")), (str(go.get("module", "")), str(go.get("module_version", ""))),
            tuple((str(m), str(v)) for m, v in go.get("deps") or ()),
            tuple((str(k), str(v)) for k, v in settings.items()))
    extra = b"\0".join(_MARKER_BYTES[m] for m in spec.get("markers") or () if m in _MARKER_BYTES)
    return elfwriter.write(
        machine=spec.get("machine", "amd64"),
        elf_class=int(spec.get("class", 64)),
        little_endian=spec.get("endian", "little") == "little",
        etype=str(spec.get("type", "exec")),
        interp=str(spec.get("interp", "")),
        needed=tuple(spec.get("needed") or ()),
        rpath=tuple(spec.get("rpath") or ()),
        runpath=tuple(spec.get("runpath") or ()),
        soname=str(spec.get("soname", "")),
        version_needs=tuple((str(k), tuple(v)) for k, v in (spec.get("versions_needed") or {}).items()),
        version_defs=tuple(spec.get("versions_defined") or ()),
        go_version=go_version,
        go_modinfo=modinfo,
        extra=b"\0" + extra + b"\0" if extra else b"",
    )


def layer_tar(files: list[dict[str, Any]]) -> bytes:
    """A layer's tar bytes from recorded file descriptions (names written as given)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for spec in files:
            path = str(spec["path"])
            data = b""
            info = tarfile.TarInfo(path.rstrip("/") if path != "/" else path)
            directory, _, name = info.name.rpartition("/")
            if spec.get("whiteout"):
                info.name = (directory + "/" if directory else "") + ".wh." + name
            elif spec.get("opaque"):
                info.name = info.name + "/.wh..wh..opq"
            elif "link" in spec:
                info.type = tarfile.SYMTYPE
                info.linkname = str(spec["link"])
            elif "hardlink" in spec:
                info.type = tarfile.LNKTYPE
                info.linkname = str(spec["hardlink"])
            elif spec.get("type") == "dir" or path.endswith("/"):
                info.type = tarfile.DIRTYPE
            elif spec.get("type") in ("char", "block", "fifo"):
                kinds = {"char": tarfile.CHRTYPE, "block": tarfile.BLKTYPE, "fifo": tarfile.FIFOTYPE}
                info.type = kinds[spec["type"]]
            elif "elf" in spec:
                data = elf_bytes(spec["elf"])
            else:
                data = str(spec.get("text", "")).encode("utf-8", "surrogateescape")
                if spec.get("size", 0) > len(data):
                    data += b"\0" * (int(spec["size"]) - len(data))
            default = 0o755 if info.type in (tarfile.DIRTYPE, tarfile.SYMTYPE) or "elf" in spec else 0o644
            info.mode = int(str(spec.get("mode", oct(default))), 8)
            info.uid = int(spec.get("uid", 0))
            info.gid = int(spec.get("gid", 0))
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data else None)
    return out.getvalue()


def _compress(data: bytes, how: str) -> bytes:
    if how == "gzip":
        return gzip.compress(data, 6)
    if how == "zstd":
        import zstandard

        return zstandard.ZstdCompressor().compress(data)
    if how == "bzip2":
        import bz2

        return bz2.compress(data)
    if how == "xz":
        import lzma

        return lzma.compress(data)
    return data


def archive_bytes(record: dict[str, Any]) -> bytes:
    """A `docker save` archive (manifest.json, config, layer blobs) for a recorded image."""
    config = dict(record.get("config") or {})
    blobs: list[tuple[str, bytes]] = []
    diff_ids = []
    history = []
    for layer in record.get("layers") or []:
        raw = layer_tar(layer.get("files") or [])
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        blob = _compress(raw, str(layer.get("compression", "none")))
        if "truncate_at" in layer:
            blob = blob[: int(layer["truncate_at"])]
        name = f"blobs/sha256/{hashlib.sha256(blob).hexdigest()}"
        blobs.append((name, blob))
        history.append({"created_by": str(layer.get("created_by", ""))})
    config.setdefault("architecture", "amd64")
    config.setdefault("os", "linux")
    config.setdefault("rootfs", {"type": "layers", "diff_ids": diff_ids})
    config.setdefault("history", history)
    config_blob = json.dumps(config).encode()
    config_name = f"blobs/sha256/{hashlib.sha256(config_blob).hexdigest()}"
    manifest = [{"Config": config_name, "RepoTags": [record["image"]] if record.get("image") else [],
                 "Layers": [name for name, _ in blobs]}]
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in [*blobs, (config_name, config_blob),
                           ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _location(text: str) -> Location:
    path, _, line = str(text).rpartition(":")
    if path and line.isdigit():
        return Location(path, int(line), 1)
    return Location(str(text))


def app_needs(spec: dict[str, Any]) -> AppNeeds:
    return AppNeeds(
        deployment=str(spec.get("deployment", "the deployment")),
        location=_location(spec.get("location", "compose.yaml:1")),
        https=tuple(_location(w) for w in spec.get("https") or ()),
        time_zones=tuple((str(z), _location(w)) for z, w in spec.get("time_zones") or ()),
        files=tuple((str(f), str(c), _location(w)) for f, c, w in spec.get("files") or ()),
        embedded=tuple(str(p) for p in spec.get("embedded") or ()),
        command=tuple(spec["command"]) if spec.get("command") is not None else None,
        entrypoint=tuple(spec["entrypoint"]) if spec.get("entrypoint") is not None else None,
        command_location=_location(spec["command_location"]) if spec.get("command_location") else None,
        env=tuple((str(k), None if v is None else str(v)) for k, v in (spec.get("env") or {}).items()),
    )


def load(label: str, text: str) -> list[object]:
    """The facts (images, reading problems, size reports) of a recorded image."""
    record = json.loads(text)
    if not isinstance(record, dict):
        raise ValueError(f"{label}: a recorded image is a JSON object")
    limits = Limits(**record.get("limits", {}))
    data = archive_bytes(record)
    config = record.get("config") or {}
    want = str(record.get("platform") or f"linux/{config.get('architecture') or 'amd64'}")
    gathered: Gathered = read_stream(io.BytesIO(data), record.get("image") or label, want, limits,
                                     source="recorded")
    gathered = check_platform(gathered, want, "platform" in record)
    out: list[object] = []
    for image in gathered.images:
        if isinstance(record.get("app"), dict):
            from dataclasses import replace

            image = replace(image, app=app_needs(record["app"]))
        out.append(image)
        if record.get("sizes"):
            out.append(SizeReport(image))
    out.extend(gathered.problems)
    return out


__all__ = ["app_needs", "archive_bytes", "elf_bytes", "layer_tar", "load"]
