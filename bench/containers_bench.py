#!/usr/bin/env python3
"""Times `deploycheck containers` on 50 containers of a real Docker engine (target: < 10 s).

Half the containers serve (a static Gin binary built from Debian's packages, published on
127.0.0.1), half exit at once; all are diagnosed in one run (`--all`). Needs the engine, Go and
Gin (scripts/setup.sh --test); removes every container and image it made. Prints JSON;
`measure(tmpdir)` returns the same dict for bench/run.py-style callers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))


def _docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True, timeout=300).stdout


def measure(tmpdir: str | os.PathLike[str], count: int = 50, repeat: int = 3) -> dict[str, Any]:
    from infra.docker import scratch_image
    from infra.goapps import GIN_HELLO, build_go

    tag = f"dcbench-containers/{uuid.uuid4().hex[:8]}:1"
    label = f"dcbench={uuid.uuid4().hex[:8]}"
    binary = build_go(GIN_HELLO)
    scratch_image(tag, {"/app": (binary, 0o755)}, {"ENTRYPOINT": '["/app"]'}, workdir=Path(tmpdir))
    names = [f"dcbench-c{i}-{label.split('=')[1]}" for i in range(count)]

    def start(index: int) -> None:
        extra = ["-p", "127.0.0.1::8080"] if index % 2 else ["-e", "ADDR=bad address"]
        _docker("run", "-d", "--name", names[index], "--label", label, *extra, tag)

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(start, range(count)))
        time.sleep(1)
        runs = []
        findings = 0
        for _ in range(repeat):
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "deploycheck", "containers", *names, "--all", "--format", "json",
                 "--fail-on", "never"], capture_output=True, text=True, timeout=120,
                env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
            runs.append(time.perf_counter() - started)
            if proc.returncode != 0:
                raise RuntimeError(proc.stderr)
            findings = len(json.loads(proc.stdout)["findings"])
        runs.sort()
        return {"containers": count, "runs_s": runs, "median_s": runs[len(runs) // 2],
                "findings": findings, "target_s": 10.0, "target_met": runs[len(runs) // 2] < 10.0,
                "load_average": os.getloadavg()[0]}
    finally:
        subprocess.run(["docker", "rm", "-f", *names], capture_output=True, timeout=300)
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, timeout=120)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="dc-containers-bench-") as tmp:
        print(json.dumps(measure(tmp), indent=2))
