from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import K8sCluster
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_ports import app_ports


class K8sTargetPortNotServed(Rule[Project]):
    """A Service sends traffic to a targetPort the app in the selected pods does not listen on.

    ## Why
    A Service forwards each connection to `targetPort` on a selected pod. `containerPort` is
    informational: what counts is the port the process really listens on. When `targetPort`
    (a number, or a name resolved through the container's `ports`) differs from the app's
    port, the Service has endpoints but every connection is refused: `curl: (7) Failed to
    connect ... Connection refused` inside the cluster, `502`/`503` from the Ingress (P9;
    rhobs/troubleshooting-scenarios#46). The app's port is read from its source or server
    command with the container's `env` and `args` applied; the rule is quiet when it is unknown
    or when another container of the pod may serve the port.

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
              image: registry.example.com/api:1.0
              args: ["--port", "8080"]
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: api
    spec:
      selector: {app: api}
      ports:
        - port: 80
          targetPort: 8000
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    ENTRYPOINT ["uvicorn", "main:app", "--host", "0.0.0.0"]
    ```

    ```requirements.txt
    fastapi
    uvicorn
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
              image: registry.example.com/api:1.0
              args: ["--port", "8080"]
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

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    ENTRYPOINT ["uvicorn", "main:app", "--host", "0.0.0.0"]
    ```

    ```requirements.txt
    fastapi
    uvicorn
    ```

    ## Fix
    Set `targetPort` to the port the app listens on, or better, name the container port
    (`ports: [{name: http, containerPort: 8080}]`) and use `targetPort: http`, with the app's
    port set from the same value.
    """

    code = "DC703"
    name = "k8s-target-port-not-served"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = Project
    fix = "set targetPort to the port the app listens on (or name the containerPort and use the name)"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        clusters = model.of(K8sCluster)
        if not clusters:
            return
        cluster = clusters[0]
        for dep in model.of(Deployment):
            workload, container = dep.workload, dep.container
            if workload is None or container is None or workload.partial:
                continue
            services = cluster.services_selecting(workload)
            if not services:
                continue
            ports = app_ports(dep)
            if ports is None:
                continue
            single = len(workload.running_containers()) == 1
            for service in services:
                for sp in service.ports:
                    if sp.protocol.upper() != "TCP" or sp.target_port is None:
                        continue
                    how = ""
                    if isinstance(sp.target_port, str):
                        owner = workload.container_port_named(sp.target_port)
                        if owner is None or owner[0] is not container or owner[1].container_port is None:
                            continue  # undefined names are DC302's
                        number = owner[1].container_port
                        how = (f" (the name {sp.target_port!r} resolves to containerPort {number} "
                               f"at {Location.at(workload.path, owner[1].pos).short()})")
                    else:
                        number = sp.target_port
                        other = any(number in c.port_numbers() for c in workload.running_containers()
                                    if c is not container)
                        if not single and (other or number not in container.port_numbers()):
                            continue
                    if ports.serves(number):
                        continue
                    where = Location.at(service.path, sp.target_port_pos or sp.pos)
                    related = [*ports.related(f"container {container.name!r} listens on")]
                    related.append(Related(Location.at(workload.path, container.pos),
                                           f"{workload.ref} container {container.name!r}"))
                    yield Violation(
                        f"{service.ref} sends port {sp.port} to targetPort {number}{how} on the pods "
                        f"of {workload.ref}, but container {container.name!r} listens on "
                        f"{ports.describe()}: the Service has endpoints yet every connection is "
                        "refused (`connect: connection refused`, 502/503 from an Ingress)",
                        where,
                        related=tuple(related),
                        fix=f"set `targetPort: {min(ports.ports)}` in {service.ref}, or make the "
                            f"app listen on {number}",
                    )
