"""`ImageFacts`: one image (one platform), its final filesystem view and what the readers found.

The record the gatherer builds and the image rules read. Its fields are the facts; its methods
come from the bases of one concern each: `files` (locations, path lookup), `runtime` (environment,
command, user), `loader` (libc, shared libraries, Python extension modules) and `certs` (CA roots,
zone data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from deploycheck.model.image.binaries import ElfInfo, FileHead
from deploycheck.model.image.certs import _CertsAndZones
from deploycheck.model.image.loader import _Loader
from deploycheck.model.image.records import AppNeeds, FileEntry, ImageConfig, Layer, WastedFile
from deploycheck.model.image.secrets import SecretFile


@dataclass(frozen=True, slots=True)
class ImageFacts(_CertsAndZones, _Loader):
    """One image (one platform), its final filesystem view and what the readers found in it.

    `complete` is False when a layer could not be read to its end: rules that report something
    *missing* stay quiet then (the reading problem is reported instead)."""

    ref: str
    config: ImageConfig
    layers: tuple[Layer, ...]
    files: Mapping[str, FileEntry]
    elves: Mapping[str, ElfInfo] = field(default_factory=dict)
    heads: Mapping[str, FileHead] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    secrets: tuple[SecretFile, ...] = ()
    wasted: tuple[WastedFile, ...] = ()
    complete: bool = True
    platform: str = ""  # the platform asked for (default: the host's), e.g. linux/amd64
    source: str = ""  # how it was read: "docker-archive", "oci-layout", "engine", "recorded"
    app: AppNeeds | None = None
