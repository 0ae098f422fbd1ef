from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import K8sCluster, ProbeHandler
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_ports import app_ports

_SYSCTL = "net.ipv4.ip_unprivileged_port_start"


class PrivilegedPortAsNonRoot(Rule[Project]):
    """The app listens on a port below 1024 in a Kubernetes container that runs as non-root.

    ## Why
    Binding a port below 1024 needs root or the `NET_BIND_SERVICE` capability. When the image's
    `USER` is not root, or the pod sets `runAsNonRoot`/a non-zero `runAsUser` (or drops the
    capability), an app that listens on :80 exits at once with `listen tcp :80: bind:
    permission denied` (Go), `[Errno 13] Permission denied` (uvicorn/gunicorn), and the pod
    goes into CrashLoopBackOff (O7; cfpb/consumerfinance.gov#8776: works in Docker, fails in
    Kubernetes). Docker 20.10+ and containerd 2.x lower `net.ipv4.ip_unprivileged_port_start`
    to 0 inside containers, so compose and some clusters accept it; containerd 1.x and CRI-O
    nodes do not, which is why only Kubernetes containers are checked. The port is the app's
    real one (from its source or server command); DC310 reports the same restriction for
    declared `containerPort`s and is not repeated.

    ## Bad
    ```k8s/web.yaml
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
          containers:
            - name: web
              image: registry.example.com/web:1.0
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt && useradd -u 10001 app
    USER app
    CMD ["gunicorn", "-b", "0.0.0.0:80", "app:app"]
    ```

    ## Good
    ```k8s/web.yaml
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
          containers:
            - name: web
              image: registry.example.com/web:1.0
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt && useradd -u 10001 app
    USER app
    CMD ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]
    ```

    ## Fix
    Listen on a port of 1024 or more (8080) and let the Service map 80 to it (`port: 80,
    targetPort: 8080`); or set the pod sysctl `net.ipv4.ip_unprivileged_port_start: "0"`.
    """

    code = "DC710"
    name = "privileged-port-as-non-root"
    category = Category.BIND
    severity = Severity.WARNING
    target = Project
    fix = "listen on a port >= 1024 (8080) and map the Service's port 80 to it"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        clusters = model.of(K8sCluster)
        cluster = clusters[0] if clusters else None
        for dep in model.of(Deployment):
            container, workload = dep.container, dep.workload
            if container is None or workload is None or workload.partial or workload.host_network:
                continue
            start = next((int(v) for k, v in workload.sysctls if k == _SYSCTL and v.strip().isdigit()),
                         1024)
            sec = container.security
            if sec.has_capability_added("NET_BIND_SERVICE"):
                continue
            restriction = _restriction(dep)
            if restriction is None:
                continue
            why, where, from_pod_spec = restriction
            ports = app_ports(dep)
            if ports is None:
                continue
            declared = _dc310_ports(dep, cluster) if from_pod_spec else set()
            for lst in ports.listens:
                port = lst.port
                if port is None or not 0 < port < min(start, 1024) or port in declared:
                    continue
                alt = 8000 + port if port < 1000 else port + 7000
                yield Violation(
                    f"the app of {dep.label} ({workload.ref}) listens on {lst.text()} ({lst.origin}), "
                    f"a port below 1024, but the container {why}: only root or NET_BIND_SERVICE may "
                    f"bind it, so the app exits with `bind: permission denied` and the pod "
                    "crash-loops on nodes that keep the kernel default (containerd 1.x, CRI-O)",
                    lst.location,
                    related=(Related(where, f"the container {why}"),
                             Related(Location.at(workload.path, container.pos),
                                     f"{workload.ref} container {container.name!r}")),
                    fix=f"listen on {alt} and map the Service's port {port} to it (targetPort: {alt}), "
                        f"or set the pod sysctl {_SYSCTL}: \"0\"",
                )
                break


def _restriction(dep: Deployment) -> tuple[str, Location, bool] | None:
    """Why the container cannot bind low ports, where that is set, and whether DC310 sees it."""
    container, workload = dep.container, dep.workload
    assert container is not None and workload is not None
    sec = container.security
    if sec.run_as_user is not None:
        if sec.run_as_user == 0:
            return _dropped(dep)
        return (f"runs as user {sec.run_as_user} (runAsUser)",
                Location.at(workload.path, sec.run_as_user_pos or container.pos), True)
    if sec.run_as_non_root is True:
        return ("must run as a non-root user (runAsNonRoot: true)",
                Location.at(workload.path, sec.run_as_non_root_pos or container.pos), True)
    user = dep.stage.user if dep.stage is not None else None
    if user is not None and dep.dockerfile is not None and not user.is_root and "$" not in user.user:
        return (f"runs as the image's USER {user.user} ({dep.dockerfile.path}:{user.pos.line})",
                Location.at(dep.dockerfile.path, user.pos), False)
    return _dropped(dep)


def _dropped(dep: Deployment) -> tuple[str, Location, bool] | None:
    container, workload = dep.container, dep.workload
    assert container is not None and workload is not None
    sec = container.security
    dropped = {c.upper().removeprefix("CAP_") for c in sec.capabilities_drop}
    if dropped & {"ALL", "NET_BIND_SERVICE"}:
        return ("drops the NET_BIND_SERVICE capability (capabilities.drop)",
                Location.at(workload.path, sec.capabilities_pos or container.pos), True)
    return None


def _dc310_ports(dep: Deployment, cluster: K8sCluster | None) -> set[int]:
    """The ports DC310 already reports for this container: containerPorts, probe ports and the
    numeric targetPorts of Services selecting a one-container pod."""
    container, workload = dep.container, dep.workload
    assert container is not None and workload is not None
    out = set(container.port_numbers())
    for probe in container.probes():
        if probe.handler is not ProbeHandler.EXEC and isinstance(probe.port, int):
            out.add(probe.port)
    if cluster is not None and len(workload.running_containers()) == 1:
        for service in cluster.services_selecting(workload):
            out.update(sp.target_port for sp in service.ports if isinstance(sp.target_port, int))
    return out
