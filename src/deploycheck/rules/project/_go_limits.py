"""The scan the Go runtime-limit rules (DC728 GOMAXPROCS, DC729 GOMEMLIMIT) share (no rules here).

Both look for a long-running Go app deployed under a container limit that the Go runtime does
not follow by itself, where neither the deployment's environment nor the app tunes the
runtime knob for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from deploycheck.model import Location
from deploycheck.model.compose import ComposeService
from deploycheck.model.kubernetes import Quantity, Resources
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project

Limit = tuple[str, float, Location]
"""A deployment's limit: its text as written or shown (`500m`, `256MiB`), its value
(Kubernetes: millicores or bytes; compose: CPUs or bytes) and where it is set."""


def go_apps_under_limit(
    project: Project,
    env: str,
    library: str,
    calls: tuple[str, ...],
    container: Callable[[Resources], Quantity | None],
    service: Callable[[ComposeService], Limit | None],
) -> Iterator[tuple[Deployment, Limit]]:
    """Deployments of a Go app under a limit that leave the runtime knob `env` alone, with
    that limit: `env` is not in their environment (nor, maybe, in a source we cannot list)
    and the app neither imports `library` nor makes one of the tuning `calls`. The limit is
    the Kubernetes container's `resources.limits` entry that `container` picks (long-running
    workloads only), or what `service` reads from the compose service."""
    for dep in project.of(Deployment):
        go = dep.go
        if go is None or dep.env_opaque or dep.env_setting(env) is not None:
            continue
        if go.imports_path(library) is not None or any(t.what in calls for t in go.tuning):
            continue
        limit = _limit(dep, container, service)
        if limit is not None:
            yield dep, limit


def _limit(dep: Deployment, container: Callable[[Resources], Quantity | None],
           service: Callable[[ComposeService], Limit | None]) -> Limit | None:
    if dep.container is not None and dep.workload is not None:
        if not dep.workload.long_running:
            return None
        q = container(dep.container.resources)
        # A limit of 0 sets no quota (cpu) and no cap (memory): nothing for Go to ignore.
        if q is None or q.value is None or q.value <= 0:
            return None
        return q.text, q.value, Location.at(dep.workload.path, q.pos)
    if dep.service is not None:
        return service(dep.service)
    return None
