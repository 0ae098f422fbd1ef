"""Streaming reader of image layers: tar entries in, facts out; nothing is written to disk.

A layer (a tar archive, maybe gzip-, zstd-, bzip2- or xz-compressed) is read as a stream by a
tar parser of our own, so every bound is ours: header sizes, member counts, decompressed bytes
(compression bombs), and path checks (absolute paths, `..` escapes, device nodes, hard links out
of the tree) — hostile entries are refused and reported, never followed. Of each member we keep
its metadata; of the few files rules inspect we keep facts or bytes: ELF headers (parsed, then
the bytes dropped), the first line of executable scripts, small configuration files, and what
makes a file look like a secret.

`merge` applies the layers in order — whiteouts (`.wh.NAME`) and opaque directories
(`.wh..wh..opq`) included — into the final filesystem view, and counts the bytes later layers
hide. Recorded facts (tests) go through the same `LayerScan` → `merge` path.

The package: `bounds` holds the limits, the image's budget, `ReadError` and the stream protocol;
`decompress` opens a layer blob as a bounded stream of tar bytes (`open_layer`); `tar` is the
streaming tar parser (`TarReader`); `layer` reads one layer into a `LayerScan` (`scan_layer`,
`clean_path`), with `secrets` saying which files look like secrets; `view` is the final
filesystem view with whiteouts and wasted bytes, and `merge` builds the `ImageFacts` from it.
This module re-exports their public names, so `from deploycheck.gatherers.image_reader import ...`
keeps working.
"""

from __future__ import annotations

from deploycheck.gatherers.image_reader.bounds import (
    BLOCK,
    CHUNK,
    Budget,
    Limits,
    Readable,
    ReadError,
    stream_of,
)
from deploycheck.gatherers.image_reader.decompress import open_layer
from deploycheck.gatherers.image_reader.layer import LayerScan, clean_path, scan_layer
from deploycheck.gatherers.image_reader.merge import merge
from deploycheck.gatherers.image_reader.tar import TarMember, TarReader

__all__ = [
    "BLOCK",
    "CHUNK",
    "Budget",
    "LayerScan",
    "Limits",
    "ReadError",
    "Readable",
    "TarMember",
    "TarReader",
    "clean_path",
    "merge",
    "open_layer",
    "scan_layer",
    "stream_of",
]
