from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import TlsProbe
from deploycheck.rules.probe._common import at_url, cert_role, day, related, skipped_note


class CertificateExpired(Rule[TlsProbe]):
    """A certificate the server sends has expired, or is not valid yet.

    ## Why
    Browsers stop with `NET::ERR_CERT_DATE_INVALID` ("Your connection is not private"), curl
    with `SSL certificate problem: certificate has expired` (or `certificate is not yet valid`),
    Go with `x509: certificate has expired or is not yet valid`. Automatic renewal stopped
    (certbot's timer, a cert-manager challenge failing), nginx was not reloaded after renewal,
    or an intermediate in a stale `fullchain.pem` expired. "Not yet valid" means the
    certificate was issued with a future start, or the server's clock is wrong.

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.2", "accepted": true}, {"version": "TLSv1.3", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=R11,O=Let's Encrypt,C=US",
        "not_before": "2025-02-01T00:00:00+00:00", "not_after": "2025-05-02T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "EC", "key_bits": 256,
        "signature_algorithm": "sha256WithRSAEncryption", "signature_hash": "sha256"}],
      "trust": {"kind": "expired", "code": 10, "detail": "certificate has expired"}}}
    ```

    ## Good
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.2", "accepted": true}, {"version": "TLSv1.3", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=R11,O=Let's Encrypt,C=US",
        "not_before": "2025-05-20T00:00:00+00:00", "not_after": "2025-08-18T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "EC", "key_bits": 256,
        "signature_algorithm": "sha256WithRSAEncryption", "signature_hash": "sha256"}],
      "trust": {"kind": "ok"}}}
    ```

    ## Fix
    Renew the certificate (`certbot renew`, or see why cert-manager's Certificate is not
    Ready), install the new `fullchain.pem`, and reload the server (`nginx -s reload`); for "not
    yet valid", check the server's clock (NTP).
    """

    code = "PR010"
    name = "certificate-expired"
    category = Category.TLS
    severity = Severity.ERROR
    target = TlsProbe
    fix = "renew the certificate, install the new fullchain.pem and reload the server"

    def check(self, model: TlsProbe, options: NoOptions) -> Iterator[Violation]:
        if model.failure is not None:
            return
        at = model.at
        total = len(model.certificates)
        for index, cert in enumerate(model.certificates):
            if cert.self_signed and index > 0:
                continue  # a root sent along is never used for verification
            role = cert_role(index, total)
            left = cert.days_left(at)
            if left < 0:
                yield Violation(
                    f"{model.host}:{model.port}: the {role} certificate ({cert.short()}) expired on "
                    f"{day(cert.not_after)}, {int(-left)} day(s) before this check: browsers show "
                    f"NET::ERR_CERT_DATE_INVALID and curl 'certificate has expired'{skipped_note(model)}",
                    at_url(model.url, certificate=role, field="notAfter"),
                    related(model.source, f"{model.url} comes from here"))
            elif not cert.valid_at(at):
                yield Violation(
                    f"{model.host}:{model.port}: the {role} certificate ({cert.short()}) is valid only "
                    f"from {cert.not_before}, after this check ({model.checked_at}): clients reject it "
                    f"as 'not yet valid' (a future start date, or a wrong clock){skipped_note(model)}",
                    at_url(model.url, certificate=role, field="notBefore"),
                    related(model.source, f"{model.url} comes from here"),
                    fix="check the server's and the issuer's clocks (NTP), or reissue the certificate")
