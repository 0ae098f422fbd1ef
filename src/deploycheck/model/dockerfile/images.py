"""Base images: parsing a reference and telling, from its name alone, what the image holds.

`ImageRef` splits registry, repository, tag and digest; `classify_image` maps well-known images
(scratch, distroless, alpine, busybox, debian/ubuntu, golang, python, node, nginx) to
`ImageTraits`: libc, shell, CA certificates, tzdata, curl, wget, python, /etc/passwd and the Go
version, with None for "cannot tell" so rules act only on definite answers.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

Libc = Literal["glibc", "musl", "none", "unknown"]


class ImageFamily(enum.Enum):
    SCRATCH = "scratch"
    DISTROLESS_STATIC = "distroless-static"
    DISTROLESS_BASE = "distroless-base"
    DISTROLESS_CC = "distroless-cc"
    DISTROLESS_PYTHON = "distroless-python"
    DISTROLESS_OTHER = "distroless-other"
    ALPINE = "alpine"
    BUSYBOX = "busybox"
    DEBIAN = "debian"  # debian, ubuntu
    GOLANG = "golang"
    PYTHON = "python"
    PYTHON_SLIM = "python-slim"
    NODE = "node"
    NGINX = "nginx"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference. `name` is the repository without registry and `library/`."""

    raw: str
    registry: str
    name: str
    tag: str | None
    digest: str | None

    @property
    def short_name(self) -> str:
        return self.name.rpartition("/")[2]

    @property
    def unpinned(self) -> bool:
        """No tag (or `latest`) and no digest."""
        return self.digest is None and self.tag in (None, "latest")

    @staticmethod
    def parse(raw: str) -> ImageRef:
        rest, _, digest = raw.partition("@")
        first, slash, remainder = rest.partition("/")
        registry = ""
        if slash and ("." in first or ":" in first or first == "localhost"):
            registry, rest = first.lower(), remainder
        tag: str | None = None
        head, sep, last = rest.rpartition("/")
        if ":" in last:
            last, _, tag = last.partition(":")
        name = (head + sep + last).lower()
        if registry in ("", "docker.io", "index.docker.io", "registry-1.docker.io"):
            registry = ""
            name = name.removeprefix("library/")
        return ImageRef(raw, registry, name, tag, digest or None)


@dataclass(frozen=True, slots=True)
class ImageTraits:
    """What an image holds, as far as its name tells. None means "cannot tell": rules only act
    on definite False/True answers."""

    family: ImageFamily
    image: str
    libc: Libc
    has_shell: bool | None
    ca_certificates: bool | None
    tzdata: bool | None
    curl: bool | None
    wget: bool | None
    python: bool | None
    passwd: bool | None
    golang_version: str | None = None
    installed: tuple[str, ...] = ()  # what the stage chain added (packages, copied files)

    @property
    def known(self) -> bool:
        return self.family is not ImageFamily.UNKNOWN

    @property
    def distroless(self) -> bool:
        return self.family.value.startswith("distroless")

    def has_tool(self, name: str) -> bool | None:
        """Whether an executable (by base name) is on PATH, for the tools the traits track;
        None for anything else (it may have been copied in)."""
        tool = name.rpartition("/")[2]
        if tool in self.installed:
            return True
        if tool == "curl":
            return self.curl
        if tool == "wget":
            return self.wget
        if tool == "sh":
            return self.has_shell
        if tool == "bash":
            if self.has_shell is False or self.family in (ImageFamily.ALPINE,
                                                          ImageFamily.BUSYBOX):
                return False
            return True if self.libc == "glibc" and self.known and not self.distroless else None
        if tool == "python" or (tool.startswith("python") and tool[6:].replace(".", "").isdigit()):
            return self.python
        return None

    def with_added(self, what: Iterator[str] | tuple[str, ...]) -> ImageTraits:
        added = tuple(what)
        if not added:
            return self
        names = set(added)
        out = replace(self, installed=tuple(dict.fromkeys(self.installed + added)))
        if names & {"ca-certificates", "ca-certificates-bundle", "/etc/ssl/certs"}:
            out = replace(out, ca_certificates=True)
        if names & {"tzdata", "/usr/share/zoneinfo"}:
            out = replace(out, tzdata=True)
        if "curl" in names:
            out = replace(out, curl=True)
        if "wget" in names:
            out = replace(out, wget=True)
        if names & {"sh", "bash", "busybox", "dash"}:
            out = replace(out, has_shell=True)
        if names & {"python3", "python"}:
            out = replace(out, python=True)
        if "/etc/passwd" in names:
            out = replace(out, passwd=True)
        return out


