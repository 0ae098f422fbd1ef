from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe, FailureKind
from deploycheck.rules.probe._common import connection_finding


class HttpToHttpsPort(Rule[EndpointProbe]):
    """Plain HTTP is sent to a port that speaks TLS.

    ## Why
    nginx answers `400 Bad Request — The plain HTTP request was sent to HTTPS port`; a Go TLS
    server answers `Client sent an HTTP request to an HTTPS server.`; others just close the
    connection. The URL (or a proxy's `proxy_pass http://...`, or a health check) uses
    `http://` for a port whose server expects a TLS handshake.

    ## Bad
    ```api.http
    GET / HTTP/1.1
    Host: 127.0.0.1:8443

    HTTP/1.1 400 Bad Request
    Server: nginx
    Content-Type: text/html

    <html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head></html>
    ```

    ## Good
    ```api.http
    # url: https://127.0.0.1:8443/
    GET / HTTP/1.1
    Host: 127.0.0.1:8443

    HTTP/1.1 200 OK

    ok
    ```

    ## Fix
    Use `https://` for this port (in the URL, the proxy's `proxy_pass` or the probe's
    `scheme: HTTPS`), or serve plain HTTP on a port of its own that redirects to HTTPS.
    """

    code = "PR005"
    name = "http-to-https-port"
    category = Category.TLS
    severity = Severity.ERROR
    target = EndpointProbe
    fix = "use https:// for this port, or serve plain HTTP on its own port that redirects to HTTPS"

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        for message, location, related in connection_finding(
                model, frozenset({FailureKind.HTTP_TO_TLS_PORT}),
                "the port expects a TLS handshake, so every http:// client fails here"):
            yield Violation(message, location, related)
