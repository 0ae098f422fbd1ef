from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.kubernetes import K8sCluster

# Ports that serve operators rather than users: a worker that only exposes these is not "serving".
_SIDE_PORTS = frozenset({"metrics", "http-metrics", "prometheus", "prom", "admin", "debug", "pprof",
                         "health", "healthz", "probe", "profiler"})


class MissingReadinessProbe(Rule[K8sCluster]):
    """A long-running workload that serves traffic has no readiness probe.

    ## Why
    Without a readiness probe a pod counts as Ready as soon as its containers start, so Services
    and Ingresses send it requests while the app is still booting, migrating or warming caches,
    and during a rolling update the old pods are removed before the new ones can answer: clients
    see `connection refused`, `502 Bad Gateway` or `503` on every deploy and restart (P13, R7).
    Only workloads that serve (a container declares ports, or a Service selects the pods) are
    checked (ports named only `metrics`, `admin`, `debug` and the like do not count); Jobs,
    CronJobs and one-shot Pods are not.

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
    ```

    ## Fix
    Add a `readinessProbe` to the serving container that succeeds only when the app can answer
    requests (an HTTP health path, or a `tcpSocket` check on the listening port).
    """

    code = "DC307"
    name = "missing-readiness-probe"
    category = Category.HEALTH
    severity = Severity.WARNING
    target = K8sCluster
    fix = "add a readinessProbe on the port the app serves (httpGet on a health path, or tcpSocket)"

    def check(self, model: K8sCluster, options: NoOptions) -> Iterator[Violation]:
        for workload in model.workloads:
            if workload.partial or not workload.long_running:
                continue
            containers = workload.running_containers()
            if any(c.readiness_probe for c in containers):
                continue
            service = next(iter(model.services_selecting(workload)), None)
            serving = [c for c in containers
                       if any((p.name or "").lower() not in _SIDE_PORTS for p in c.ports)]
            if serving:
                container = serving[0]
                why = f"it declares port(s) {', '.join(map(str, sorted(container.port_numbers())))}"
            elif service is not None:
                container = workload.containers[0]
                why = f"{service.ref} at {service.where()} sends it traffic"
            else:
                continue
            yield Violation(
                f"container {container.name!r} of {workload.ref} serves traffic ({why}) but has no "
                "readinessProbe, so the pod receives requests as soon as it starts, before the app can "
                "answer, and every rollout or restart produces refused connections or 502/503 errors",
                Location.at(workload.path, container.pos),
            )
