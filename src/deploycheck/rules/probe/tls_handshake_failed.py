from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe, FailureKind
from deploycheck.rules.probe._common import connection_finding


class TlsHandshakeFailed(Rule[EndpointProbe]):
    """The TLS handshake fails before any certificate is judged.

    ## Why
    curl says `tlsv1 alert protocol version`, `no protocols available` or `sslv3 alert
    handshake failure`; browsers `ERR_SSL_VERSION_OR_CIPHER_MISMATCH`. Client and server share
    no protocol version or cipher suite (a server limited to TLS 1.0, or to ciphers OpenSSL 3
    no longer offers), the server has no certificate for the name asked (SNI), or it needs a
    client certificate. deploycheck offers every version from TLS 1.0 to 1.3 here, so a
    failure means no client at all gets through.

    ## Bad
    ```api.http
    # url: https://127.0.0.1:8443/
    # error: tls-protocol no TLS version or cipher in common (sslv3_alert_handshake_failure)
    GET / HTTP/1.1
    Host: 127.0.0.1:8443
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
    Enable TLS 1.2 and 1.3 with current cipher suites (nginx: `ssl_protocols TLSv1.2 TLSv1.3;`
    and no `ssl_ciphers` override), and make sure a certificate exists for every name served.
    """

    code = "PR007"
    name = "tls-handshake-failed"
    category = Category.TLS
    severity = Severity.ERROR
    target = EndpointProbe
    fix = "enable TLS 1.2 and 1.3 with current cipher suites, and a certificate for every name served"

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        for message, location, related in connection_finding(
                model, frozenset({FailureKind.TLS_PROTOCOL, FailureKind.TLS_OTHER}),
                "no client completes the TLS handshake"):
            yield Violation(message, location, related)
