"""The Dockerfiles init writes for a real Gin app and a real Flask app build and run on the engine,
and the container answers on its health path through a port published on 127.0.0.1.

Base images are made locally and tagged with the names the Dockerfiles use (see realapps.py);
the build uses the legacy builder (the engine here has no BuildKit), so the files are written
with --no-cache-mounts, which test_init_output proves is the default file minus its cache mounts.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from realapps import distroless_static, golang_image, python_image, write_flask_app, write_gin_app

from deploycheck.cli.main import main
from infra.docker import remove_containers, require_engine
from infra.goapps import require_go

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def _docker(*args: str, timeout: float = 900) -> str:
    proc = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, DOCKER_BUILDKIT="0"))
    assert proc.returncode == 0, f"docker {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout.strip()


@pytest.fixture
def names() -> Iterator[list[str]]:
    made: list[str] = []
    yield made
    remove_containers(*[n for n in made if not n.startswith("img:")])
    images = [n[4:] for n in made if n.startswith("img:")]
    if images:
        subprocess.run(["docker", "rmi", "-f", *images], capture_output=True, timeout=120)


def _init(app: Path) -> None:
    assert main(["init", str(app), "--yes", "--no-cache-mounts", "--ci", "none", "-q",
                 "--fail-on", "warning"]) == 0


def _serve(app: Path, port: int, path: str, names: list[str]) -> tuple[dict[str, object], str]:
    tag = f"dctest-init-{app.name}-{uuid.uuid4().hex[:8]}"
    names.append("img:" + tag)
    _docker("build", "-q", "-t", tag, str(app))
    name = tag
    names.append(name)
    _docker("run", "-d", "--name", name, "-p", f"127.0.0.1::{port}", tag)
    host_port = _docker("port", name, f"{port}/tcp").splitlines()[0].rpartition(":")[2]
    url = f"http://127.0.0.1:{host_port}{path}"
    deadline = time.monotonic() + 60
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as resp:
                body = resp.read().decode()
                assert resp.status == 200
                break
        except OSError as exc:
            last = exc
            time.sleep(0.5)
    else:
        logs = subprocess.run(["docker", "logs", name], capture_output=True, text=True).stderr
        raise AssertionError(f"{url} never answered: {last}\n{logs}")
    # Docker's own HEALTHCHECK (the probe binary, or python -c) turns the container healthy.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        state = json.loads(_docker("inspect", "-f", "{{json .State.Health.Status}}", name))
        if state == "healthy":
            break
        time.sleep(2)
    assert state == "healthy"
    config = json.loads(_docker("inspect", "-f", "{{json .Config}}", name))
    return config, body


def test_gin_app_with_vendored_modules_builds_and_serves(tmp_path: Path, names: list[str]) -> None:
    require_engine()
    require_go()
    app = write_gin_app(tmp_path / "shop")
    _init(app)
    text = (app / "Dockerfile").read_text()
    assert "FROM golang:1.19 AS build" in text and "-mod=vendor" in text
    assert f"FROM {distroless_static()}" in text
    golang_image("1.19")
    config, body = _serve(app, 8080, "/healthz", names)
    assert body == "ok"
    assert config["User"] == "65532:65532"
    assert "GIN_MODE=release" in config["Env"]  # type: ignore[operator]


def test_flask_app_builds_and_serves_with_gunicorn(tmp_path: Path, names: list[str]) -> None:
    require_engine()
    app = write_flask_app(tmp_path / "notes")
    _init(app)
    text = (app / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in text and '"gunicorn"' in text
    python_image("3.11")
    config, body = _serve(app, 8000, "/healthz", names)
    assert json.loads(body) == {"ok": True}
    assert config["User"] == "10001:10001"
    assert "PYTHONUNBUFFERED=1" in config["Env"]  # type: ignore[operator]
