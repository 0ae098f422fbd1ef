from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import Workload


class ProbePortNameUndefined(Rule[Workload]):
    """A probe uses a port name that its container does not define.

    ## Why
    The kubelet resolves a probe's named `port` against the ports of the same container only. If
    no port has that name, the probe cannot run: the events show `Readiness probe errored` /
    `Liveness probe errored` and the kubelet counts each attempt as a failure, so the pod never
    becomes Ready, or its container is restarted into CrashLoopBackOff (P13; helm/charts#12409).

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
              ports: [{name: web, containerPort: 8080}]
              readinessProbe:
                httpGet: {path: /healthz, port: http}
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
              ports: [{name: http, containerPort: 8080}]
              readinessProbe:
                httpGet: {path: /healthz, port: http}
    ```

    ## Fix
    Use a port name from the same container's `ports`, or the port number the app listens on.
    """

    code = "DC305"
    name = "probe-port-name-undefined"
    category = Category.HEALTH
    severity = Severity.ERROR
    target = Workload
    fix = "use a port name defined in the container's ports, or the numeric port the app listens on"

    def check(self, model: Workload, options: NoOptions) -> Iterator[Violation]:
        if model.partial:
            return
        for container in model.all_containers():
            for probe in container.probes():
                if not isinstance(probe.port, str) or container.port_named(probe.port):
                    continue
                names = ", ".join(f"{p.name} ({p.container_port})" for p in container.ports if p.name)
                consequence = ("the pod never becomes Ready and gets no traffic"
                               if probe.field == "readinessProbe"
                               else "the kubelet restarts the container over and over (CrashLoopBackOff)"
                               if probe.field == "livenessProbe"
                               else "the container never finishes starting and is restarted")
                defined = f"only the port names {names}" if names else "no named ports"
                yield Violation(
                    f"{probe.field} of container {container.name!r} in {model.ref} uses port {probe.port!r}, "
                    f"but the container defines {defined}; "
                    f"the probe errors on every attempt, so {consequence}",
                    Location.at(model.path, probe.port_pos or probe.pos),
                    related=tuple(Related(Location.at(model.path, p.pos),
                                          f"port {p.name!r} = {p.container_port}")
                                  for p in container.ports if p.name),
                    fix=(f"name the container port `{probe.port}`, or probe a defined name ("
                         + ", ".join(p.name for p in container.ports if p.name) + ")"
                         if names else f"add `name: {probe.port}` to the containerPort the app listens on, "
                         "or use the port number"),
                )
