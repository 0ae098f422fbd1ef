from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import ProbeHandler, Workload


class ProbePortNotDeclared(Rule[Workload]):
    """A probe checks a port number that is not among the ports its container declares.

    ## Why
    HTTP, TCP and gRPC probes connect to the pod IP on the given port. When the container
    declares its ports and the probe's port is not one of them, the probe usually points at the
    wrong port: `Liveness probe failed: Get "http://10.1.2.3:8081/healthz": dial tcp
    10.1.2.3:8081: connect: connection refused`, then restarts and CrashLoopBackOff, or a pod
    that never turns Ready (P13; helm/charts#12409, SREGym/SREGym#50). Declaring ports is optional,
    so a separate, undeclared health port works; declare it to make the intent visible. The rule
    stays quiet when the container declares no ports.

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
              livenessProbe:
                httpGet: {path: /healthz, port: 8081}
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
              livenessProbe:
                httpGet: {path: /healthz, port: 8080}
    ```

    ## Fix
    Probe the port the app listens on; if the health endpoint has a port of its own, declare it
    as a `containerPort` (with a name, and probe by name).
    """

    code = "DC306"
    name = "probe-port-not-declared"
    category = Category.HEALTH
    severity = Severity.WARNING
    target = Workload
    fix = "probe the port the app listens on, or declare the probe's port as a containerPort"

    def check(self, model: Workload, options: NoOptions) -> Iterator[Violation]:
        if model.partial:
            return
        for container in model.running_containers():
            declared = container.port_numbers()
            if not declared:
                continue
            for probe in container.probes():
                if probe.handler is ProbeHandler.EXEC or not isinstance(probe.port, int):
                    continue
                if probe.port in declared:
                    continue
                ports = ", ".join(map(str, sorted(declared)))
                yield Violation(
                    f"{probe.field} of container {container.name!r} in {model.ref} connects to port "
                    f"{probe.port}, but the container declares only {ports}; if the app does not listen "
                    f"on {probe.port} the probe fails with `connection refused`"
                    + (" and the pod never becomes Ready" if probe.field == "readinessProbe"
                       else " and the kubelet keeps restarting the container"),
                    Location.at(model.path, probe.port_pos or probe.pos),
                    related=tuple(Related(Location.at(model.path, p.pos), f"containerPort {p.container_port}")
                                  for p in container.ports if p.container_port is not None),
                    fix=(f"probe port {ports}" if len(declared) == 1 else "probe a declared port")
                        + f", or declare containerPort {probe.port} if the app serves health checks there",
                )
