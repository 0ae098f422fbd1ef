from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.compose import ComposeService
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_image import go_runtime_version
from deploycheck.rules.project._go_limits import Limit, go_apps_under_limit


class GoGomemlimitUnset(Rule[Project]):
    """A Go app runs under a memory limit without GOMEMLIMIT, so its GC does not know the limit.

    ## Why
    The Go garbage collector paces itself by heap growth (GOGC=100: collect when the heap has
    doubled), not by the container's memory limit, which it never reads. Under load the heap
    plus its garbage passes the cgroup limit and the kernel kills the container: `OOMKilled`,
    exit code 137, although the live data would fit (pitfall R2; golang/go#22419,
    cilium/cilium#27958). Since Go 1.19 `GOMEMLIMIT` gives the GC a soft limit to collect
    harder near it.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        mem_limit: 256m
    ```

    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/api .

    FROM gcr.io/distroless/static
    COPY --from=build /out/api /api
    ENTRYPOINT ["/api"]
    ```

    ```go.mod
    module example.com/api

    go 1.22
    ```

    ```main.go
    package main

    import "net/http"

    func main() { http.ListenAndServe(":8080", nil) }
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        mem_limit: 256m
        environment:
          GOMEMLIMIT: 230MiB
    ```

    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/api .

    FROM gcr.io/distroless/static
    COPY --from=build /out/api /api
    ENTRYPOINT ["/api"]
    ```

    ```go.mod
    module example.com/api

    go 1.22
    ```

    ```main.go
    package main

    import "net/http"

    func main() { http.ListenAndServe(":8080", nil) }
    ```

    ## Fix
    Set `GOMEMLIMIT` to about 90% of the memory limit (`GOMEMLIMIT=230MiB` for 256 MiB), or
    import `github.com/KimMachineGun/automemlimit`, which reads the cgroup limit at start.
    """

    code = "DC729"
    name = "go-gomemlimit-unset"
    category = Category.RESOURCES
    severity = Severity.WARNING
    target = Project
    fix = "set GOMEMLIMIT to about 90% of the memory limit, or import github.com/KimMachineGun/automemlimit"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for dep, (text, size, where) in go_apps_under_limit(
                model, "GOMEMLIMIT", "github.com/KimMachineGun/automemlimit",
                ("debug.SetMemoryLimit", "automemlimit"),
                lambda resources: resources.memory_limit, _compose_memory):
            if size > 0:  # a Kubernetes `memory: 0` sets no limit
                violation = self._check(model, dep, text, int(size), where)
                if violation is not None:
                    yield violation

    def _check(self, model: Project, dep: Deployment, text: str, size: int,
               where: Location) -> Violation | None:
        version = go_runtime_version(model, dep)
        if version is not None and version[0][:2] < (1, 19):
            return None  # GOMEMLIMIT arrived in Go 1.19
        soft = f"{max(1, size * 9 // 10 // (1 << 20))}MiB"
        place = ("the container's `env`" if dep.kind == "kubernetes" else "the service's `environment`")
        related: tuple[Related, ...] = ()
        if version is not None:
            related = (Related(version[1], "the Go runtime: its GC paces by heap growth, not by the "
                                           "container's limit"),)
        return Violation(
            f"{dep.label} limits memory to {text}, but the Go app has no GOMEMLIMIT (nor "
            "automemlimit or debug.SetMemoryLimit), so its garbage collector ignores the limit: "
            "under load the heap and its garbage pass it and the container is OOMKilled "
            "(exit code 137)",
            where,
            related,
            fix=f"set GOMEMLIMIT={soft} (about 90% of {text}) in {place}, or import "
                "github.com/KimMachineGun/automemlimit in the main package",
        )


def _compose_memory(service: ComposeService) -> Limit | None:
    res = service.resources
    if not res.memory_limit:
        return None
    where = Location.at(res.path or service.path, res.memory_pos or service.pos)
    return _bytes_text(res.memory_limit), res.memory_limit, where


def _bytes_text(size: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift and size % (1 << shift) == 0:
            return f"{size >> shift}{unit}"
    return f"{size} bytes"
