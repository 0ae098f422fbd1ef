"""Go build facts of a RUN line: `go build` with the environment and flags it runs with.

`GoBuild` records the CGO_ENABLED, GOOS and GOARCH in effect (with where they were set), the -o
output, build tags and whether -ldflags ask for a static binary; the helpers recognise the `go`
program, look variables up through layers of scope and read the build flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class GoBuild:
    """A `go build` in a RUN, with the build environment in effect for it.

    `cgo` is the CGO_ENABLED value in effect ("0", "1", or None when not set, so Go's default
    applies: on when a C compiler is present). `output` is the -o path made absolute against
    WORKDIR (None without -o). `static_link` is true when -ldflags ask the external linker for a
    static binary.
    """

    text: str
    pos: Position
    cgo: str | None
    cgo_pos: Position | None
    output: str | None
    goos: str | None
    goarch: str | None
    goarch_pos: Position | None = None
    tags: tuple[str, ...] = ()
    static_link: bool = False

    @property
    def cgo_disabled(self) -> bool:
        return self.cgo == "0"


def _lookup(
    layers: tuple[Mapping[str, tuple[str | None, Position | None]], ...], key: str
) -> tuple[str | None, Position | None]:
    for layer in layers:
        if key in layer:
            return layer[key]
    return None, None


def _is_go(words: tuple[str, ...]) -> bool:
    return bool(words) and words[0].rpartition("/")[2] == "go"


def _go_build_flags(args: tuple[str, ...]) -> tuple[str | None, tuple[str, ...], str]:
    output: str | None = None
    tags: list[str] = []
    ldflags = ""
    i = 0
    while i < len(args):
        a = args[i]
        name, eq, value = a.lstrip("-").partition("=")
        if not a.startswith("-"):
            i += 1
            continue
        if not eq and name in ("o", "tags", "ldflags", "gcflags", "mod", "p", "asmflags",
                               "buildmode", "compiler", "gccgoflags", "installsuffix", "pkgdir",
                               "toolexec", "overlay", "pgo", "modfile", "C"):
            value = args[i + 1] if i + 1 < len(args) else ""
            i += 1
        if name == "o":
            output = value
        elif name == "tags":
            tags.extend(t for t in value.replace(",", " ").split() if t)
        elif name == "ldflags":
            ldflags += " " + value
        i += 1
    return output, tuple(tags), ldflags


def _static_ldflags(ldflags: str) -> bool:
    flat = ldflags.replace("'", " ").replace('"', " ")
    return "-extldflags" in flat and "-static" in flat.split("-extldflags", 1)[1]
