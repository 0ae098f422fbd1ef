from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe, FailureKind
from deploycheck.rules.probe._common import connection_finding


class HttpsToHttpPort(Rule[EndpointProbe]):
    """A TLS handshake is sent to a port that speaks plain HTTP.

    ## Why
    curl says `SSL routines::wrong version number` (older builds: `SSL_ERROR_SYSCALL` or
    `packet length too long`), browsers `ERR_SSL_PROTOCOL_ERROR`. The server on this port
    answered the ClientHello with plain HTTP: TLS ends elsewhere (at a proxy or load balancer
    in front), or the app was never given a certificate.

    ## Bad
    ```api.http
    # url: https://127.0.0.1:8080/
    # error: https-to-http-port the server did not answer the TLS handshake with TLS (wrong_version_number)
    GET / HTTP/1.1
    Host: 127.0.0.1:8080
    ```

    ## Good
    ```api.http
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK

    ok
    ```

    ## Fix
    Use `http://` for this port, or put TLS in front of it (nginx `listen 443 ssl` with
    `proxy_pass http://app:8080`).
    """

    code = "PR006"
    name = "https-to-http-port"
    category = Category.TLS
    severity = Severity.ERROR
    target = EndpointProbe
    fix = "use http:// for this port, or terminate TLS in front of it (a proxy with `listen 443 ssl`)"

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        for message, location, related in connection_finding(
                model, frozenset({FailureKind.TLS_TO_HTTP_PORT}),
                "the port speaks plain HTTP, so every https:// client fails the handshake"):
            yield Violation(message, location, related)
