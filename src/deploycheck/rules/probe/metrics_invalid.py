from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import MetricsProbe
from deploycheck.rules.probe._common import at_url, related, request_line


class MetricsInvalid(Rule[MetricsProbe]):
    """The metrics path answers 2xx, but the body is not valid Prometheus exposition format.

    ## Why
    Prometheus fails the whole scrape (`text format parsing error in line 3: expected float as
    value, got "ok"`) and marks the target DOWN. Common causes: a single-page app's fallback
    serves `index.html` for every path, `/metrics` returns JSON from a hand-written handler, or
    a label value is not escaped. deploycheck parses the body with prometheus_client's own text
    parser and names the first line it rejects.

    ## Bad
    ```api.http
    # probe: metrics
    GET /metrics HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK
    Content-Type: text/html

    <!doctype html><html><body><div id="root"></div></body></html>
    ```

    ## Good
    ```api.http
    # probe: metrics
    GET /metrics HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK
    Content-Type: text/plain; version=0.0.4

    # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
    # TYPE process_cpu_seconds_total counter
    process_cpu_seconds_total 0.42
    ```

    ## Fix
    Serve the exporter's handler on this path (and exclude it from the SPA fallback), or fix
    the line the parser rejects.
    """

    code = "PR063"
    name = "metrics-invalid"
    category = Category.OBSERVABILITY
    severity = Severity.ERROR
    target = MetricsProbe
    fix = "serve the Prometheus exporter's handler on this path (not the SPA fallback or a JSON handler)"

    def check(self, model: MetricsProbe, options: NoOptions) -> Iterator[Violation]:
        if not model.error or not model.exchange.ok:
            return
        ex = model.exchange
        line = f" at body line {model.error_line}" if model.error_line else ""
        yield Violation(
            f"{request_line(ex)} answers {ex.status_text()} but the body is not Prometheus text format"
            f"{line}: {model.error}; Prometheus fails the scrape and marks the target DOWN",
            at_url(ex.url, **({"body_line": str(model.error_line)} if model.error_line else {})),
            related(model.source, f"the metrics path {model.path} is named here"))
