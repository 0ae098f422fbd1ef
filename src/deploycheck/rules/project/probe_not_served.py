from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.golang import GoPackage
from deploycheck.model.kubernetes import ProbeHandler, ProbeKind
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_ports import (
    AppPorts,
    RouteTable,
    alone,
    app_ports,
    go_packages_by_module,
    health_url,
    route_table,
)

_K8S_EFFECT = {
    ProbeKind.READINESS: "the pods never become Ready, so no Service sends them traffic and a "
                         "rollout never completes",
    ProbeKind.LIVENESS: "the kubelet kills the container again and again (CrashLoopBackOff)",
    ProbeKind.STARTUP: "the container is killed before it ever starts serving (CrashLoopBackOff)",
}
_ByModule = dict[str, list[GoPackage]]
_DOCKER_EFFECT = ("the container is reported `unhealthy`: dependents waiting with "
                  "`condition: service_healthy` never start and orchestrators restart it")


class ProbeNotServed(Rule[Project]):
    """A health probe or HEALTHCHECK asks a port the app does not listen on, or a path it does not serve.

    ## Why
    A Kubernetes `httpGet`/`tcpSocket` probe, a compose `healthcheck` or a Dockerfile
    `HEALTHCHECK` that calls `curl http://localhost:PORT/path` only succeeds when the app answers
    on that port and path. A wrong port gives `Liveness probe failed: Get
    "http://10.1.2.3:8081/healthz": dial tcp 10.1.2.3:8081: connect: connection refused`; a path
    the app does not route gives `HTTP probe failed with statuscode: 404`. Readiness then never
    passes (no traffic, stuck rollouts), liveness restarts the pod forever (CrashLoopBackOff),
    and a failing HEALTHCHECK leaves the container `unhealthy` (P13; helm/charts#12409,
    SREGym/SREGym#50). Ports come from the app's source or server command with the
    deployment's environment applied; paths are checked only when the app's whole route table
    is known (every Gin route on a known engine or group; every FastAPI/Flask route on the app
    itself or on an APIRouter/Blueprint mounted by `include_router`/`register_blueprint` calls
    we can read, in any module, prefixes added as the framework adds them), with path
    parameters matched as the framework does.

    ## Bad
    ```k8s/api.yaml
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
              ports:
                - name: http
                  containerPort: 8080
              readinessProbe:
                httpGet:
                  path: /health
                  port: http
    ```

    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=build /app /app
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.New()
        r.GET("/healthz", func(c *gin.Context) { c.String(200, "ok") })
        r.Run(":8080")
    }
    ```

    ## Good
    ```k8s/api.yaml
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
              ports:
                - name: http
                  containerPort: 8080
              readinessProbe:
                httpGet:
                  path: /healthz
                  port: http
    ```

    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=build /app /app
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.New()
        r.GET("/healthz", func(c *gin.Context) { c.String(200, "ok") })
        r.Run(":8080")
    }
    ```

    ## Fix
    Probe the port the app listens on (a named `containerPort` keeps them together) and a path
    it serves; keep liveness on a cheap process-local endpoint.
    """

    code = "DC704"
    name = "probe-not-served"
    category = Category.HEALTH
    severity = Severity.ERROR
    target = Project
    fix = "probe the port the app listens on and a path it serves"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        deployments = model.of(Deployment)
        by_module = go_packages_by_module(model)
        for dep in deployments:
            if dep.container is not None:
                yield from self._k8s(dep, by_module)
            elif dep.service is not None:
                yield from self._compose(dep, by_module)
        yield from self._dockerfiles(deployments, by_module)

    def _k8s(self, dep: Deployment, project: _ByModule) -> Iterator[Violation]:
        container, workload = dep.container, dep.workload
        assert container is not None and workload is not None
        if workload.partial:
            return
        ports: AppPorts | None = None
        table: RouteTable | None = None
        computed = False
        for probe in container.probes():
            if probe.handler not in (ProbeHandler.HTTP, ProbeHandler.TCP) or probe.host:
                continue
            if probe.port is None:
                continue
            number: int | None
            how = ""
            if isinstance(probe.port, str):
                named = container.port_named(probe.port)
                number = named.container_port if named is not None else None
                if named is None or number is None:
                    continue  # an undefined name is DC305's
                how = f" (the name {probe.port!r} is containerPort {number} at " \
                      f"{Location.at(workload.path, named.pos).short()})"
            else:
                number = probe.port
            if not computed:
                ports, table, computed = app_ports(dep), route_table(dep, project), True
            if ports is None:
                return
            effect = _K8S_EFFECT[probe.kind]
            kind = "httpGet" if probe.handler is ProbeHandler.HTTP else "tcpSocket"
            if not ports.serves(number):
                scheme = probe.scheme.lower() if probe.handler is ProbeHandler.HTTP else "tcp"
                yield Violation(
                    f"the {probe.field} of container {container.name!r} ({workload.ref}) checks "
                    f"port {number}{how} with {kind}, but the app listens on {ports.describe()}: "
                    f"the probe fails with `dial tcp <pod-ip>:{number}: connect: connection "
                    f"refused` ({scheme}), and {effect}",
                    Location.at(workload.path, probe.port_pos or probe.pos),
                    related=ports.related(),
                    fix=f"probe port {min(ports.ports)} (or name that containerPort and probe the name)",
                )
                continue
            path = probe.path if probe.handler is ProbeHandler.HTTP else None
            if path and table is not None and not table.matches(path):
                yield Violation(
                    f"the {probe.field} of container {container.name!r} ({workload.ref}) requests "
                    f"{path} on port {number}, but the app routes no such path (its GET routes, "
                    f"in {table.where}: {table.sample()}): the probe fails with `HTTP probe failed "
                    f"with statuscode: 404`, and {effect}",
                    Location.at(workload.path, probe.path_pos or probe.pos),
                    related=(Related(ports.main.location, f"the app listens on {ports.main.text()}"),),
                    fix="probe a path the app serves, or add the health route to the app",
                )

    def _compose(self, dep: Deployment, project: _ByModule) -> Iterator[Violation]:
        svc, compose = dep.service, dep.compose
        assert svc is not None and compose is not None
        health = svc.healthcheck
        if health is None or health.disable or not health.test or svc.shares_network_namespace:
            return
        url = health_url(health.test)
        if url is None or not compose.owns(health.path):
            return
        ports = app_ports(dep)
        if ports is None:
            return
        where = Location.at(health.path, health.test_pos or health.pos)
        yield from _check_url(url.url, url.port, url.path, ports, route_table(dep, project), where,
                              f"the healthcheck of service `{svc.name}`")

    def _dockerfiles(self, deployments: tuple[Deployment, ...], project: _ByModule) -> Iterator[Violation]:
        groups: dict[tuple[str, int], list[Deployment]] = {}
        for dep in deployments:
            if dep.dockerfile is not None and dep.stage is not None and dep.container is None:
                groups.setdefault((dep.dockerfile.path, dep.stage.index), []).append(dep)
        for (path, _), deps in groups.items():
            stage = deps[0].stage
            assert stage is not None
            hc = stage.healthcheck
            if hc is None or hc.disabled:
                continue
            url = health_url(hc.argv if hc.form.value == "exec" else ("/bin/sh", "-c", hc.raw))
            if url is None:
                continue
            # Compose services with a healthcheck of their own replace the image's.
            runners = [d for d in deps if d.service is None or d.service.healthcheck is None
                       or (not d.service.healthcheck.test and not d.service.healthcheck.disable)]
            views = [alone(deps[0]), *(d for d in runners if d.kind != "docker")]
            found = [app_ports(v) for v in views]
            if any(p is None for p in found):
                continue
            known = [p for p in found if p is not None]
            if any(p.serves(url.port) for p in known) and not all(p.serves(url.port) for p in known):
                continue
            table = route_table(deps[0], project)
            where = Location.at(path, hc.command_pos or hc.pos)
            for violation in _check_url(url.url, url.port, url.path, known[0], table, where,
                                        f"the HEALTHCHECK of {path}"):
                yield violation
                break


def _check_url(url: str, port: int, path: str, ports: AppPorts, table: RouteTable | None,
               where: Location, what: str) -> Iterator[Violation]:
    if not ports.serves(port):
        yield Violation(
            f"{what} fetches {url}, but the app listens on {ports.describe()}: the check fails "
            f"with `curl: (7) Failed to connect to localhost port {port}: Connection refused`, and "
            f"{_DOCKER_EFFECT}",
            where,
            related=ports.related(),
            fix=f"check http://localhost:{min(ports.ports)}{path} instead",
        )
    elif table is not None and path and not table.matches(path):
        yield Violation(
            f"{what} fetches {url}, but the app routes no such path (its GET routes, in "
            f"{table.where}: {table.sample()}): the check fails with `curl: (22) The requested URL "
            f"returned error: 404`, and {_DOCKER_EFFECT}",
            where,
            related=(Related(ports.main.location, f"the app listens on {ports.main.text()}"),),
            fix="check a path the app serves, or add the health route to the app",
        )
