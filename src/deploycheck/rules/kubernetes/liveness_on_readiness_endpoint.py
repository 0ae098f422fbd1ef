from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import ProbeHandler, Workload

# A path segment naming readiness: /ready, /readyz, /readiness, /health/ready, /-/ready.
_READY = re.compile(r"(?:^|/)(?:ready|readyz|readiness)(?:/|$|\?)", re.IGNORECASE)


class LivenessOnReadinessEndpoint(Rule[Workload]):
    """The liveness probe calls a readiness endpoint, so a dependency outage restarts every pod.

    ## Why
    A readiness endpoint (`/ready`, `/readyz`, `/health/ready`) typically fails while the
    database, cache or a downstream API is unreachable: that is what it is for, taking the pod
    out of the Service until things recover. Used as the liveness check, the same failure makes
    the kubelet kill the container (`Liveness probe failed: HTTP probe failed with statuscode:
    503`, then `Container api failed liveness probe, will be restarted`), on every replica at
    once; the restarts cannot fix the dependency and turn a partial outage into a full one with
    CrashLoopBackOff (L6; loculus-project/loculus#3839).

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
              ports: [{containerPort: 8080}]
              readinessProbe:
                httpGet: {path: /readyz, port: 8080}
              livenessProbe:
                httpGet: {path: /readyz, port: 8080}
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
              ports: [{containerPort: 8080}]
              readinessProbe:
                httpGet: {path: /readyz, port: 8080}
              livenessProbe:
                httpGet: {path: /livez, port: 8080}
    ```

    ## Fix
    Give liveness its own cheap endpoint (`/livez`, `/healthz`) that only checks the process
    itself, keep dependency checks in the readiness endpoint, and add a `startupProbe` for slow
    boots.
    """

    code = "DC314"
    name = "liveness-on-readiness-endpoint"
    category = Category.HEALTH
    severity = Severity.WARNING
    target = Workload
    fix = "point livenessProbe at a process-only endpoint such as /livez; keep dependency checks in readiness"

    def check(self, model: Workload, options: NoOptions) -> Iterator[Violation]:
        if model.partial:
            return
        for container in model.running_containers():
            probe = container.liveness_probe
            if probe is None or probe.handler is not ProbeHandler.HTTP or not probe.path:
                continue
            if not _READY.search(probe.path):
                continue
            readiness = container.readiness_probe
            shared = readiness is not None and readiness.same_check(probe)
            related: tuple[Related, ...] = ()
            if shared and readiness is not None:
                related = (Related(Location.at(model.path, readiness.pos), "readinessProbe: the same check"),)
            yield Violation(
                f"livenessProbe of container {container.name!r} in {model.ref} calls the readiness "
                f"endpoint {probe.path}" + (" (the same check as its readinessProbe)" if shared else "")
                + "; when a dependency it checks is down, every replica fails liveness together and the "
                "kubelet restarts them all (CrashLoopBackOff), turning a degraded service into an outage",
                Location.at(model.path, probe.path_pos or probe.pos),
                related=related,
            )
