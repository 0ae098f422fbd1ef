"""Docker Compose: files, services, and projects merged the way `docker compose` merges them.

A `ComposeFile` is one file as written (interpolated with no variables set). `assemble` groups the
files of each folder into `ComposeProject`s — `compose.yaml` plus its `compose.override.yaml`,
and each other `docker-compose.<x>.yml` merged on top of the base (the `-f base -f x` idiom) —
re-reading each file with the folder's `.env` for interpolation and adding `env_file` values.
Rules that reason about a deployment should read `ComposeProject`; every positioned item carries
the `path` of the file it came from.

The file is kept as a small positioned tree (`RawMap`) so the project can be re-read with its
`.env`; `read_compose` turns such a tree into services and is pure.

The code is split by stage: `tree` (the positioned tree), `parts` and `services` (the records),
`images` and `values` (pure helpers), `scalars`, `read_run`, `read_config` and `reader` (a tree
into a `ComposeFile`), `merge` and `projects` (files into `ComposeProject`s). Import from this
package; the modules are an implementation detail.
"""

from deploycheck.model.compose.images import (
    BACKING_PORTS,
    BACKING_SCHEMES,
    backing_kind,
    image_repository,
    image_tag,
    is_official_image,
)
from deploycheck.model.compose.merge import merge_service
from deploycheck.model.compose.parts import (
    Build,
    Command,
    Dependency,
    EnvFileRef,
    EnvVar,
    ExposePort,
    Healthcheck,
    PortMapping,
    Resources,
    VolumeMount,
)
from deploycheck.model.compose.projects import assemble, uses_env
from deploycheck.model.compose.reader import read_compose
from deploycheck.model.compose.services import ComposeFile, ComposeProject, ComposeService
from deploycheck.model.compose.tree import RawMap, RawNode, RawScalar, RawSeq
from deploycheck.model.compose.values import parse_memory, parse_port_spec

__all__ = [
    "BACKING_PORTS",
    "BACKING_SCHEMES",
    "Build",
    "Command",
    "ComposeFile",
    "ComposeProject",
    "ComposeService",
    "Dependency",
    "EnvFileRef",
    "EnvVar",
    "ExposePort",
    "Healthcheck",
    "PortMapping",
    "RawMap",
    "RawNode",
    "RawScalar",
    "RawSeq",
    "Resources",
    "VolumeMount",
    "assemble",
    "backing_kind",
    "image_repository",
    "image_tag",
    "is_official_image",
    "merge_service",
    "parse_memory",
    "parse_port_spec",
    "read_compose",
    "uses_env",
]
