# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import size


class NoMemoryLimit(Rule[Container]):
    r"""A running container has no memory limit: one leak can exhaust the whole machine.

    ## Why
    Without `--memory` (compose `mem_limit` or `deploy.resources.limits.memory`), a container
    may use all of the host's memory; a leak or a traffic peak then makes the kernel's OOM
    killer pick a victim on the whole machine — possibly the database next door — instead of
    the culprit, and Go's garbage collector has no limit to aim for (pitfalls R2, R3).

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "0a1b2c3d4e5f", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"Memory": 0}},
     "engine": {"memory": 25276502016},
     "stats": {"memory_stats": {"usage": 52428800, "limit": 25276502016}}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "0a1b2c3d4e5f", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"Memory": 268435456}},
     "stats": {"memory_stats": {"usage": 52428800, "limit": 268435456}}}
    ```

    ## Fix
    Set a memory limit a little above the service's measured peak (`--memory 256m`, compose
    `deploy.resources.limits.memory: 256M`), and for Go set `GOMEMLIMIT` to ~90 % of it.
    """

    code = "CT020"
    name = "container-no-memory-limit"
    category = Category.RESOURCES
    severity = Severity.INFO
    target = Container
    fix = "set a memory limit a little above the measured peak (--memory, compose deploy.resources.limits.memory)"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        if not c.running or c.restarting or c.memory_limit:
            return
        now = f" (it uses {size(c.memory.usage)} now)" if c.memory is not None else ""
        total = f" — {size(c.engine.memory)} on this engine" if c.engine.memory else ""
        yield Violation(
            f"container {c.name} has no memory limit{now}: it may take all of the host's memory{total}, "
            "and then the kernel kills whichever process it picks",
            c.location(), (c.evidence("HostConfig.Memory", 0),))
