"""Where an image comes from: a `docker save` tarball, an OCI image layout (folder or tar), or
the local Docker engine (`GET /images/{name}/get`, streamed). Each yields `ImageFacts` per image
(one platform of a multi-platform index: `--platform`, default the host's) plus the problems met
while reading.

Archives on disk are indexed first (tar headers only, seeking past the data) and their blobs read
in manifest order; the engine's export and compressed archives are read in one pass, layers
scanned as they arrive and put in order once the manifest has been seen.

The package: `records` holds what a source hands back (`Gathered`, `SourceError`, `Progress`);
`config` names platforms and parses image configs (`parse_config`); `archive` indexes tarballs
and OCI folders (`Archive`, `index_tar`, `index_folder`); `manifests` turns `manifest.json` or
`index.json` into the images to read (`plans`); `reading` reads them (`read_archive`,
`read_stream`); `engine` talks to the Docker engine (`Engine`, through
`gatherers.docker_engine`); and `entry` holds
`gather`, which picks the right one for REF|FILE|DIR, and `check_platform`. This module
re-exports their public names, so `from deploycheck.gatherers.image_source import ...` keeps
working.
"""

from __future__ import annotations

from deploycheck.gatherers.image_source.archive import Archive, index_folder, index_tar
from deploycheck.gatherers.image_source.config import (
    host_platform_name,
    layer_commands,
    normalize_platform,
    parse_config,
    platform_matches,
)
from deploycheck.gatherers.image_source.engine import Engine
from deploycheck.gatherers.image_source.entry import check_platform, gather, iter_images
from deploycheck.gatherers.image_source.manifests import plans
from deploycheck.gatherers.image_source.reading import compressed, read_archive, read_stream
from deploycheck.gatherers.image_source.records import Gathered, Progress, SourceError

__all__ = [
    "Archive",
    "Engine",
    "Gathered",
    "Progress",
    "SourceError",
    "check_platform",
    "compressed",
    "gather",
    "host_platform_name",
    "index_folder",
    "index_tar",
    "iter_images",
    "layer_commands",
    "normalize_platform",
    "parse_config",
    "plans",
    "platform_matches",
    "read_archive",
    "read_stream",
]
