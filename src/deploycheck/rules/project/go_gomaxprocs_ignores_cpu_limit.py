from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.compose import ComposeService
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_image import go_runtime_version
from deploycheck.rules.project._go_limits import Limit, go_apps_under_limit


class GoGomaxprocsIgnoresCpuLimit(Rule[Project]):
    """A Go app older than 1.25 runs under a CPU limit without setting GOMAXPROCS.

    ## Why
    Before Go 1.25 the runtime sets GOMAXPROCS to the number of CPUs of the *node*, not the
    container's CPU quota. A pod limited to `500m` on a 32-core node runs 32 threads that use
    up the quota in a few milliseconds and are then throttled for the rest of each 100 ms
    period: latency spikes and CPU throttling alerts with low average CPU (pitfall R1;
    knative/pkg#1583, kumahq/kuma#7982). Go 1.25 reads the cgroup limit, but only for modules
    whose go.mod says `go 1.25` or later.

    ## Bad
    ```k8s/deployment.yaml
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
              image: registry.example.com/api:1.0.0
              resources:
                limits:
                  cpu: 500m
    ```

    ```Dockerfile
    FROM golang:1.23 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/api .

    FROM gcr.io/distroless/static
    COPY --from=build /out/api /api
    ENTRYPOINT ["/api"]
    ```

    ```go.mod
    module example.com/api

    go 1.23
    ```

    ```main.go
    package main

    import "net/http"

    func main() { http.ListenAndServe(":8080", nil) }
    ```

    ## Good
    ```k8s/deployment.yaml
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
              image: registry.example.com/api:1.0.0
              env:
                - name: GOMAXPROCS
                  valueFrom:
                    resourceFieldRef:
                      resource: limits.cpu
              resources:
                limits:
                  cpu: 500m
    ```

    ```Dockerfile
    FROM golang:1.23 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/api .

    FROM gcr.io/distroless/static
    COPY --from=build /out/api /api
    ENTRYPOINT ["/api"]
    ```

    ```go.mod
    module example.com/api

    go 1.23
    ```

    ```main.go
    package main

    import "net/http"

    func main() { http.ListenAndServe(":8080", nil) }
    ```

    ## Fix
    Set `GOMAXPROCS` from the limit (Kubernetes: `valueFrom.resourceFieldRef.resource:
    limits.cpu`, which rounds up to whole CPUs), add `import _ "go.uber.org/automaxprocs"`, or
    move to Go 1.25 (`go 1.25` in go.mod), whose runtime follows the limit itself.
    """

    code = "DC728"
    name = "go-gomaxprocs-ignores-cpu-limit"
    category = Category.RESOURCES
    severity = Severity.WARNING
    target = Project
    fix = 'set GOMAXPROCS from the CPU limit, import _ "go.uber.org/automaxprocs", or build with go 1.25+'

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for dep, (text, _, where) in go_apps_under_limit(
                model, "GOMAXPROCS", "go.uber.org/automaxprocs",
                ("runtime.GOMAXPROCS", "maxprocs.Set", "automaxprocs"),
                lambda resources: resources.cpu_limit, _compose_cpus):
            violation = self._check(model, dep, text, where)
            if violation is not None:
                yield violation

    def _check(self, model: Project, dep: Deployment, text: str, where: Location) -> Violation | None:
        version = go_runtime_version(model, dep)
        if version is None or version[0][:2] >= (1, 25):
            return None
        numbers, source = version
        shown = ".".join(str(n) for n in numbers)
        fix = ("add `env: [{name: GOMAXPROCS, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}]` "
               "to the container" if dep.kind == "kubernetes" else
               f"set `GOMAXPROCS: \"{_procs(text)}\"` in the service's environment")
        return Violation(
            f"{dep.label} limits the Go app to {text} CPU, but it is built for Go {shown} "
            f"({source.short()}), whose runtime ignores the container's CPU quota: GOMAXPROCS "
            "becomes the node's CPU count, the threads exhaust the quota early in every period "
            "and are throttled, so latency spikes under load",
            where,
            (Related(source, f"Go {shown}: GOMAXPROCS does not follow cgroup limits before 1.25"),),
            fix=f"{fix}, or import _ \"go.uber.org/automaxprocs\" in the main package, or move to go 1.25",
        )


def _compose_cpus(service: ComposeService) -> Limit | None:
    cpus = service.resources.cpus_limit
    if not cpus:
        return None
    return f"{cpus:g}", cpus, Location.at(service.path, service.pos)


def _procs(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return "1"
    return str(max(1, int(value + 0.999)))
