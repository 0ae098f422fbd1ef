from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import TlsProbe, TrustKind
from deploycheck.rules.probe._common import at_url, related, skipped_note


class CertificateVerifyFailed(Rule[TlsProbe]):
    """Certificate verification fails for a reason the other certificate rules do not cover.

    ## Why
    curl prints OpenSSL's reason after `SSL certificate problem:` — `invalid CA certificate`
    (an intermediate without `CA:TRUE`), `unsupported certificate purpose` (a leaf without the
    `serverAuth` usage), `certificate revoked`, `path length constraint exceeded` — and
    browsers show `NET::ERR_CERT_INVALID`. The chain reached a trusted root but a certificate in
    it is not fit for this use.

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.3", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=Internal CA",
        "not_before": "2025-01-01T00:00:00+00:00", "not_after": "2026-01-01T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "EC", "key_bits": 256}],
      "trust": {"kind": "other", "code": 26, "detail": "unsupported certificate purpose"}}}
    ```

    ## Good
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.3", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=Internal CA",
        "not_before": "2025-01-01T00:00:00+00:00", "not_after": "2026-01-01T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "EC", "key_bits": 256}],
      "trust": {"kind": "ok"}}}
    ```

    ## Fix
    Reissue the certificate with the extensions a TLS server certificate needs (`extendedKeyUsage
    = serverAuth`; `basicConstraints = CA:TRUE` on intermediates), from the CA's proper profile.
    """

    code = "PR019"
    name = "certificate-verify-failed"
    category = Category.TLS
    severity = Severity.ERROR
    target = TlsProbe
    fix = "reissue the certificate with a TLS server profile (serverAuth usage; CA:TRUE on intermediates)"

    def check(self, model: TlsProbe, options: NoOptions) -> Iterator[Violation]:
        if model.failure is not None or model.trust.kind is not TrustKind.OTHER:
            return
        yield Violation(
            f"{model.host}:{model.port}: certificate verification fails with OpenSSL error "
            f"{model.trust.code} '{model.trust.detail}': clients refuse the connection{skipped_note(model)}",
            at_url(model.url, certificate="chain"),
            related(model.source, f"{model.url} comes from here"))
