from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model import Category, Rule, Severity, Violation
from deploycheck.model.probe import HealthProbe
from deploycheck.rules.probe._common import at_url, related, request_line


class HealthCheckSlow(Rule[HealthProbe]):
    """The health path takes longer than a probe waits (1 s by default).

    ## Why
    Kubernetes' `timeoutSeconds` defaults to 1: a slower answer is a failure (`Readiness probe
    failed: Get "http://...": context deadline exceeded (Client.Timeout exceeded while awaiting
    headers)`), and under load a slow liveness endpoint gets healthy pods restarted (L6). A
    health handler that queries the database or calls other services is the usual cause. The
    threshold is the rule option `max-ms`.

    ## Bad
    ```api.http
    # probe: health
    # elapsed-ms: 2350
    GET /healthz HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK

    ok
    ```

    ## Good
    ```api.http
    # probe: health
    # elapsed-ms: 3
    GET /healthz HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK

    ok
    ```

    ## Fix
    Make liveness answer from memory; move dependency checks to readiness with their own short
    timeouts, or raise the probe's `timeoutSeconds`.
    """

    code = "PR061"
    name = "health-check-slow"
    category = Category.HEALTH
    severity = Severity.WARNING
    target = HealthProbe
    fix = ("answer liveness from memory; give readiness dependency checks short timeouts (or raise "
           "timeoutSeconds)")

    @dataclass(frozen=True, slots=True)
    class Options:
        max_ms: int = 1000

    def check(self, model: HealthProbe, options: Options) -> Iterator[Violation]:
        ex = model.exchange
        if ex.status is None or ex.elapsed_ms <= options.max_ms:
            return
        yield Violation(
            f"{request_line(ex)} took {ex.elapsed_ms:.0f} ms (over {options.max_ms} ms): a Kubernetes probe "
            f"with the default timeoutSeconds: 1 counts it as failed",
            at_url(ex.url),
            related(model.source, f"the health path {model.path} is named here"))
