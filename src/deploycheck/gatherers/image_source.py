"""Where an image comes from: a `docker save` tarball, an OCI image layout (folder or tar), or
the local Docker engine (`GET /images/{name}/get`, streamed). Each yields `ImageFacts` per image
(one platform of a multi-platform index: `--platform`, default the host's) plus the problems met
while reading.

Archives on disk are indexed first (tar headers only, seeking past the data) and their blobs read
in manifest order; the engine's export and compressed archives are read in one pass, layers
scanned as they arrive and put in order once the manifest has been seen.
"""

from __future__ import annotations

import http.client
import json
import os
import platform as host_platform
import re
import socket
import ssl
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO

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
from deploycheck.model.image import HistoryStep, ImageConfig, ImageFacts, ImageProblem

Progress = Callable[[int, int, int, int], None]  # (bytes done, bytes total, layers done, layers total)
_SMALL = 16 << 20  # manifests and configs are kept in memory up to this size
_DIGEST = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$")
_INDEX_TYPES = ("application/vnd.oci.image.index.v1+json",
                "application/vnd.docker.distribution.manifest.list.v2+json")


class SourceError(Exception):
    """The argument names no image we can open (the CLI shows it as a usage error)."""


@dataclass
class Gathered:
    images: list[ImageFacts] = field(default_factory=list)
    problems: list[ImageProblem] = field(default_factory=list)


def host_platform_name() -> str:
    machine = host_platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64",
            "armv7l": "arm/v7", "armv6l": "arm/v6", "i686": "386", "i386": "386",
            "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}.get(machine, machine)
    return f"linux/{arch}"


def normalize_platform(text: str) -> tuple[str, str, str]:
    """'linux/arm64/v8' → ('linux', 'arm64', 'v8'); 'amd64' → ('linux', 'amd64', '')."""
    parts = [p for p in text.strip().lower().split("/") if p]
    if len(parts) == 1:
        parts = ["linux", *parts]
    os_name = parts[0] if parts else "linux"
    arch = parts[1] if len(parts) > 1 else ""
    variant = parts[2] if len(parts) > 2 else ""
    arch = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm",
            "i386": "386", "i686": "386"}.get(arch, arch)
    if arch == "arm64" and variant == "v8":
        variant = ""
    return os_name, arch, variant


def platform_matches(want: str, os_name: str, arch: str, variant: str) -> bool:
    w_os, w_arch, w_variant = normalize_platform(want)
    g_os, g_arch, g_variant = normalize_platform(f"{os_name or 'linux'}/{arch}/{variant}")
    if w_os != g_os or w_arch != g_arch:
        return False
    return not w_variant or not g_variant or w_variant == g_variant


# -- image config ---------------------------------------------------------------------------------


def parse_config(data: dict[str, Any]) -> ImageConfig:
    """An image config JSON (OCI or Docker) → ImageConfig. Shared with recorded facts."""
    cfg = data.get("config") or data.get("Config") or {}
    if not isinstance(cfg, dict):
        cfg = {}

    def argv(value: object) -> tuple[str, ...] | None:
        if isinstance(value, list):
            return tuple(str(v) for v in value)
        if isinstance(value, str):
            return ("/bin/sh", "-c", value)
        return None

    env: list[tuple[str, str]] = []
    for item in cfg.get("Env") or ():
        if isinstance(item, str):
            key, _, value = item.partition("=")
            env.append((key, value))
    labels = cfg.get("Labels") or {}
    health = cfg.get("Healthcheck") or {}
    test = health.get("Test") if isinstance(health, dict) else None
    history = tuple(
        HistoryStep(str(h.get("created_by", "")), bool(h.get("empty_layer", False)))
        for h in data.get("history") or () if isinstance(h, dict))
    return ImageConfig(
        os=str(data.get("os") or "linux"),
        architecture=str(data.get("architecture") or ""),
        variant=str(data.get("variant") or ""),
        entrypoint=argv(cfg.get("Entrypoint")),
        cmd=argv(cfg.get("Cmd")),
        env=tuple(env),
        user=str(cfg.get("User") or ""),
        workdir=str(cfg.get("WorkingDir") or ""),
        labels=tuple((str(k), str(v)) for k, v in labels.items()) if isinstance(labels, dict) else (),
        healthcheck=tuple(str(t) for t in test) if isinstance(test, list) and test else None,
        exposed_ports=tuple(sorted(cfg.get("ExposedPorts") or {})),
        history=history,
    )


def layer_commands(config: ImageConfig, count: int) -> list[str]:
    """The history step that made each layer (history entries without empty_layer, in order)."""
    steps = [h.created_by for h in config.history if not h.empty_layer]
    if len(steps) != count:
        return [""] * count
    return steps


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


