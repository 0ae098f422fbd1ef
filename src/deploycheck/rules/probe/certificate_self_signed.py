from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import TlsProbe, TrustKind
from deploycheck.rules.probe._common import at_url, related, skipped_note


class CertificateSelfSigned(Rule[TlsProbe]):
    """The server's certificate is self-signed.

    ## Why
    Browsers show `NET::ERR_CERT_AUTHORITY_INVALID`, curl `SSL certificate problem:
    self-signed certificate`, Go `x509: certificate signed by unknown authority`, Python
    `CERTIFICATE_VERIFY_FAILED`. A placeholder certificate made at image build time (the
    "snakeoil" certificate, an `openssl req -x509` in the Dockerfile) went to production, or
    the proxy fell back to its default certificate because no server block matched the name.

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.3", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=example.com",
        "not_before": "2025-01-01T00:00:00+00:00", "not_after": "2035-01-01T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "RSA", "key_bits": 2048,
        "self_signed": true}],
      "trust": {"kind": "self-signed", "code": 18, "detail": "self-signed certificate"}}}
    ```

    ## Good
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.3", "accepted": true}],
      "certificates": [
        {"subject": "CN=example.com", "issuer": "CN=R11,O=Let's Encrypt,C=US",
         "not_before": "2025-05-20T00:00:00+00:00", "not_after": "2025-08-18T00:00:00+00:00",
         "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "EC", "key_bits": 256},
        {"subject": "CN=R11,O=Let's Encrypt,C=US",
         "issuer": "CN=ISRG Root X1,O=Internet Security Research Group,C=US",
         "not_before": "2024-03-13T00:00:00+00:00", "not_after": "2027-03-12T23:59:59+00:00",
         "key_type": "RSA", "key_bits": 2048, "is_ca": true}],
      "trust": {"kind": "ok"}}}
    ```

    ## Fix
    Get a certificate from a trusted CA (Let's Encrypt via certbot or cert-manager), and make
    sure the server block for this name uses it.
    """

    code = "PR015"
    name = "certificate-self-signed"
    category = Category.TLS
    severity = Severity.ERROR
    target = TlsProbe
    fix = "get a certificate from a trusted CA (certbot, cert-manager) and use it for this name"

    def check(self, model: TlsProbe, options: NoOptions) -> Iterator[Violation]:
        if model.failure is not None or model.trust.kind is not TrustKind.SELF_SIGNED:
            return
        leaf = model.leaf
        yield Violation(
            f"{model.host}:{model.port} serves a self-signed certificate ({leaf.short() if leaf else '?'}): "
            f"browsers show NET::ERR_CERT_AUTHORITY_INVALID and curl 'self-signed certificate'"
            f"{skipped_note(model)}",
            at_url(model.url, certificate="leaf"),
            related(model.source, f"{model.url} comes from here"))
