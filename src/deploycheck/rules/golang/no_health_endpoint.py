from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.golang import is_health_path
from deploycheck.model.project import Project
from deploycheck.rules.golang._common import at, main_listens, modules, where


class NoHealthEndpoint(Rule[Project]):
    """The Go HTTP service has no health endpoint (`/healthz`, `/health`, `/ping`, ...).

    ## Why
    Docker healthchecks, Kubernetes liveness/readiness probes and load balancers need a cheap
    URL that answers 200 when the process can serve. Without one, probes either point at a real
    page (slow, dependency-bound, restart storms) or do not exist, and a hung process keeps
    receiving traffic (pitfalls P13, L6).

    ## Bad
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        r.GET("/api/items", func(c *gin.Context) {})
        r.Run(":8080")
    }
    ```

    ## Good
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        r.GET("/healthz", func(c *gin.Context) { c.Status(200) })
        r.GET("/api/items", func(c *gin.Context) {})
        r.Run(":8080")
    }
    ```

    ## Fix
    Add a route such as `GET /healthz` answering 200 without touching dependencies (and a
    `/readyz` that checks them, if needed), then point the probes at it.
    """

    code = "DC513"
    name = "go-no-health-endpoint"
    category = Category.HEALTH
    severity = Severity.INFO
    target = Project
    fix = 'add `r.GET("/healthz", func(c *gin.Context) { c.Status(http.StatusOK) })` and probe it'

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for packages in modules(model):
            if not any(p.is_main for p in packages):
                continue
            listens = main_listens(packages)
            routes = [r for p in packages for r in p.routes]
            if not listens or not routes:
                continue  # routes we cannot see (generated, other routers): stay quiet
            if any(is_health_path(r.route) for r in routes):
                continue
            first = listens[0]
            yield Violation(
                f"{where(first.path, first.pos)}: this HTTP server registers {len(routes)} route(s) but none "
                "is a health endpoint (/healthz, /health, /ping, ...), so probes and healthchecks have "
                "nothing cheap to call",
                at(first.path, first.pos),
            )
