"""go.mod records: `GoMod` (the module path, the `go` and `toolchain` lines with their positions,
and the folder it governs), its `require` lines as `GoRequire` and its `replace` lines as
`GoReplace` (a replacement by a folder must be inside the Docker build context).
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.golang.known import cgo_module_of
from deploycheck.model.location import Location, Position


@dataclass(frozen=True, slots=True)
class GoRequire:
    module: str
    version: str
    indirect: bool
    pos: Position


@dataclass(frozen=True, slots=True)
class GoReplace:
    old: str
    new: str
    new_version: str
    pos: Position

    @property
    def is_local(self) -> bool:
        """A replacement by a folder (`=> ../lib`): it must be inside the Docker build context."""
        return self.new.startswith(("./", "../", "/")) or self.new in (".", "..")


@dataclass(frozen=True, slots=True)
class GoMod:
    path: str
    module: str
    module_pos: Position | None
    go_version: str
    go_pos: Position | None
    toolchain: str
    toolchain_pos: Position | None
    requires: tuple[GoRequire, ...]
    replaces: tuple[GoReplace, ...] = ()

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]

    def require(self, module: str) -> GoRequire | None:
        for req in self.requires:
            if req.module == module:
                return req
        return None

    def cgo_requires(self) -> tuple[GoRequire, ...]:
        return tuple(r for r in self.requires if cgo_module_of(r.module))

    def location(self, pos: Position | None = None) -> Location:
        return Location.at(self.path, pos)
