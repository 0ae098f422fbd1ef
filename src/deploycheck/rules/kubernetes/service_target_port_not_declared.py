from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import K8sCluster


class ServiceTargetPortNotDeclared(Rule[K8sCluster]):
    """A Service's numeric `targetPort` is not among the ports its pods' containers declare.

    ## Why
    Traffic goes to `targetPort` (which defaults to `port`) on the pod, whatever the containers
    declare: `containerPort` is informational, so this works when the app really listens on the
    target port (kubernetes/kubernetes#73049). But when the containers declare other ports, the
    usual story is a mismatch: the app listens on 8080 while the Service sends to 80 or 8081, the
    endpoints exist and connections are refused (P9; rhobs/troubleshooting-scenarios#46). The rule
    stays quiet when the containers declare no ports at all.

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
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: api
    spec:
      selector: {app: api}
      ports:
        - port: 80
          targetPort: 8081
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
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: api
    spec:
      selector: {app: api}
      ports:
        - port: 80
          targetPort: 8080
    ```

    ## Fix
    Set `targetPort` to the port the app listens on (and declare it as a `containerPort`), or
    name the container port and target it by name.
    """

    code = "DC303"
    name = "service-target-port-not-declared"
    category = Category.ROUTING
    severity = Severity.WARNING
    target = K8sCluster
    fix = "set targetPort to the port the app listens on, as declared in containerPort"

    def check(self, model: K8sCluster, options: NoOptions) -> Iterator[Violation]:
        for service in model.services:
            selected = [w for w in model.workloads_selected_by(service) if not w.partial]
            if not selected or not all(w.declares_ports() for w in selected):
                continue
            for port in service.ports:
                target = port.target_port
                if not isinstance(target, int) or any(target in w.port_numbers() for w in selected):
                    continue
                declared = sorted({n for w in selected for n in w.port_numbers()})
                related = tuple(
                    Related(Location.at(w.path, p.pos),
                            f"container {c.name!r} of {w.ref} declares containerPort {p.container_port}")
                    for w in selected for c in w.running_containers() for p in c.ports
                    if p.container_port is not None)
                how = (f"targetPort {target}" if port.target_port_explicit
                       else f"port {target} (no targetPort is given, so it defaults to the port)")
                yield Violation(
                    f"{service.ref} sends traffic to {how}, but the containers of "
                    f"{', '.join(w.ref for w in selected)} declare only port(s) "
                    f"{', '.join(map(str, declared))}; unless the app also listens on {target}, "
                    "connections through the Service are refused",
                    Location.at(service.path, port.target_port_pos or port.pos),
                    related=related,
                    fix=(f"set `targetPort: {declared[0]}` if that is where the app listens, or declare "
                         f"containerPort {target} if the app listens there")
                    if len(declared) == 1 else self.fix,
                )