# -- manifests ------------------------------------------------------------------------------------


@dataclass
class _Plan:
    ref: str
    config_name: str
    layers: list[tuple[str, str]]  # (blob name, digest label)
    platform: str = ""


def _load_json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReadError("unreadable", f"{what} is not valid JSON ({exc})") from None


def _blob_name(digest: object) -> str:
    if not isinstance(digest, str) or not _DIGEST.match(digest):
        raise ReadError("unsafe", f"a manifest names a malformed digest {str(digest)[:80]!r}; refused")
    algo, _, hexpart = digest.partition(":")
    return f"blobs/{algo}/{hexpart}"


def plans(blobs: dict[str, bytes] | Archive, label: str, want: str) -> tuple[list[_Plan], list[str]]:
    """The images to read, from manifest.json (docker save) or index.json (OCI), for platform
    `want`; the second list holds platform problems (what the index offers instead)."""

    def read(name: str) -> bytes:
        if isinstance(blobs, Archive):
            return blobs.read_small(name)
        key = _clean(name)
        if key not in blobs:
            raise ReadError("unreadable", f"{label} has no {key} (truncated or incomplete archive)")
        return blobs[key]

    def has(name: str) -> bool:
        return blobs.has(name) if isinstance(blobs, Archive) else _clean(name) in blobs

    if has("manifest.json"):
        manifest = _load_json(read("manifest.json"), "manifest.json")
        if not isinstance(manifest, list) or not manifest:
            raise ReadError("unreadable", "manifest.json lists no image")
        out = []
        for index, item in enumerate(manifest):
            if not isinstance(item, dict) or not isinstance(item.get("Config"), str):
                raise ReadError("unreadable", f"manifest.json entry {index + 1} has no Config")
            layers = item.get("Layers") or []
            if not isinstance(layers, list) or not all(isinstance(x, str) for x in layers):
                raise ReadError("unreadable", f"manifest.json entry {index + 1} has bad Layers")
            tags = item.get("RepoTags") or []
            ref = str(tags[0]) if isinstance(tags, list) and tags else ""
            out.append(_Plan(ref, item["Config"], [(name, "") for name in layers]))
        return out, []
    if has("index.json"):
        index = _load_json(read("index.json"), "index.json")
        found: list[_Plan] = []
        problems: list[str] = []
        for ref, entries in _refs(index):
            plan, offered = _pick(entries, read, want, ref, 0)
            if plan is not None:
                found.append(plan)
            else:
                problems.append(f"{ref or label}: no image for {want}; the index offers "
                                f"{', '.join(offered) or 'nothing'}")
        return found, problems
    raise ReadError("unreadable", f"{label} is not an image archive: no manifest.json (docker save) "
                    "and no index.json (OCI layout)")


