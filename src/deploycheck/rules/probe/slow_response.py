from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model import Category, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe
from deploycheck.rules.probe._common import at_url, related, request_line


class SlowResponse(Rule[EndpointProbe]):
    """A request to the URL takes longer than 2 s (connection, TLS and reply together).

    ## Why
    Users see a blank page, load balancers and proxies cut the request (nginx
    `proxy_read_timeout` 60 s, AWS ALB idle timeout 60 s, browsers' `fetch` has none), and
    clients with short timeouts retry and add load. On loopback a slow answer points at the app
    itself: a cold start, a blocked worker pool, a slow query. The threshold is the rule option
    `max-ms`.

    ## Bad
    ```site.http
    # elapsed-ms: 4200
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK

    ok
    ```

    ## Good
    ```site.http
    # elapsed-ms: 35
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK

    ok
    ```

    ## Fix
    Find where the time goes (the app's logs and traces, slow queries, worker count) before
    raising client timeouts.
    """

    code = "PR064"
    name = "slow-response"
    category = Category.HEALTH
    severity = Severity.WARNING
    target = EndpointProbe
    fix = "find where the time goes (slow queries, blocked workers, cold starts) before raising timeouts"

    @dataclass(frozen=True, slots=True)
    class Options:
        max_ms: int = 2000

    def check(self, model: EndpointProbe, options: Options) -> Iterator[Violation]:
        for hop in model.hops:
            if hop.status is not None and hop.elapsed_ms > options.max_ms:
                yield Violation(
                    f"{request_line(hop)} took {hop.elapsed_ms:.0f} ms (over {options.max_ms} ms) to answer "
                    f"{hop.status_text()}",
                    at_url(hop.url),
                    related(model.source, f"{model.url} comes from here"))
