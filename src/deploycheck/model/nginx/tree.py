"""The raw tree of one nginx file: `Directive`s with their 1-based positions, and `NginxFile`.

This is what the parser produces, as written in each file, before includes are spliced in and
before any of nginx's inheritance is applied; `NginxFile.context` says at which level a file's
top-level directives are meant to be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model.location import Location, Position


@dataclass(frozen=True, slots=True)
class Directive:
    """One directive: `name args...;` or `name args... { block }`, as written in `path`.

    `block` is None for a simple directive and a tuple (maybe empty) for a block. `arg_pos`
    holds the position of each argument (same length as `args`). Quotes are removed from args.
    """

    name: str
    args: tuple[str, ...]
    pos: Position
    path: str
    block: tuple[Directive, ...] | None = None
    arg_pos: tuple[Position, ...] = ()

    @property
    def is_block(self) -> bool:
        return self.block is not None

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if -len(self.args) <= index < len(self.args) else default

    def arg_location(self, index: int) -> Location:
        if 0 <= index < len(self.arg_pos):
            return Location.at(self.path, self.arg_pos[index])
        return self.location

    def children(self, name: str) -> tuple[Directive, ...]:
        return tuple(d for d in self.block or () if d.name == name)

    def first(self, name: str) -> Directive | None:
        return next((d for d in self.block or () if d.name == name), None)

    def walk(self) -> Iterator[Directive]:
        """This directive and every directive nested in it, in file order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            if node.block:
                stack.extend(reversed(node.block))

    def short(self) -> str:
        """`path:line` for messages."""
        return f"{self.path}:{self.pos.line}"


@dataclass(frozen=True, slots=True)
class NginxFile:
    """One nginx configuration file.

    `context` is the level its top-level directives belong to, judged from what they are:
    "main" (holds `http` or `events`), "http" (holds `server`, `upstream` or `map`, like a
    conf.d file), "server" (holds `location`, `listen` or `server_name`, a snippet included in a
    server) or "any" (settings valid at several levels, like an SSL or headers snippet).
    """

    path: str
    directives: tuple[Directive, ...]
    context: str = "any"

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    def walk(self) -> Iterator[Directive]:
        for top in self.directives:
            yield from top.walk()

    def find(self, name: str) -> Iterator[Directive]:
        """Every directive called `name`, at any depth, in file order."""
        return (d for d in self.walk() if d.name == name)
