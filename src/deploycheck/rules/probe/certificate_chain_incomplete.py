from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import TlsProbe, TrustKind
from deploycheck.rules.probe._common import at_url, related, skipped_note


class CertificateChainIncomplete(Rule[TlsProbe]):
    """The server sends its certificate without the intermediate that issued it.

    ## Why
    Browsers often cope (they cache intermediates or fetch them), so the site "works" — but
    curl, Python, Node, Go, Java and mobile apps fail with `unable to get local issuer
    certificate`, `unable to verify the first certificate` or `x509: certificate signed by
    unknown authority`; SSL Labs says `This server's certificate chain is incomplete`. nginx
    was given `cert.pem` instead of `fullchain.pem` (T5; certbot/certbot#610).

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.2", "accepted": true}, {"version": "TLSv1.3", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=R11,O=Let's Encrypt,C=US",
        "not_before": "2025-05-20T00:00:00+00:00", "not_after": "2025-08-18T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "EC", "key_bits": 256}],
      "trust": {"kind": "incomplete-chain", "code": 20, "detail": "unable to get local issuer certificate"}}}
    ```

    ## Good
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.2", "accepted": true}, {"version": "TLSv1.3", "accepted": true}],
      "certificates": [
        {"subject": "CN=example.com", "issuer": "CN=R11,O=Let's Encrypt,C=US",
         "not_before": "2025-05-20T00:00:00+00:00", "not_after": "2025-08-18T00:00:00+00:00",
         "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "EC", "key_bits": 256},
        {"subject": "CN=R11,O=Let's Encrypt,C=US",
         "issuer": "CN=ISRG Root X1,O=Internet Security Research Group,C=US",
         "not_before": "2024-03-13T00:00:00+00:00", "not_after": "2027-03-12T23:59:59+00:00",
         "common_name": "R11", "key_type": "RSA", "key_bits": 2048, "is_ca": true}],
      "trust": {"kind": "ok"}}}
    ```

    ## Fix
    Serve the leaf followed by its intermediates: nginx `ssl_certificate
    /etc/letsencrypt/live/NAME/fullchain.pem;` (not `cert.pem`); with other tools, append the
    CA's intermediate certificate to the certificate file.
    """

    code = "PR013"
    name = "certificate-chain-incomplete"
    category = Category.TLS
    severity = Severity.ERROR
    target = TlsProbe
    fix = "serve fullchain.pem (the leaf followed by its intermediates), not cert.pem"

    def check(self, model: TlsProbe, options: NoOptions) -> Iterator[Violation]:
        if model.failure is not None or model.trust.kind is not TrustKind.INCOMPLETE_CHAIN:
            return
        leaf = model.leaf
        sent = len(model.certificates)
        issuer = leaf.issuer if leaf else "?"
        yield Violation(
            f"{model.host}:{model.port} sends {sent} certificate(s) and not the one that issued the last: "
            f"'{issuer}' is neither sent nor a trusted root, so curl, Python, Go, Node and mobile "
            f"clients fail with 'unable to get local issuer certificate' (browsers may hide it by "
            f"fetching the intermediate){skipped_note(model)}",
            at_url(model.url, certificate="chain"),
            related(model.source, f"{model.url} comes from here"))
