from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.compose import ComposeProject


class NoMemoryLimit(Rule[ComposeProject]):
    """A service runs without a memory limit.

    ## Why
    Without `deploy.resources.limits.memory` (or the older `mem_limit`), a container may use all
    of the host's memory. A leak, a burst of requests or too many workers (gunicorn's
    `2 * cores + 1` computed from the *host's* cores) then pushes the whole host into the kernel
    OOM killer, which may kill the database or the Docker daemon's neighbours rather than the
    culprit (R3, R4). With a limit, only the offending container is killed (`OOMKilled`, exit
    code 137) and restarted, and the Go runtime (`GOMEMLIMIT`) or the worker count can be sized
    to it.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        deploy:
          resources:
            limits:
              memory: 512m
    ```

    ## Fix
    Add `deploy.resources.limits.memory` (for example `512m`) sized from the service's observed
    peak plus headroom.
    """

    code = "DC210"
    name = "no-memory-limit"
    category = Category.RESOURCES
    severity = Severity.INFO
    target = ComposeProject
    fix = "set `deploy: {resources: {limits: {memory: 512m}}}` sized to the service's peak use"

    def check(self, model: ComposeProject, options: NoOptions) -> Iterator[Violation]:
        for svc in model.services:
            if svc.memory_limit is not None or not model.owns(svc.path):
                continue
            yield Violation(
                f"service `{svc.name}` has no memory limit, so a leak or a load spike can use all of "
                "the host's memory and the kernel OOM killer may kill other services instead",
                Location.at(svc.path, svc.pos),
                fix=f"add `deploy: {{resources: {{limits: {{memory: 512m}}}}}}` to `{svc.name}`, "
                    "sized to its peak use",
            )