def classify_image(raw: str) -> ImageTraits:
    """The traits of a base image from its reference (`golang:1.22-alpine`, `gcr.io/distroless/...`)."""
    if raw.strip().lower() == "scratch":
        return ImageTraits(ImageFamily.SCRATCH, "scratch", "none", False, False, False, False,
                           False, False, False)
    ref = ImageRef.parse(raw.strip())
    tag = (ref.tag or "latest").lower()
    name = ref.name
    short = ref.short_name
    unknown = ImageTraits(ImageFamily.UNKNOWN, raw, "unknown", None, None, None, None, None,
                          None, None)
    if "$" in raw:
        return unknown
    if (ref.registry == "gcr.io" and name.startswith("distroless/")) or name.startswith(
        "googlecontainertools/distroless"
    ) or (ref.registry == "cgr.dev" and name == "chainguard/static"):
        debug = "debug" in tag or "dev" in tag.split("-")
        # Debug variants carry busybox at /busybox: say "cannot tell" rather than "no".
        shell: bool | None = None if debug else False
        kind = short.split("-")[0]
        if name == "chainguard/static":
            kind = "static"
        family = {
            "static": ImageFamily.DISTROLESS_STATIC,
            "base": ImageFamily.DISTROLESS_BASE,
            "cc": ImageFamily.DISTROLESS_CC,
        }.get(kind, ImageFamily.DISTROLESS_PYTHON if kind.startswith("python")
              else ImageFamily.DISTROLESS_OTHER)
        libc: Libc = "none" if family is ImageFamily.DISTROLESS_STATIC else "glibc"
        return ImageTraits(family, raw, libc, shell, True, True, False, None if debug else False,
                           family is ImageFamily.DISTROLESS_PYTHON, True)
    if ref.registry not in ("", "public.ecr.aws", "mirror.gcr.io") and not name.startswith(
        "docker/library"
    ):
        return unknown
    alpine = "alpine" in tag
    slim = "slim" in tag
    if short == "alpine" and "/" not in name:
        return ImageTraits(ImageFamily.ALPINE, raw, "musl", True, True, False, False, True,
                           False, True)
    if short == "busybox" and "/" not in name:
        libc = "musl" if "musl" in tag else "glibc" if "glibc" in tag else "unknown"
        return ImageTraits(ImageFamily.BUSYBOX, raw, libc, True, False, False, False, True,
                           False, True)
    if name in ("debian", "ubuntu"):
        return ImageTraits(ImageFamily.DEBIAN, raw, "glibc", True, False, None, False, False,
                           False, True)
    if name == "golang":
        if "windows" in tag or "nanoserver" in tag:
            return unknown
        version = _leading_version(tag)
        if alpine:
            return ImageTraits(ImageFamily.GOLANG, raw, "musl", True, True, None, False, True,
                               False, True, version)
        return ImageTraits(ImageFamily.GOLANG, raw, "glibc", True, True, None, True, True, None,
                           True, version)
    if name == "python":
        if "windows" in tag:
            return unknown
        if alpine:
            return ImageTraits(ImageFamily.PYTHON, raw, "musl", True, True, True, False, True,
                               True, True)
        if slim:
            return ImageTraits(ImageFamily.PYTHON_SLIM, raw, "glibc", True, True, True, False,
                               False, True, True)
        return ImageTraits(ImageFamily.PYTHON, raw, "glibc", True, True, True, True, True, True,
                           True)
    if name == "node":
        if alpine:
            return ImageTraits(ImageFamily.NODE, raw, "musl", True, True, None, False, True,
                               False, True)
        if slim:
            return ImageTraits(ImageFamily.NODE, raw, "glibc", True, True, None, False, False,
                               False, True)
        return ImageTraits(ImageFamily.NODE, raw, "glibc", True, True, None, True, True, True,
                           True)
    if name in ("nginx", "nginxinc/nginx-unprivileged"):
        if alpine:
            return ImageTraits(ImageFamily.NGINX, raw, "musl", True, True, None, None, True,
                               False, True)
        return ImageTraits(ImageFamily.NGINX, raw, "glibc", True, True, None, True, None, False,
                           True)
    return unknown


def _leading_version(tag: str) -> str | None:
    head = tag.split("-")[0]
    parts = head.split(".")
    if parts and all(p.isdigit() for p in parts) and len(parts) >= 2:
        return head
    if head.isdigit():
        return head
    return None
