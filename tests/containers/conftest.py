"""The session's real containers (tests marked `docker`), started once and removed by label."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from containers.scenarios import Running, cleanup, start_all


@pytest.fixture(scope="session")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    from infra.docker import require_engine

    require_engine()
    workdir = tmp_path_factory.mktemp("ct-images")
    started: Running | None = None
    try:
        started = start_all(workdir)
        yield started
    finally:
        if started is not None:
            cleanup(started.session, started.images)
