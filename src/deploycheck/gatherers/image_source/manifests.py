"""Which images an archive holds: `plans` reads `manifest.json` (docker save) or `index.json`
(OCI layout), walks nested image indexes for the wanted platform (attestations skipped, digests
checked before they become blob names) and returns one `_Plan` per image — its config blob and
its layer blobs in order — plus what the index offers when no image fits the platform.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from deploycheck.gatherers.image_reader import ReadError
from deploycheck.gatherers.image_source.archive import Archive, _clean
from deploycheck.gatherers.image_source.config import platform_matches

_DIGEST = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$")
_INDEX_TYPES = ("application/vnd.oci.image.index.v1+json",
                "application/vnd.docker.distribution.manifest.list.v2+json")


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
