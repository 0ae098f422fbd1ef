from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import TlsProbe, TrustKind
from deploycheck.rules.probe._common import at_url, related, skipped_note


class CertificateUnknownCa(Rule[TlsProbe]):
    """The certificate chain ends at a CA that clients do not trust.

    ## Why
    Browsers show `NET::ERR_CERT_AUTHORITY_INVALID`, curl `self-signed certificate in
    certificate chain` or `unable to get local issuer certificate`, Go `x509: certificate
    signed by unknown authority`. The certificate comes from a private or internal CA (a
    company CA, mkcert, a cert-manager `CA` issuer, a staging ACME endpoint) whose root is not
    in the clients' trust stores. When that is intended, every client needs the root installed;
    deploycheck takes extra roots with `--ca-file`.

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.3", "accepted": true}],
      "certificates": [
        {"subject": "CN=example.com", "issuer": "CN=(STAGING) Wannabe Watercress R11",
         "not_before": "2025-05-20T00:00:00+00:00", "not_after": "2025-08-18T00:00:00+00:00",
         "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "EC", "key_bits": 256},
        {"subject": "CN=(STAGING) Wannabe Watercress R11", "issuer": "CN=(STAGING) Pretend Pear X1",
         "not_before": "2024-03-13T00:00:00+00:00", "not_after": "2027-03-12T23:59:59+00:00",
         "key_type": "RSA", "key_bits": 2048, "is_ca": true}],
      "trust": {"kind": "unknown-ca", "code": 20, "detail": "unable to get local issuer certificate"}}}
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
    Use a certificate from a publicly trusted CA (Let's Encrypt production, not staging), or
    install the private root on every client (and pass it to deploycheck with `--ca-file`).
    """

    code = "PR014"
    name = "certificate-unknown-ca"
    category = Category.TLS
    severity = Severity.ERROR
    target = TlsProbe
    fix = "use a publicly trusted CA, or install the private root on every client (--ca-file for deploycheck)"

    def check(self, model: TlsProbe, options: NoOptions) -> Iterator[Violation]:
        if model.failure is not None or model.trust.kind is not TrustKind.UNKNOWN_CA:
            return
        top = model.certificates[-1] if model.certificates else None
        anchor = top.issuer if top else "?"
        yield Violation(
            f"{model.host}:{model.port}: the chain ends at '{anchor}', which this machine's trust store "
            f"(and --ca-file) does not hold: browsers show NET::ERR_CERT_AUTHORITY_INVALID and curl "
            f"'{model.trust.detail}'{skipped_note(model)}",
            at_url(model.url, certificate="chain"),
            related(model.source, f"{model.url} comes from here"))
