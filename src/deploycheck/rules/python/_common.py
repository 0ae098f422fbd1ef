"""Small helpers the Python rules share (no rules here)."""

from __future__ import annotations

from deploycheck.model import Location, Position
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project


def at(path: str, pos: Position | None) -> Location:
    return Location.at(path, pos)


def where(path: str, pos: Position | None) -> str:
    """`path:line` as messages cite a place."""
    return f"{path}:{pos.line}" if pos is not None else path


def addr(host: str | None, port: int | None) -> str:
    h = host if host is not None else "?"
    if ":" in h:
        h = f"[{h}]"
    return f"{h}:{port if port is not None else '?'}"


def truthy(value: object) -> bool | None:
    """How Python's `if value:` sees a resolved setting value; None when unknown."""
    if isinstance(value, (bool, int, float, str, tuple)) or value is None:
        return bool(value)
    return None


def started_by_server_command(project: Project) -> frozenset[str]:
    """Modules of apps that a deployment starts with a server command line (`uvicorn main:app
    --host 0.0.0.0`, gunicorn ...): their `if __name__ == "__main__": uvicorn.run(...)` blocks
    are for local development and never run in the container."""
    out: set[str] = set()
    for dep in project.of(Deployment):
        if dep.python is None:
            continue
        server = dep.server()
        if server is not None and not server.runs_script:
            out.update(m.path for m in dep.python.modules)
    return frozenset(out)
