from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import K8sCluster


class ServiceNamedTargetPortUndefined(Rule[K8sCluster]):
    """A Service `targetPort` names a port that no container of the selected pods defines.

    ## Why
    A named `targetPort` is looked up in each selected pod's `containers[].ports[].name`. When no
    container has a port of that name, the pod gets no endpoint for this Service port: the
    Service exists and the pods are Ready, yet `kubectl get endpoints` lists nothing for the port
    and clients get `connection refused` or time out (P9; kubernetes/website#26681: the named
    targetPort is the one case where `containerPort` declarations matter).

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
              ports:
                - name: web
                  containerPort: 8080
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: api
    spec:
      selector: {app: api}
      ports:
        - port: 80
          targetPort: http
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
              ports:
                - name: http
                  containerPort: 8080
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: api
    spec:
      selector: {app: api}
      ports:
        - port: 80
          targetPort: http
    ```

    ## Fix
    Name the container port as the Service expects (`ports: [{name: http, containerPort: 8080}]`),
    or set `targetPort` to the number the app listens on.
    """

    code = "DC302"
    name = "service-target-port-name-undefined"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = K8sCluster
    fix = "give the container port that name, or use the numeric port the app listens on"

    def check(self, model: K8sCluster, options: NoOptions) -> Iterator[Violation]:
        for service in model.services:
            selected = [w for w in model.workloads_selected_by(service) if not w.partial]
            if not selected:
                continue
            for port in service.ports:
                target = port.target_port
                if not isinstance(target, str):
                    continue
                if any(w.container_port_named(target) for w in selected):
                    continue
                related = []
                for w in selected:
                    for c in w.running_containers():
                        names = ", ".join(f"{p.name}={p.container_port}" for p in c.ports if p.name)
                        related.append(Related(
                            Location.at(w.path, c.pos),
                            f"container {c.name!r} of {w.ref} names its ports: {names or 'none'}"))
                workloads = ", ".join(f"{w.ref} ({w.where()})" for w in selected)
                yield Violation(
                    f"{service.ref} port {port.port} targets the container port named {target!r}, but no "
                    f"container of {workloads} defines a port with that name, so the Service gets no "
                    "endpoints for it and connections are refused",
                    Location.at(service.path, port.target_port_pos or port.pos),
                    related=tuple(related),
                    fix=f"add `name: {target}` to the containerPort the app listens on, or set targetPort "
                        "to that port's number",
                )
