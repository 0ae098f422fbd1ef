"""Small helpers the Go rules share (no rules here)."""

from __future__ import annotations

from collections.abc import Iterable

from deploycheck.model import Location, Position
from deploycheck.model.golang import CorsHandler, GoPackage, ListenCall, MiddlewareUse
from deploycheck.model.project import Project


def at(path: str, pos: Position | None) -> Location:
    return Location.at(path, pos)


def where(path: str, pos: Position) -> str:
    """`main.go:12`, how messages cite a place."""
    return f"{path}:{pos.line}"


def modules(project: Project) -> list[tuple[GoPackage, ...]]:
    """Go packages grouped by the go.mod that holds them (packages outside any module: by folder)."""
    groups: dict[str, list[GoPackage]] = {}
    for pkg in project.of(GoPackage):
        key = pkg.module.path if pkg.module is not None else "dir:" + pkg.directory
        groups.setdefault(key, []).append(pkg)
    return [tuple(g) for g in groups.values()]


def main_listens(packages: Iterable[GoPackage]) -> list[ListenCall]:
    """Listen calls of the group, those of main packages first."""
    pkgs = sorted(packages, key=lambda p: (not p.is_main, p.directory))
    return [call for p in pkgs for call in p.listens]


def used_handlers(project: Project) -> dict[str, list[tuple[CorsHandler, MiddlewareUse]]]:
    """Hand-written CORS handlers installed with `Use(...)` somewhere in the project, by name."""
    uses: dict[str, list[MiddlewareUse]] = {}
    for pkg in project.of(GoPackage):
        for use in pkg.uses:
            uses.setdefault(use.middleware_name, []).append(use)
    out: dict[str, list[tuple[CorsHandler, MiddlewareUse]]] = {}
    for pkg in project.of(GoPackage):
        for handler in pkg.cors_handlers:
            for use in uses.get(handler.name, []) if handler.name else []:
                out.setdefault(handler.name, []).append((handler, use))
    return out


def quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"`{text}`" if len(text) <= limit else f"`{text[: limit - 3]}...`"
