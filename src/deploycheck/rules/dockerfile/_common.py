"""Small helpers the Dockerfile rules share (no rules here)."""

from __future__ import annotations

from deploycheck.model import Location, Position, Related
from deploycheck.model.dockerfile import Dockerfile, Stage


def short(text: str, limit: int = 60) -> str:
    """Text quoted in backticks, whitespace collapsed, cut at `limit` characters."""
    text = " ".join(text.split())
    return f"`{text}`" if len(text) <= limit else f"`{text[: limit - 3]}...`"


def image_desc(stage: Stage) -> str:
    """`alpine:3.19`, or `alpine:3.19 (through stage base)` when FROM names a stage."""
    if stage.parent is None:
        return stage.root_image
    return f"{stage.root_image} (through stage {stage.parent.label})"


def at(model: Dockerfile, pos: Position | None) -> Location:
    return Location.at(model.path, pos)


def from_line(model: Dockerfile, stage: Stage) -> Related:
    """The FROM line at the bottom of a stage chain, naming the image."""
    return Related(Location.at(model.path, stage.root_image_pos),
                   f"stage {stage.label} starts from {stage.root_image}")
