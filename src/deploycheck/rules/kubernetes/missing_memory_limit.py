from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.kubernetes import K8sCluster


class MissingMemoryLimit(Rule[K8sCluster]):
    """A container has no memory limit, so one leak or traffic spike can exhaust the node.

    ## Why
    Without `resources.limits.memory` a container may use all of the node's memory. When the
    node runs short, the kernel OOM killer and kubelet eviction pick victims, often pods that did
    nothing wrong (`The node was low on resource: memory`, `OOMKilled`, exit code 137), and
    without a memory request the scheduler packs pods onto nodes that cannot hold them (R3).
    Runtimes that size themselves from the limit (Go's `GOMEMLIMIT`, JVM heaps, gunicorn worker
    counts) also have nothing to go by (R2, R4). The rule is quiet when a LimitRange in the
    manifests gives containers a default memory limit.

    ## Bad
    ```k8s/app.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
            - name: api
              image: api:2.0
              resources:
                requests: {cpu: 100m}
    ```

    ## Good
    ```k8s/app.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
            - name: api
              image: api:2.0
              resources:
                requests: {cpu: 100m, memory: 256Mi}
                limits: {memory: 256Mi}
    ```

    ## Fix
    Set `resources.requests.memory` and `resources.limits.memory` (equal values give the most
    predictable behaviour), sized from observed usage plus headroom.
    """

    code = "DC309"
    name = "missing-memory-limit"
    category = Category.RESOURCES
    severity = Severity.WARNING
    target = K8sCluster
    fix = "set resources.requests.memory and resources.limits.memory (for example both 256Mi)"

    def check(self, model: K8sCluster, options: NoOptions) -> Iterator[Violation]:
        for workload in model.workloads:
            if workload.partial or model.limit_range_sets_memory(workload):
                continue
            for container in workload.running_containers():
                res = container.resources
                if res.memory_limit is not None:
                    continue
                request = (f"only a memory request ({res.memory_request.text})" if res.memory_request
                           else "no memory request or limit")
                yield Violation(
                    f"container {container.name!r} of {workload.ref} has {request}, so it can take all "
                    "of the node's memory; when the node runs short, the OOM killer or kubelet eviction "
                    "ends this pod or its neighbours (`OOMKilled`, exit code 137)",
                    Location.at(workload.path, res.pos or container.pos),
                    fix=(f"add `limits: {{memory: {res.memory_request.text}}}`" if res.memory_request
                         else self.fix),
                )
