# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

import math
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container


def looks_like_go(c: Container) -> bool:
    """Gin's variables or log lines, or a Go panic trace in the log."""
    if c.has_env("GIN_MODE") or c.has_env("GOMEMLIMIT") or c.has_env("GOGC"):
        return True
    return any(line.text.startswith(("[GIN", "goroutine ")) for line in c.logs[-200:])


class GomaxprocsAboveCpuLimit(Rule[Container]):
    r"""A Go container's GOMAXPROCS exceeds its CPU limit: the scheduler overruns the quota and gets throttled.

    ## Why
    Before Go 1.25 the runtime sets GOMAXPROCS to the number of CPUs of the *machine*, not the
    container's CPU quota (`--cpus 2` on a 32-core host gives 32 threads of Go work sharing 2
    CPUs' worth of quota): the CFS scheduler throttles the container every 100 ms period and
    latency spikes (pitfall R1; knative/pkg#1583). A `GOMAXPROCS` variable set above the limit
    does the same on any Go version.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "6a7b8c9d0e1f", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4", "Env": ["GIN_MODE=release", "GOMAXPROCS=16"]},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"NanoCpus": 2000000000}},
     "engine": {"cpus": 16}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "6a7b8c9d0e1f", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4", "Env": ["GIN_MODE=release", "GOMAXPROCS=2"]},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"NanoCpus": 2000000000}},
     "engine": {"cpus": 16}}
    ```

    ## Fix
    Set `GOMAXPROCS` to the CPU limit (rounded up), import `go.uber.org/automaxprocs`, or build
    with Go 1.25 or later, whose runtime reads the cgroup quota.
    """

    code = "CT021"
    name = "gomaxprocs-above-cpu-limit"
    category = Category.RESOURCES
    severity = Severity.WARNING
    target = Container
    fix = "set GOMAXPROCS to the CPU limit, import go.uber.org/automaxprocs, or build with Go >= 1.25"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        limit = c.cpu_limit
        if not c.running or limit <= 0:
            return
        allowed = max(1, math.ceil(limit))
        value = c.env_value("GOMAXPROCS")
        evidence = (Related(c.at(), f"CPU limit {limit:g} (HostConfig.NanoCpus/CpuQuota/CpusetCpus)"),)
        if value is not None and value.strip().isdigit():
            procs = int(value)
            if procs > allowed:
                yield Violation(
                    f"container {c.name} runs with GOMAXPROCS={procs} but may use {limit:g} CPUs: up to {procs} "
                    "threads of Go work compete for the quota, and the kernel throttles the container every "
                    "scheduling period",
                    c.location(), (*evidence, Related(c.at(), f"Config.Env GOMAXPROCS={procs}")),
                    fix=f"set GOMAXPROCS={allowed}")
            return
        if value is None and c.engine.cpus > allowed and looks_like_go(c):
            yield Violation(
                f"container {c.name} runs a Go program limited to {limit:g} CPUs on a {c.engine.cpus}-CPU "
                f"engine without GOMAXPROCS: before Go 1.25 the runtime uses {c.engine.cpus} threads "
                "for Go code and gets throttled",
                c.location(), evidence, fix=f"set GOMAXPROCS={allowed} (or use automaxprocs, or Go >= 1.25)")
