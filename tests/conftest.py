"""Shared test helpers."""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)


def pytest_collection_modifyitems(config: object, items: list[object]) -> None:
    """Tests marked `docker` need the engine: checked once, here, so the reason is uniform."""
    import pytest

    from infra.docker import engine_problem

    docker_items = [i for i in items if i.get_closest_marker("docker")]  # type: ignore[attr-defined]
    if not docker_items:
        return
    problem = engine_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs a Docker engine for {len(docker_items)} tests: {problem}")
    skip = pytest.mark.skip(reason=f"needs a Docker engine: {problem}")
    for item in docker_items:
        item.add_marker(skip)  # type: ignore[attr-defined]
