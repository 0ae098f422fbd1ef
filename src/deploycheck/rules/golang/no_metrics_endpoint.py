from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.golang import is_metrics_path
from deploycheck.model.project import Project
from deploycheck.rules.golang._common import at, main_listens, modules, where


class NoMetricsEndpoint(Rule[Project]):
    """The Go HTTP service exposes no `/metrics` endpoint for Prometheus.

    ## Why
    Without a metrics endpoint there are no request rates, latencies or error counts to alert
    on, and a Prometheus scrape configured by convention fails with `server returned HTTP status
    404 Not Found` (pitfall L7; prometheus/prometheus#3538).

    ## Bad
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        r.GET("/healthz", func(c *gin.Context) { c.Status(200) })
        r.Run(":8080")
    }
    ```

    ## Good
    ```main.go
    package main

    import (
        "github.com/gin-gonic/gin"
        "github.com/prometheus/client_golang/prometheus/promhttp"
    )

    func main() {
        r := gin.Default()
        r.GET("/healthz", func(c *gin.Context) { c.Status(200) })
        r.GET("/metrics", gin.WrapH(promhttp.Handler()))
        r.Run(":8080")
    }
    ```

    ## Fix
    Serve `promhttp.Handler()` on `/metrics` (on the main port, or on a separate internal one),
    or use a Gin Prometheus middleware such as ginprom.
    """

    code = "DC514"
    name = "go-no-metrics-endpoint"
    category = Category.OBSERVABILITY
    severity = Severity.INFO
    target = Project
    fix = 'serve Prometheus metrics: `r.GET("/metrics", gin.WrapH(promhttp.Handler()))`'

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for packages in modules(model):
            if not any(p.is_main for p in packages):
                continue
            listens = main_listens(packages)
            routes = [r for p in packages for r in p.routes]
            if not listens or not routes:
                continue
            if any(is_metrics_path(r.route) for r in routes) or any(p.metrics for p in packages):
                continue
            if any(p.imports_path("go.opentelemetry.io/otel/exporters") for p in packages):
                continue  # metrics pushed with OpenTelemetry: no scrape endpoint needed
            first = listens[0]
            yield Violation(
                f"{where(first.path, first.pos)}: this HTTP server has no /metrics endpoint (no promhttp "
                "handler or Prometheus middleware), so it cannot be scraped for request rates, latencies "
                "and errors",
                at(first.path, first.pos),
            )
