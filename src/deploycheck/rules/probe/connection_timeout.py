from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe, FailureKind
from deploycheck.rules.probe._common import connection_finding


class ConnectionTimeout(Rule[EndpointProbe]):
    """The connection or the reply does not come within the timeout.

    ## Why
    curl says `Connection timed out after 5001 milliseconds` or `Operation timed out ... with 0
    bytes received`; browsers show `ERR_CONNECTION_TIMED_OUT`; a Kubernetes probe reports
    `context deadline exceeded (Client.Timeout exceeded while awaiting headers)`. No answer to
    the connection request means a firewall or security group drops the packets, or the host
    is down; a connection that opens but never answers means the server is stuck (a deadlock,
    every worker busy, a database call without a timeout).

    ## Bad
    ```api.http
    # error: read-timeout no reply within 5 s of sending the request
    GET / HTTP/1.1
    Host: 127.0.0.1:8080
    ```

    ## Good
    ```api.http
    # elapsed-ms: 12
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK

    ok
    ```

    ## Fix
    For a connect timeout, open the port in the firewall or security group; for a reply that
    never comes, look at the server's workers and the calls it waits on (raise `--timeout` only
    when the endpoint is slow by design).
    """

    code = "PR003"
    name = "connection-timeout"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = EndpointProbe
    fix = ("connect timeout: open the port in the firewall or security group; reply timeout: find "
           "what the server waits on (busy workers, calls without a timeout)")

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        for message, location, related in connection_finding(
                model, frozenset({FailureKind.CONNECT_TIMEOUT, FailureKind.READ_TIMEOUT}),
                "clients give up the same way"):
            yield Violation(message, location, related)
