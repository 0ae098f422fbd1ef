"""The entry point: `gather` decides what REF|FILE|DIR names — an OCI layout folder, a tarball
(indexed, or streamed when compressed or not indexable), or an image of the Docker engine — reads
it with the right reader, and `check_platform` reports an image built for another CPU than the
one wanted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace

from deploycheck.gatherers.image_reader import Budget, Limits, ReadError, open_layer
from deploycheck.gatherers.image_source.archive import index_folder, index_tar
from deploycheck.gatherers.image_source.config import host_platform_name, platform_matches
from deploycheck.gatherers.image_source.engine import Engine
from deploycheck.gatherers.image_source.reading import compressed, read_archive, read_stream
from deploycheck.gatherers.image_source.records import Gathered, Progress, SourceError
from deploycheck.model.image import ImageFacts, ImageProblem

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
    engine = engine or Engine()
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
