from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.python import PyModule
from deploycheck.rules.python._common import at, where


class GunicornWorkersFromCpuCount(Rule[PyModule]):
    """gunicorn's worker count comes from `cpu_count()`: the host's CPUs, not the container's quota.

    ## Why
    `multiprocessing.cpu_count()` and `os.cpu_count()` report the node's cores, not the cgroup
    CPU limit. The usual `cpu_count() * 2 + 1` starts 65 workers in a 1-CPU, 512 MB pod on a
    32-core node: the container is `OOMKilled` at start-up or drowns in `[CRITICAL] WORKER
    TIMEOUT` (pitfall R4; benoitc/gunicorn#2028, tiangolo/uvicorn-gunicorn-docker#43).

    ## Bad
    ```gunicorn.conf.py
    import multiprocessing

    bind = "0.0.0.0:8000"
    workers = multiprocessing.cpu_count() * 2 + 1
    ```

    ## Good
    ```gunicorn.conf.py
    import os

    bind = "0.0.0.0:8000"
    workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
    ```

    ## Fix
    Set the count explicitly, from `WEB_CONCURRENCY` with a small default, sized to the
    container's CPU and memory limits (or computed from the cgroup quota in
    `/sys/fs/cgroup/cpu.max`).
    """

    code = "DC612"
    name = "gunicorn-workers-from-cpu-count"
    category = Category.RESOURCES
    severity = Severity.WARNING
    target = PyModule
    fix = 'set workers = int(os.environ.get("WEB_CONCURRENCY", "2")) sized to the container limits'

    def check(self, model: PyModule, options: NoOptions) -> Iterator[Violation]:
        if model.gunicorn is None:
            return
        for name in ("workers", "threads"):
            setting = model.gunicorn.get(name)
            if setting is None or not setting.from_cpu_count:
                continue
            what = "worker processes" if name == "workers" else "threads per worker"
            yield Violation(
                f"{where(model.path, setting.pos)}: gunicorn {name} are derived from cpu_count(), which "
                "counts the host's CPUs, not the container's CPU limit; on a large node a small container "
                f"starts dozens of {what} and is OOMKilled or times out (`[CRITICAL] WORKER TIMEOUT`)",
                at(model.path, setting.pos),
            )
