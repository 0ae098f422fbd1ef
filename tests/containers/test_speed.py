"""Fifty containers diagnosed in one run, each one reported. How long it takes is measured by
bench/containers_bench.py (target: under 10 s), not asserted here."""

from __future__ import annotations

import contextlib
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from containers.scenarios import LABEL, Running, docker
from deploycheck.cli.main import main

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def test_fifty_containers_in_one_run(running: Running) -> None:
    serving = running.containers["loopback"].image
    crashing = running.containers["env"].image
    names = [f"dctest-ct-speed{i}-{running.session}" for i in range(50)]

    def start(index: int) -> None:
        image, extra = (serving, ["-p", "127.0.0.1::8080"]) if index % 2 else (crashing, [])
        docker("run", "-d", "--name", names[index], "--label", f"{LABEL}={running.session}", *extra, image)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(start, range(50)))
    time.sleep(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["containers", *names, "--all", "--format", "json", "--fail-on", "never"])
    assert code == 0
    data = json.loads(out.getvalue())
    diagnosed = {f["location"].get("container") for f in data["findings"]}
    assert diagnosed == set(names)  # every one of them has something to say (exit 1 or no limit)
