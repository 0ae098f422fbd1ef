from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model import Category, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import size


class MemoryNearLimit(Rule[Container]):
    r"""A running container uses almost all of its memory limit: the next peak gets it OOM-killed.

    ## Why
    When a container's memory (without reclaimable page cache, as `docker stats` counts it)
    reaches its limit, the kernel kills it: exit 137, `OOMKilled: true`, no log line (CT008,
    pitfall R3). A container already at 90 % of its limit is one traffic peak away from that;
    Go programs without `GOMEMLIMIT` and gunicorn with host-sized worker counts get there
    quietly (pitfalls R2, R4).

    ## Bad
    ```worker.container.json
    {"inspect": {"Id": "5e6f7a8b9c0d", "Name": "/worker", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/worker:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"Memory": 268435456}},
     "stats": {"memory_stats": {"usage": 262144000, "limit": 268435456, "max_usage": 268000000,
                                "stats": {"total_inactive_file": 1048576}}}}
    ```

    ## Good
    ```worker.container.json
    {"inspect": {"Id": "5e6f7a8b9c0d", "Name": "/worker", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/worker:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"Memory": 268435456}},
     "stats": {"memory_stats": {"usage": 120000000, "limit": 268435456,
                                "stats": {"total_inactive_file": 1048576}}}}
    ```

    ## Fix
    Raise the limit above the real peak, or lower the peak: `GOMEMLIMIT` at ~90 % of the limit
    for Go, fewer gunicorn workers, bounded caches.
    """

    @dataclass(frozen=True, slots=True)
    class Options:
        percent: int = 90

    code = "CT019"
    name = "memory-near-limit"
    category = Category.RESOURCES
    severity = Severity.WARNING
    target = Container
    fix = "raise the memory limit above the real peak, or lower the peak (GOMEMLIMIT, workers, caches)"

    def check(self, model: Container, options: Options) -> Iterator[Violation]:
        c = model
        mem = c.memory
        if mem is None or not c.running or not c.memory_limit or not mem.limit:
            return
        limit = min(mem.limit, c.memory_limit)
        used = mem.usage / limit * 100
        if used < options.percent:
            return
        yield Violation(
            f"container {c.name} uses {size(mem.usage)} of its {size(limit)} memory limit ({used:.0f} %): "
            "a little more and the kernel's OOM killer ends it (exit 137)",
            c.location(),
            (Related(c.at(), f"memory_stats.usage={mem.usage} (page cache excluded), limit={limit}"),))
