from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe, FailureKind
from deploycheck.rules.probe._common import connection_finding


class ConnectionReset(Rule[EndpointProbe]):
    """The connection is accepted, then reset or closed before any reply.

    ## Why
    curl says `Recv failure: Connection reset by peer` or `Empty reply from server`; browsers
    show `ERR_CONNECTION_RESET` or `ERR_EMPTY_RESPONSE`. The classic cause is a published
    Docker port in front of an app that listens on 127.0.0.1 *inside* its container (uvicorn's
    and gunicorn's default host, Gin's `r.Run("localhost:8080")`): Docker's proxy accepts the
    connection on the host, cannot reach the app on the container's interface, and drops the
    connection (P1, P4, P5). A server that crashes on every request looks the same.

    ## Bad
    ```api.http
    # error: reset Connection reset by peer (before any reply)
    GET / HTTP/1.1
    Host: 127.0.0.1:8000
    ```

    ## Good
    ```api.http
    GET / HTTP/1.1
    Host: 127.0.0.1:8000

    HTTP/1.1 200 OK
    Content-Type: application/json

    {"status": "ok"}
    ```

    ## Fix
    Make the app listen on all interfaces inside the container: `uvicorn --host 0.0.0.0`,
    `gunicorn -b 0.0.0.0:8000`, `r.Run(":8080")`. Then check its logs for a crash per request.
    """

    code = "PR002"
    name = "connection-reset"
    category = Category.BIND
    severity = Severity.ERROR
    target = EndpointProbe
    fix = ('make the app listen on 0.0.0.0 inside the container (`--host 0.0.0.0`, `r.Run(":8080")`), '
           "then check its logs for a crash per request")

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        for message, location, related in connection_finding(
                model, frozenset({FailureKind.RESET, FailureKind.EMPTY_REPLY}),
                "something accepts the connection but nothing answers: typically a published Docker "
                "port whose app listens on 127.0.0.1 inside the container"):
            yield Violation(message, location, related)
