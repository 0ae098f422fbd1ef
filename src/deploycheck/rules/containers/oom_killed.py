from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import explaining_lines, log_evidence, ran_for, size, state_evidence


class OomKilled(Rule[Container]):
    r"""The kernel's OOM killer killed the container at its memory limit (exit 137, OOMKilled).

    ## Why
    `State.OOMKilled: true` with exit code 137 (128 + SIGKILL): the container's cgroup reached
    its memory limit (`--memory`, compose `mem_limit`/`deploy.resources.limits.memory`,
    Kubernetes `limits.memory`) and the kernel killed the process. Nothing is logged by the
    program itself: it gets no chance (pitfall R3; moby/moby#21083). Typical causes: a limit
    below the program's peak, a worker count from the host's CPUs (gunicorn, R4), Go without
    `GOMEMLIMIT` (R2), an unbounded cache. 137 *without* OOMKilled is CT009.

    ## Bad
    ```worker.container.json
    {"inspect": {"Id": "20358407464a", "Name": "/worker", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/worker:1.4"},
      "State": {"Status": "exited", "ExitCode": 137, "OOMKilled": true,
                "StartedAt": "2024-03-02T10:15:09.179Z", "FinishedAt": "2024-03-02T10:15:09.464Z"},
      "HostConfig": {"Memory": 67108864}},
     "logs": ["allocated 16 MiB", "allocated 32 MiB", "allocated 48 MiB"]}
    ```

    ## Good
    ```worker.container.json
    {"inspect": {"Id": "20358407464a", "Name": "/worker", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/worker:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "OOMKilled": false,
                "StartedAt": "2024-03-02T10:15:09.179Z"},
      "HostConfig": {"Memory": 268435456}},
     "stats": {"memory_stats": {"usage": 60000000, "limit": 268435456}}}
    ```

    ## Fix
    Raise the memory limit to the peak the program needs, or lower the peak: fewer workers
    (size them from the limit, not the host), `GOMEMLIMIT` at ~90 % of the limit for Go,
    bounded caches and batches.
    """

    code = "CT008"
    name = "oom-killed"
    category = Category.RESOURCES
    severity = Severity.ERROR
    target = Container
    fix = "raise the memory limit to the program's peak, or lower the peak (workers, GOMEMLIMIT, caches)"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        # The engine may miss the kernel's notification when it races with the exit; its event
        # log then still holds the `oom` event.
        oom_event = next((e for e in c.events or () if e.action == "oom"), None)
        if not c.oom_killed and (oom_event is None or c.exit_code != 137):
            return
        evidence = state_evidence(c, "State.OOMKilled", "State.ExitCode", "HostConfig.Memory")
        if oom_event is not None:
            evidence += (Related(c.at(), f"event {oom_event.time}: oom"),)
        if c.memory_limit:
            where = f"its memory limit of {size(c.memory_limit)}"
        else:
            where = "the machine's memory (the container has no memory limit of its own)"
        peak = ""
        if c.memory is not None and c.memory.max_usage:
            peak = f"; it peaked at {size(c.memory.max_usage)}"
            evidence += (Related(c.at(), f"memory_stats.max_usage={c.memory.max_usage}"),)
        lines = explaining_lines(c, 1)
        yield Violation(
            f"container {c.name} was killed by the kernel's OOM killer when it reached {where} "
            f"{ran_for(c)}{peak}: exit code {c.exit_code} (SIGKILL), and the program could log nothing",
            c.location(), evidence + log_evidence(c, lines),
            fix="raise the memory limit (e.g. `--memory` / `mem_limit`) above the program's peak, or "
                "lower the peak (workers, GOMEMLIMIT=90% of the limit for Go, caches)")
