from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe, FailureKind
from deploycheck.rules.probe._common import connection_finding


class NoHttpResponse(Rule[EndpointProbe]):
    """The host cannot be reached, or what answers is not HTTP.

    ## Why
    curl says `No route to host`, `Network is unreachable` or `Received HTTP/0.9 when not
    allowed`; browsers `ERR_ADDRESS_UNREACHABLE` or `ERR_INVALID_HTTP_RESPONSE`. The address is
    not routed from here, or another protocol listens on the port (a database, Redis, gRPC
    without HTTP/1.1, an SSH server), or the server sends a broken response.

    ## Bad
    ```api.http
    # error: malformed-response not an HTTP/1.x reply: 'SSH-2.0-OpenSSH_9.2p1'
    GET / HTTP/1.1
    Host: 127.0.0.1:2222
    ```

    ## Good
    ```api.http
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK

    ok
    ```

    ## Fix
    Check that the URL names the web server's port (not the database's or SSH's), and that the
    host is routed from where the clients are.
    """

    code = "PR008"
    name = "no-http-response"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = EndpointProbe
    fix = "point the URL at the web server's port, and check the route to the host"

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        for message, location, related in connection_finding(
                model, frozenset({FailureKind.UNREACHABLE, FailureKind.MALFORMED, FailureKind.OTHER}),
                "no HTTP client gets an answer here"):
            yield Violation(message, location, related)
