from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Position, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import (
    Container,
    K8sCluster,
    ProbeHandler,
    SecurityContext,
    Service,
    Workload,
)

_SYSCTL = "net.ipv4.ip_unprivileged_port_start"


def _restriction(sec: SecurityContext) -> tuple[str, Position | None] | None:
    """Why the container cannot bind privileged ports, and where that is set (None: it can)."""
    if sec.has_capability_added("NET_BIND_SERVICE"):
        return None  # the author thought about it (file capabilities on the binary, ambient caps)
    if sec.run_as_user is not None and sec.run_as_user != 0:
        return f"runs as user {sec.run_as_user} (runAsUser)", sec.run_as_user_pos
    if sec.run_as_user is None and sec.run_as_non_root is True:
        return "must run as a non-root user (runAsNonRoot: true)", sec.run_as_non_root_pos
    dropped = {c.upper().removeprefix("CAP_") for c in sec.capabilities_drop}
    if dropped & {"ALL", "NET_BIND_SERVICE"}:
        return "drops the NET_BIND_SERVICE capability (capabilities.drop)", sec.capabilities_pos
    return None


class PrivilegedPortNonRoot(Rule[K8sCluster]):
    """A container must listen on a port below 1024 but runs without the right to bind it.

    ## Why
    Binding a port below 1024 needs root or the `NET_BIND_SERVICE` capability. A container with
    `runAsNonRoot: true`, a non-zero `runAsUser`, or `capabilities.drop: [ALL]` exits at start:
    `listen tcp :80: bind: permission denied`, or `nginx: [emerg] bind() to 0.0.0.0:80 failed
    (13: Permission denied)` (O7; cfpb/consumerfinance.gov#8776: works in Docker, fails in
    Kubernetes). Docker and containerd 2.x lower `net.ipv4.ip_unprivileged_port_start` to 0 in
    every pod, so the same manifest may work there and crash on containerd 1.x or CRI-O nodes
    (containerd/containerd#9348, kubernetes/kubernetes#102612). The ports checked are declared
    `containerPort`s, probe ports, and numeric `targetPort`s of Services selecting a
    one-container pod.

    ## Bad
    ```k8s/app.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 101
          containers:
            - name: web
              image: web:1.0
              ports: [{containerPort: 80}]
    ```

    ## Good
    ```k8s/app.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 101
          containers:
            - name: web
              image: web:1.0
              ports: [{containerPort: 8080}]
    ```

    ## Fix
    Make the app listen on a port of 1024 or more (8080) and keep port 80 on the Service
    (`port: 80, targetPort: 8080`); or set the pod sysctl `net.ipv4.ip_unprivileged_port_start: "0"`;
    or add the `NET_BIND_SERVICE` capability (which a non-root process only gets with file
    capabilities on its binary).
    """

    code = "DC310"
    name = "privileged-port-non-root"
    category = Category.BIND
    severity = Severity.WARNING
    target = K8sCluster
    fix = "listen on a port >= 1024 and map port 80 to it in the Service (port: 80, targetPort: 8080)"

    def check(self, model: K8sCluster, options: NoOptions) -> Iterator[Violation]:
        for workload in model.workloads:
            if workload.partial:
                continue
            start = next((int(v) for k, v in workload.sysctls if k == _SYSCTL and v.strip().isdigit()), 1024)
            running = workload.running_containers()
            services = model.services_selecting(workload) if len(running) == 1 else ()
            for container in running:
                restriction = _restriction(container.security)
                if restriction is None:
                    continue
                for port, path, pos, what in self._ports(workload, container, services):
                    if not 0 < port < min(start, 1024):
                        continue
                    why, where = restriction
                    alt = 8000 + port if port < 1000 else port + 7000
                    related = [Related(Location.at(workload.path, where or container.pos),
                                       f"container {container.name!r} {why}")]
                    yield Violation(
                        f"container {container.name!r} of {workload.ref} must listen on port {port} "
                        f"({what}) but {why}, and only root or NET_BIND_SERVICE may bind ports below "
                        f"1024: the app exits with `bind: permission denied` on nodes that keep the "
                        "kernel default (containerd 1.x, CRI-O)",
                        Location.at(path, pos),
                        related=tuple(related),
                        fix=f"make the app listen on {alt} and keep {port} outside (Service `port: {port}, "
                            f"targetPort: {alt}`), or set the pod sysctl {_SYSCTL}: \"0\"",
                    )

    @staticmethod
    def _ports(workload: Workload, container: Container,
               services: tuple[Service, ...]) -> Iterator[tuple[int, str, Position, str]]:
        seen: set[int] = set()
        for p in container.ports:
            if p.container_port is not None and p.container_port not in seen:
                seen.add(p.container_port)
                yield p.container_port, workload.path, p.pos, "containerPort"
        for probe in container.probes():
            if (probe.handler is not ProbeHandler.EXEC and isinstance(probe.port, int)
                    and probe.port not in seen):
                seen.add(probe.port)
                yield probe.port, workload.path, probe.port_pos or probe.pos, f"its {probe.field} port"
        for service in services:
            for sp in service.ports:
                if isinstance(sp.target_port, int) and sp.target_port not in seen:
                    seen.add(sp.target_port)
                    yield (sp.target_port, service.path, sp.target_port_pos or sp.pos,
                           f"targetPort of {service.ref}")
