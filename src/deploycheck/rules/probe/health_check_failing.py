from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import HealthProbe
from deploycheck.rules.probe._common import at_url, body_hint, related, request_line


class HealthCheckFailing(Rule[HealthProbe]):
    """The health path does not answer with success (2xx or 3xx).

    ## Why
    Kubernetes logs `Readiness probe failed: HTTP probe failed with statuscode: 404` (or
    `Liveness probe failed: Get "http://10.1.2.3:8080/healthz": dial tcp ...: connect:
    connection refused`) and first keeps the pod out of the Service, then restarts it into
    CrashLoopBackOff; Docker marks the container `unhealthy` and a `depends_on:
    condition: service_healthy` never starts the dependents. The path named in the probe or
    healthcheck does not exist in the app (a typo, a router prefix), needs auth, or fails
    because a dependency is down (P13, L5). Kubernetes and curl `-f` count 2xx and 3xx as
    success.

    ## Bad
    ```api.http
    # probe: health
    GET /healthz HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 404 Not Found
    Content-Type: text/plain

    404 page not found
    ```

    ## Good
    ```api.http
    # probe: health
    GET /healthz HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK
    Content-Type: text/plain

    ok
    ```

    ## Fix
    Point the probe at a path the app serves without auth (`r.GET("/healthz", ...)`), or add
    that route; keep liveness free of dependency checks.
    """

    code = "PR060"
    name = "health-check-failing"
    category = Category.HEALTH
    severity = Severity.ERROR
    target = HealthProbe
    fix = ("point the probe at a route the app serves without auth (or add one), cheap and dependency-free "
           "for liveness")

    def check(self, model: HealthProbe, options: NoOptions) -> Iterator[Violation]:
        ex = model.exchange
        if ex.status is not None and ex.status < 400 and ex.failure is None:
            return
        what = ex.status_text()
        yield Violation(
            f"{request_line(ex)} answers {what}{body_hint(ex) if ex.status else ''}: a Kubernetes probe "
            f"or Docker healthcheck on this path fails, so the container is kept out of traffic, marked "
            f"unhealthy or restarted",
            at_url(ex.url),
            related(model.source, f"the health path {model.path} is named here"))
