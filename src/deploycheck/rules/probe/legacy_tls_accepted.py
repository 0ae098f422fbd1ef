from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import LEGACY_VERSIONS, VERSION_LABEL, TlsProbe
from deploycheck.rules.probe._common import at_url, related


class LegacyTlsAccepted(Rule[TlsProbe]):
    """The server still completes TLS 1.0 or TLS 1.1 handshakes.

    ## Why
    TLS 1.0 and 1.1 were deprecated by RFC 8996 (2021); browsers dropped them in 2020, PCI DSS
    forbids them, and scanners report them (SSL Labs caps the grade at B; testssl.sh flags
    `TLS 1 offered (deprecated)`). The usual cause is an old `ssl_protocols TLSv1 TLSv1.1
    TLSv1.2;` line copied from a generator, or nginx older than 1.23.4 whose default still
    includes them (T6; h5bp/server-configs-nginx#201). deploycheck finds them by really
    offering each old version in its own handshake.

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1", "accepted": true, "cipher": "ECDHE-RSA-AES256-SHA"},
                   {"version": "TLSv1.1", "accepted": true, "cipher": "ECDHE-RSA-AES256-SHA"},
                   {"version": "TLSv1.2", "accepted": true}, {"version": "TLSv1.3", "accepted": false}],
      "trust": {"kind": "ok"}}}
    ```

    ## Good
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1", "accepted": false}, {"version": "TLSv1.1", "accepted": false},
                   {"version": "TLSv1.2", "accepted": true}, {"version": "TLSv1.3", "accepted": true}],
      "trust": {"kind": "ok"}}}
    ```

    ## Fix
    nginx: `ssl_protocols TLSv1.2 TLSv1.3;` in every `server` (and the `http` block); other
    servers have an equivalent minimum-version setting (Go: `tls.Config{MinVersion:
    tls.VersionTLS12}`).
    """

    code = "PR020"
    name = "legacy-tls-accepted"
    category = Category.TLS
    severity = Severity.WARNING
    target = TlsProbe
    fix = "accept TLS 1.2 and 1.3 only (nginx: `ssl_protocols TLSv1.2 TLSv1.3;`)"

    def check(self, model: TlsProbe, options: NoOptions) -> Iterator[Violation]:
        if model.failure is not None:
            return
        old = [v for v in LEGACY_VERSIONS if model.accepted(v)]
        if not old:
            return
        names = " and ".join(VERSION_LABEL[v] for v in old)
        yield Violation(
            f"{model.host}:{model.port} completes {names} handshakes (deprecated by RFC 8996, refused by "
            f"browsers since 2020, flagged by every scanner): clients can be held to the old protocol",
            at_url(model.url, protocol=",".join(old)),
            related(model.source, f"{model.url} comes from here"))