def _refs(index: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    if not isinstance(index, dict) or not isinstance(index.get("manifests"), list):
        raise ReadError("unreadable", "index.json has no manifests list")
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in index["manifests"]:
        if not isinstance(entry, dict):
            continue
        notes = entry.get("annotations") or {}
        ref = ""
        if isinstance(notes, dict):
            ref = str(notes.get("io.containerd.image.name")
                      or notes.get("org.opencontainers.image.ref.name") or "")
        groups.setdefault(ref, []).append(entry)
    return list(groups.items())


def _pick(entries: list[dict[str, Any]], read: Callable[[str], bytes], want: str, ref: str,
          depth: int) -> tuple[_Plan | None, list[str]]:
    if depth > 4:
        raise ReadError("unsafe", "image indexes nest more than 4 levels; refused")
    candidates = []
    offered: list[str] = []
    for entry in entries:
        plat = entry.get("platform") if isinstance(entry.get("platform"), dict) else None
        notes = entry.get("annotations") if isinstance(entry.get("annotations"), dict) else {}
        if notes and notes.get("vnd.docker.reference.type") == "attestation-manifest":
            continue
        if plat is not None:
            name = f"{plat.get('os', '')}/{plat.get('architecture', '')}" + (
                f"/{plat['variant']}" if plat.get("variant") else "")
            if name == "unknown/unknown":
                continue
            offered.append(name)
            if not platform_matches(want, str(plat.get("os", "")), str(plat.get("architecture", "")),
                                    str(plat.get("variant", ""))):
                continue
        candidates.append(entry)
    for entry in candidates:
        data = _load_json(read(_blob_name(entry.get("digest"))), f"blob {entry.get('digest')}")
        media = entry.get("mediaType") or (data.get("mediaType") if isinstance(data, dict) else "")
        if media in _INDEX_TYPES or (isinstance(data, dict) and "manifests" in data):
            inner = [m for m in data.get("manifests") or [] if isinstance(m, dict)]
            plan, more = _pick(inner, read, want, ref, depth + 1)
            offered.extend(more)
            if plan is not None:
                return plan, offered
            continue
        if not isinstance(data, dict) or not isinstance(data.get("config"), dict):
            raise ReadError("unreadable", f"manifest {entry.get('digest')} has no config")
        layers = [(_blob_name(layer.get("digest")), str(layer.get("digest")))
                  for layer in data.get("layers") or [] if isinstance(layer, dict)]
        plat = entry.get("platform") if isinstance(entry.get("platform"), dict) else {}
        return _Plan(ref, _blob_name(data["config"].get("digest")), layers,
                     f"{plat.get('os', '')}/{plat.get('architecture', '')}" if plat else ""), offered
    return None, offered


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


# -- the Docker engine ----------------------------------------------------------------------------


def docker_host(environ: dict[str, str] | None = None, home: str | None = None) -> tuple[str, dict[str, str]]:
    """The engine address as the docker CLI finds it: DOCKER_HOST, else the current context
    (DOCKER_CONTEXT or `currentContext` in config.json), else the default socket. The second
    value holds TLS settings (ca, cert, key, verify) when the context or environment has them."""
    env = dict(os.environ) if environ is None else environ
    if env.get("DOCKER_HOST"):
        tls: dict[str, str] = {}
        cert_path = env.get("DOCKER_CERT_PATH", "")
        if env.get("DOCKER_TLS_VERIFY") or env.get("DOCKER_TLS"):
            folder = cert_path or os.path.join(home or os.path.expanduser("~"), ".docker")
            tls = {"ca": os.path.join(folder, "ca.pem"), "cert": os.path.join(folder, "cert.pem"),
                   "key": os.path.join(folder, "key.pem"),
                   "verify": "1" if env.get("DOCKER_TLS_VERIFY") else ""}
        return env["DOCKER_HOST"], tls
    config_dir = env.get("DOCKER_CONFIG") or os.path.join(home or os.path.expanduser("~"), ".docker")
    context = env.get("DOCKER_CONTEXT", "")
    if not context:
        try:
            with open(os.path.join(config_dir, "config.json"), encoding="utf-8") as fh:
                context = str(json.load(fh).get("currentContext") or "")
        except (OSError, ValueError, AttributeError):
            context = ""
    if context and context != "default":
        import hashlib

        digest = hashlib.sha256(context.encode()).hexdigest()
        meta = os.path.join(config_dir, "contexts", "meta", digest, "meta.json")
        try:
            with open(meta, encoding="utf-8") as fh:
                endpoint = json.load(fh)["Endpoints"]["docker"]
            host = str(endpoint.get("Host") or "")
            tls_dir = os.path.join(config_dir, "contexts", "tls", digest, "docker")
            tls = {}
            if os.path.isdir(tls_dir):
                tls = {"ca": os.path.join(tls_dir, "ca.pem"), "cert": os.path.join(tls_dir, "cert.pem"),
                       "key": os.path.join(tls_dir, "key.pem"),
                       "verify": "" if endpoint.get("SkipTLSVerify") else "1"}
            if host:
                return host, tls
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    return "unix:///var/run/docker.sock", {}


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


class Engine:
    """A minimal Docker Engine API client (the two calls `image` needs)."""

    def __init__(self, host: str, tls: dict[str, str] | None = None, timeout: float = 300.0) -> None:
        self.host = host
        self.tls = tls or {}
        self.timeout = timeout

    def _connection(self) -> http.client.HTTPConnection:
        parsed = urllib.parse.urlparse(self.host)
        if parsed.scheme == "unix":
            return _UnixConnection(parsed.path, self.timeout)
        if parsed.scheme in ("tcp", "http", "https"):
            port = parsed.port or (2376 if self.tls else 2375)
            if self.tls or parsed.scheme == "https":
                context = ssl.create_default_context(cafile=self.tls.get("ca") if self.tls.get("ca") and
                                                     os.path.exists(self.tls["ca"]) else None)
                if self.tls.get("cert") and os.path.exists(self.tls["cert"]):
                    context.load_cert_chain(self.tls["cert"], self.tls.get("key"))
                if not self.tls.get("verify"):
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE
                return http.client.HTTPSConnection(parsed.hostname or "localhost", port,
                                                   timeout=self.timeout, context=context)
            return http.client.HTTPConnection(parsed.hostname or "localhost", port, timeout=self.timeout)
        raise SourceError(f"Docker host {self.host!r} is not supported (unix:// or tcp://)")

    def get(self, path: str) -> http.client.HTTPResponse:
        conn = self._connection()
        try:
            conn.request("GET", path, headers={"Host": "docker"})
            return conn.getresponse()
        except OSError as exc:
            raise SourceError(f"no Docker engine answers at {self.host} ({exc})") from exc

    def inspect(self, name: str) -> dict[str, Any] | None:
        resp = self.get(f"/images/{urllib.parse.quote(name, safe='')}/json")
        body = resp.read(_SMALL)
        if resp.status == 404:
            return None
        if resp.status != 200:
            raise SourceError(f"the Docker engine at {self.host} answered {resp.status}: "
                              f"{body[:200].decode('utf-8', 'replace').strip()}")
        data = json.loads(body)
        return data if isinstance(data, dict) else None

    def export(self, name: str) -> http.client.HTTPResponse:
        resp = self.get(f"/images/{urllib.parse.quote(name, safe='')}/get")
        if resp.status != 200:
            body = resp.read(4096).decode("utf-8", "replace").strip()
            raise SourceError(f"the Docker engine could not export {name}: {resp.status} {body[:200]}")
        return resp


# -- entry point ----------------------------------------------------------------------------------


def gather(argument: str, *, platform: str = "", limits: Limits | None = None,
           progress: Progress | None = None, engine: Engine | None = None) -> Gathered:
    """Open REF|FILE|DIR and read every image in it for `platform` (default: the host's)."""
    limits = limits or Limits()
    want = platform or host_platform_name()
    if os.path.isdir(argument):
        if not (os.path.exists(os.path.join(argument, "index.json"))
                or os.path.exists(os.path.join(argument, "manifest.json"))):
            raise SourceError(f"{argument}: a folder, but not an OCI image layout (no index.json)")
        return check_platform(read_archive(index_folder(argument), want, limits, progress, "oci-layout"),
                               want, bool(platform))
    if os.path.isfile(argument):
        with open(argument, "rb") as fh:
            magic = fh.read(6)
        label = os.path.basename(argument)
        if compressed(magic):
            with open(argument, "rb") as fh:
                try:
                    stream, _, _ = open_layer(fh, Budget(limits))
                except ReadError as exc:
                    return Gathered([], [ImageProblem(label, "unreadable", exc.message)])
                size = os.path.getsize(argument)
                result = read_stream(stream, label, want, limits, progress, size, "archive")
            return check_platform(result, want, bool(platform))
        try:
            archive = index_tar(argument, limits)
        except ReadError as exc:
            # Unusable as a random-access archive: read what a stream reader can, to say why.
            with open(argument, "rb") as fh:
                result = read_stream(fh, label, want, limits, progress, os.path.getsize(argument), "archive")
            if not result.problems and not result.images:
                result.problems.append(ImageProblem(label, "unreadable", exc.message))
            elif exc.message not in " ".join(p.message for p in result.problems):
                result.problems.insert(0, ImageProblem(label, exc.kind if exc.kind != "limit" else "limit",
                                                       exc.message))
            return check_platform(result, want, bool(platform))
        try:
            oci = archive.has("index.json") and not archive.has("manifest.json")
            kind = "oci-archive" if oci else "docker-archive"
            return check_platform(read_archive(archive, want, limits, progress, kind), want, bool(platform))
        finally:
            if archive.fh is not None:
                archive.fh.close()
    engine = engine or Engine(*docker_host())
    info = engine.inspect(argument)
    if info is None:
        raise SourceError(f"{argument}: no such file or folder, and the Docker engine at {engine.host} "
                          "has no image by that name")
    total = int(info.get("Size") or 0)
    resp = engine.export(argument)
    try:
        result = read_stream(resp, argument, want, limits, progress, total, "engine")
    finally:
        resp.close()
    # The export names the image by its tags; keep the name the user gave.
    result.images = [replace(i, ref=argument) for i in result.images]
    result.problems = [replace(p, image=argument) for p in result.problems]
    return check_platform(result, want, bool(platform))


def check_platform(result: Gathered, want: str, explicit: bool) -> Gathered:
    """A single-platform archive built for another CPU than `want`: the runtime refuses it (or
    runs it under emulation when binfmt is set up)."""
    for image in result.images:
        arch = image.config.architecture
        if arch and not platform_matches(want, image.config.os, arch, image.config.variant):
            how = "asked for with --platform" if explicit else "of this machine"
            result.problems.append(ImageProblem(
                image.ref, "platform",
                f"the image is built for {image.config.platform}, not for {want} ({how}): "
                f"`docker run` warns `The requested image's platform ({image.config.platform}) does not "
                f"match the detected host platform ({want})` and every binary fails with "
                "`exec format error` unless QEMU emulation (binfmt_misc) is installed"))
    return result


def iter_images(result: Gathered) -> Iterator[ImageFacts]:
    yield from result.images


__all__ = ["Engine", "Gathered", "SourceError", "docker_host", "gather", "host_platform_name",
           "parse_config", "read_archive", "read_stream"]
