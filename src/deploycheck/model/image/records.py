"""The records an image is described by: files, layers, config, and what could not be read.

`FileEntry` is one path of a layer or of the final view (with the permission checks the kernel
makes), `Layer` and `WastedFile` what each layer ships and what later layers hide, `HistoryStep`
and `ImageConfig` the runtime part of the image config (ENTRYPOINT, CMD, ENV with the engine's
default PATH, USER), `AppNeeds` what the deployment files say the app needs, `Resolved` the end
of a path lookup and `ImageProblem` an image that could not be read completely.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Location

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One path of a layer or of the final view. `kind`: file dir symlink hardlink char block
    fifo. `mode` holds the permission bits with setuid/setgid/sticky (07777). `link` is the
    symlink target as written, or a hard link's target as an absolute path. `layer` is the index
    of the layer that wrote it."""

    path: str
    kind: str
    mode: int
    size: int = 0
    link: str = ""
    layer: int = 0
    uid: int = 0
    gid: int = 0

    @property
    def is_dir(self) -> bool:
        return self.kind == "dir"

    @property
    def is_regular(self) -> bool:
        return self.kind in ("file", "hardlink")

    def executable_by(self, uid: int, gid: int) -> bool:
        if uid == 0:
            return bool(self.mode & 0o111)
        if uid == self.uid:
            return bool(self.mode & 0o100)
        if gid == self.gid:
            return bool(self.mode & 0o010)
        return bool(self.mode & 0o001)

    def readable_by(self, uid: int, gid: int) -> bool:
        if uid == 0:
            return True
        if uid == self.uid:
            return bool(self.mode & 0o400)
        if gid == self.gid:
            return bool(self.mode & 0o040)
        return bool(self.mode & 0o004)


@dataclass(frozen=True, slots=True)
class WastedFile:
    """A file a later layer deletes or overwrites: its bytes still ship in its layer."""

    path: str
    layer: int
    size: int
    by_layer: int
    how: str  # "deleted" | "overwritten"


@dataclass(frozen=True, slots=True)
class Layer:
    index: int
    digest: str  # "sha256:..." of the layer as stored (or its diff id), may be ""
    created_by: str = ""
    size: int = 0  # bytes of file content in the layer
    files: int = 0
    wasted: int = 0  # bytes of this layer's files that later layers hide
    compression: str = "none"

    @property
    def short(self) -> str:
        digest = self.digest.partition(":")[2] or self.digest
        return digest[:12] if digest else f"#{self.index + 1}"

    def label(self) -> str:
        step = " ".join(self.created_by.split())
        step = step.removeprefix("/bin/sh -c #(nop) ").removeprefix("/bin/sh -c ")
        if len(step) > 70:
            step = step[:67] + "..."
        return f"layer {self.index + 1} ({step})" if step else f"layer {self.index + 1}"


@dataclass(frozen=True, slots=True)
class HistoryStep:
    created_by: str
    empty_layer: bool = False


@dataclass(frozen=True, slots=True)
class ImageConfig:
    """The runtime part of an image config (`docker inspect` .Config), and its platform."""

    os: str = "linux"
    architecture: str = ""
    variant: str = ""
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    env: tuple[tuple[str, str], ...] = ()
    user: str = ""
    workdir: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    healthcheck: tuple[str, ...] | None = None  # the Test array: ["CMD", ...] / ["CMD-SHELL", "..."]
    exposed_ports: tuple[str, ...] = ()
    history: tuple[HistoryStep, ...] = ()

    @property
    def platform(self) -> str:
        arch = self.architecture or "?"
        return f"{self.os or 'linux'}/{arch}" + (f"/{self.variant}" if self.variant else "")

    def env_get(self, name: str) -> str | None:
        found = None
        for key, value in self.env:
            if key == name:
                found = value
        return found

    @property
    def path_dirs(self) -> tuple[str, ...]:
        value = self.env_get("PATH")
        return tuple(p for p in (DEFAULT_PATH if value is None else value).split(":"))

    @property
    def argv(self) -> tuple[str, ...]:
        """What the runtime executes: ENTRYPOINT followed by CMD."""
        return (self.entrypoint or ()) + (self.cmd or ())


@dataclass(frozen=True, slots=True)
class AppNeeds:
    """What the deployment files (`--project`) say the app in this image needs at run time."""

    deployment: str  # "compose service 'api'"
    location: Location  # where the deployment is defined
    https: tuple[Location, ...] = ()  # where the app makes outbound HTTPS calls
    time_zones: tuple[tuple[str, Location], ...] = ()  # zone ("" when from a variable), where
    files: tuple[tuple[str, str, Location], ...] = ()  # (relative path or glob, call, where)
    embedded: tuple[str, ...] = ()  # go:embed patterns (these need no file in the image)
    command: tuple[str, ...] | None = None  # the deployment's CMD override (compose command, k8s args)
    entrypoint: tuple[str, ...] | None = None  # its ENTRYPOINT override (k8s command)
    command_location: Location | None = None
    command_shell: bool = False
    env: tuple[tuple[str, str | None], ...] = ()  # set by the deployment (value None: opaque)
    env_opaque: bool = False

    def env_value(self, name: str) -> str | None:
        found = None
        for key, value in self.env:
            if key == name:
                found = value
        return found

    def sets_env(self, name: str) -> bool:
        return any(key == name for key, _ in self.env)


@dataclass(frozen=True, slots=True)
class Resolved:
    """The end of a path lookup. `error`: '' (found), 'missing', 'loop', 'notdir'."""

    path: str
    entry: FileEntry | None
    error: str = ""
    via: tuple[str, ...] = ()  # the symlinks followed, as "link -> target"


@dataclass(frozen=True, slots=True)
class ImageProblem:
    """The image could not be read completely, or an entry was refused.

    kind: "unreadable" (malformed, truncated, not an image), "unsafe" (an entry that would
    write outside the image or is otherwise hostile; refused), "limit" (a bound was reached:
    decompressed bytes, member count), "platform" (no image for the requested platform)."""

    image: str
    kind: str
    message: str
    layer: str = ""
    path: str = ""

    def location(self) -> Location:
        extra = [("image", self.image)]
        if self.layer:
            extra.append(("layer", self.layer))
        if self.path:
            extra.append(("path_in_image", self.path))
        return Location(extra=tuple(extra))
