from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model import Category, Rule, Severity, Violation
from deploycheck.model.probe import TlsProbe
from deploycheck.rules.probe._common import at_url, cert_role, day, related


class CertificateExpiresSoon(Rule[TlsProbe]):
    """A certificate the server sends expires within the warning period (30 days by default).

    ## Why
    Nothing fails yet — in a few days browsers will show `NET::ERR_CERT_DATE_INVALID` and curl
    `certificate has expired`. Let's Encrypt certificates last 90 days and certbot renews them
    30 days ahead, so one inside that window means renewal is already failing, or nginx still
    serves the old file because it was never reloaded. `deploycheck probe --warn-days N` (or
    the rule option `warn-days`) sets the period.

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.3", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=R11,O=Let's Encrypt,C=US",
        "not_before": "2025-03-10T00:00:00+00:00", "not_after": "2025-06-08T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "EC", "key_bits": 256}],
      "trust": {"kind": "ok"}}}
    ```

    ## Good
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.3", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=R11,O=Let's Encrypt,C=US",
        "not_before": "2025-05-20T00:00:00+00:00", "not_after": "2025-08-18T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "EC", "key_bits": 256}],
      "trust": {"kind": "ok"}}}
    ```

    ## Fix
    Find out why renewal did not happen (`certbot renew --dry-run`, cert-manager's Certificate
    events), renew, and reload the server.
    """

    code = "PR011"
    name = "certificate-expires-soon"
    category = Category.TLS
    severity = Severity.WARNING
    target = TlsProbe
    fix = "renew now (`certbot renew --dry-run` shows why it did not happen) and reload the server"

    @dataclass(frozen=True, slots=True)
    class Options:
        warn_days: int = 30

    def check(self, model: TlsProbe, options: Options) -> Iterator[Violation]:
        if model.failure is not None:
            return
        total = len(model.certificates)
        for index, cert in enumerate(model.certificates):
            if cert.self_signed and index > 0:
                continue
            left = cert.days_left(model.at)
            if 0 <= left < options.warn_days:
                role = cert_role(index, total)
                yield Violation(
                    f"{model.host}:{model.port}: the {role} certificate ({cert.short()}) expires on "
                    f"{day(cert.not_after)}, in {left:.0f} day(s) (warning at {options.warn_days}): "
                    f"after that browsers show NET::ERR_CERT_DATE_INVALID",
                    at_url(model.url, certificate=role, field="notAfter"),
                    related(model.source, f"{model.url} comes from here"))
