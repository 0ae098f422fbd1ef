from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import TlsProbe, TrustKind
from deploycheck.rules.probe._common import at_url, related, skipped_note


class CertificateHostnameMismatch(Rule[TlsProbe]):
    """The certificate does not name the host the URL uses.

    ## Why
    Browsers show `NET::ERR_CERT_COMMON_NAME_INVALID`, curl `SSL: no alternative certificate
    subject name matches target host name 'api.example.com'`, Go `x509: certificate is valid
    for www.example.com, not api.example.com`. The server sent the certificate of another
    site (its default server, when no `server_name` matched the SNI name), the certificate was
    issued without this name, or a wildcard `*.example.com` is expected to cover
    `example.com` or `a.b.example.com` (it covers neither). Browsers read only the Subject
    Alternative Names, not the common name.

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://api.example.com/", "host": "api.example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.3", "accepted": true}],
      "certificates": [{"subject": "CN=www.example.com", "issuer": "CN=R11,O=Let's Encrypt,C=US",
        "not_before": "2025-05-20T00:00:00+00:00", "not_after": "2025-08-18T00:00:00+00:00",
        "common_name": "www.example.com", "sans": ["DNS:www.example.com", "DNS:example.com"],
        "key_type": "EC", "key_bits": 256}],
      "trust": {"kind": "hostname-mismatch", "code": 62,
                "detail": "Hostname mismatch, certificate is not valid for 'api.example.com'."}}}
    ```

    ## Good
    ```site.probe.json
    {"TlsProbe": {"url": "https://api.example.com/", "host": "api.example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.3", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=R11,O=Let's Encrypt,C=US",
        "not_before": "2025-05-20T00:00:00+00:00", "not_after": "2025-08-18T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com", "DNS:*.example.com"],
        "key_type": "EC", "key_bits": 256}],
      "trust": {"kind": "ok"}}}
    ```

    ## Fix
    Issue the certificate for every name clients use (`certbot -d example.com -d
    api.example.com`), and give each name a server block (`server_name`) with that certificate.
    """

    code = "PR016"
    name = "certificate-hostname-mismatch"
    category = Category.TLS
    severity = Severity.ERROR
    target = TlsProbe
    fix = "issue the certificate for every name clients use, and serve it in that name's server block"

    def check(self, model: TlsProbe, options: NoOptions) -> Iterator[Violation]:
        leaf = model.leaf
        if model.failure is not None or leaf is None or leaf.matches_host(model.host):
            return
        names = ", ".join(n.split(":", 1)[1] for n in leaf.sans) or f"CN={leaf.common_name}"
        note = skipped_note(model) if model.trust.kind is TrustKind.HOSTNAME else ""
        yield Violation(
            f"{model.host}:{model.port}: the certificate is for {names}, not {model.host}: browsers show "
            f"NET::ERR_CERT_COMMON_NAME_INVALID and curl 'no alternative certificate subject name "
            f"matches target host name'{note}",
            at_url(model.url, certificate="leaf", field="subjectAltName"),
            related(model.source, f"{model.url} comes from here"))
