from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import VERSION_LABEL, TlsProbe
from deploycheck.rules.probe._common import at_url, related


class ModernTlsMissing(Rule[TlsProbe]):
    """The server accepts neither TLS 1.2 nor TLS 1.3.

    ## Why
    Browsers stop with `ERR_SSL_VERSION_OR_CIPHER_MISMATCH` (Firefox:
    `SSL_ERROR_UNSUPPORTED_VERSION`), curl and OpenSSL 3 clients with `tlsv1 alert protocol
    version` or `unsupported protocol`: every current client requires TLS 1.2 or newer. Only a
    server pinned to TLS 1.0/1.1 (`ssl_protocols TLSv1;`, an old appliance, a Java 6 runtime)
    does this.

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1", "accepted": true}, {"version": "TLSv1.1", "accepted": false},
                   {"version": "TLSv1.2", "accepted": false}, {"version": "TLSv1.3", "accepted": false}],
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
    Enable TLS 1.2 and 1.3 (nginx: `ssl_protocols TLSv1.2 TLSv1.3;`), upgrading the TLS library
    or runtime if it lacks them.
    """

    code = "PR021"
    name = "modern-tls-missing"
    category = Category.TLS
    severity = Severity.ERROR
    target = TlsProbe
    fix = "enable TLS 1.2 and TLS 1.3 (nginx: `ssl_protocols TLSv1.2 TLSv1.3;`)"

    def check(self, model: TlsProbe, options: NoOptions) -> Iterator[Violation]:
        if model.failure is not None:
            return
        accepted = model.accepted_versions()
        if not accepted or model.accepted("TLSv1.2") or model.accepted("TLSv1.3"):
            return
        if model.accepted("TLSv1.2") is None and model.accepted("TLSv1.3") is None:
            return  # not tried: nothing to say
        names = ", ".join(VERSION_LABEL.get(v, v) for v in accepted)
        yield Violation(
            f"{model.host}:{model.port} accepts only {names}: every current browser and OpenSSL 3 "
            f"client requires TLS 1.2 or 1.3 and fails with ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
            at_url(model.url, protocol="TLSv1.2,TLSv1.3"),
            related(model.source, f"{model.url} comes from here"))
