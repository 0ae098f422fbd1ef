"""Small helpers the Dockerfile rules share (no rules here)."""

from __future__ import annotations

from deploycheck.model import Location, Position, Related
from deploycheck.model.dockerfile import Dockerfile, Stage
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project


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


def set_at_run_time_everywhere(project: Project, dockerfile: Dockerfile, name: str) -> bool:
    """Whether every compose service and Kubernetes container that runs this Dockerfile's image
    sets `name` to a non-empty value itself (so what the Dockerfile lacks never shows)."""
    uses = project.derived(_runs_of).get(id(dockerfile), [])
    if not uses:
        return False
    for dep in uses:
        setting = dep.env_setting(name)
        if setting is None or setting.source == "Dockerfile ENV" or not setting.value:
            return False
    return True


def _runs_of(project: Project) -> dict[int, list[Deployment]]:
    """Compose services and Kubernetes containers by the Dockerfile (its id) they run."""
    out: dict[int, list[Deployment]] = {}
    for dep in project.of(Deployment):
        if dep.dockerfile is not None and dep.kind != "docker":
            out.setdefault(id(dep.dockerfile), []).append(dep)
    return out
