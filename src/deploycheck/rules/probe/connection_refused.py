from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe, FailureKind
from deploycheck.rules.probe._common import connection_finding


class ConnectionRefused(Rule[EndpointProbe]):
    """Nothing listens at the URL's host and port: the connection is refused.

    ## Why
    curl says `Failed to connect to 127.0.0.1 port 8080: Connection refused`, browsers show
    `ERR_CONNECTION_REFUSED`, nginx logs `connect() failed (111: Connection refused) while
    connecting to upstream` (P11). The host answered the connection request with a reset: no
    process listens on that port there. The server is not running (crashed at start, still
    starting), listens on another port than the one published (P6), or the port was never
    published (`EXPOSE` alone publishes nothing, P7).

    ## Bad
    ```api.http
    # error: refused 127.0.0.1:8080: Connection refused
    GET / HTTP/1.1
    Host: 127.0.0.1:8080
    ```

    ## Good
    ```api.http
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK
    Content-Type: text/plain

    ok
    ```

    ## Fix
    Start the server (check `docker compose ps` and its logs), and make the published port,
    the container port and the port the app listens on the same number.
    """

    code = "PR001"
    name = "connection-refused"
    category = Category.BIND
    severity = Severity.ERROR
    target = EndpointProbe
    fix = ("start the server, and make the published port, the container port and the port the app "
           "listens on agree (`docker compose ps` shows what is published)")

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        for message, location, related in connection_finding(
                model, frozenset({FailureKind.REFUSED}),
                "nothing listens there: the server is down, listens on another port, or the port "
                "is not published"):
            yield Violation(message, location, related)
