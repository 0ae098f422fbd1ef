from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import MetricsProbe
from deploycheck.rules.probe._common import at_url, related, request_line


class MetricsEndpointMissing(Rule[MetricsProbe]):
    """The metrics path does not answer 2xx.

    ## Why
    Prometheus marks the target DOWN with `server returned HTTP status 404 Not Found` (L7;
    prometheus/prometheus#3538): no metrics, no alerts. The handler is not mounted
    (`promhttp.Handler()`, `make_asgi_app()`), lives on another port, or sits behind auth or a
    router prefix.

    ## Bad
    ```api.http
    # probe: metrics
    GET /metrics HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 404 Not Found

    404 page not found
    ```

    ## Good
    ```api.http
    # probe: metrics
    GET /metrics HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK
    Content-Type: text/plain; version=0.0.4

    # HELP http_requests_total Requests served.
    # TYPE http_requests_total counter
    http_requests_total{code="200"} 12
    ```

    ## Fix
    Mount the exporter (`r.GET("/metrics", gin.WrapH(promhttp.Handler()))`,
    `app.mount("/metrics", make_asgi_app())`) or point the scrape config at the path and port
    it uses.
    """

    code = "PR062"
    name = "metrics-endpoint-missing"
    category = Category.OBSERVABILITY
    severity = Severity.WARNING
    target = MetricsProbe
    fix = "mount the Prometheus handler on this path, or scrape the path and port it really uses"

    def check(self, model: MetricsProbe, options: NoOptions) -> Iterator[Violation]:
        ex = model.exchange
        if ex.ok:
            return
        yield Violation(
            f"{request_line(ex)} answers {ex.status_text()}: Prometheus marks the target DOWN ('server "
            f"returned HTTP status {ex.status_text()}') and no metric or alert works",
            at_url(ex.url),
            related(model.source, f"the metrics path {model.path} is named here"))
