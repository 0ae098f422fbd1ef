from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import TlsProbe
from deploycheck.rules.probe._common import at_url, related

_WHY = {
    "null": "no encryption at all",
    "anonymous": "no server authentication (anyone in the middle can pose as the server)",
    "export": "40-bit export strength (FREAK, Logjam)",
    "rc4": "RC4 (RFC 7465 forbids it)",
    "des": "single DES (56-bit)",
    "3des": "3DES, 64-bit blocks (SWEET32)",
}


class WeakCipherSuites(Rule[TlsProbe]):
    """The server accepts cipher suites that are broken: NULL, anonymous, export, RC4, DES or 3DES.

    ## Why
    testssl.sh reports them as `NULL ciphers (no encryption) offered (NOT ok)`, `Anonymous NULL
    Ciphers (no authentication) offered (NOT ok)`, `Triple DES Ciphers / IDEA offered`, and SSL
    Labs grades such a server F or C. A client that offers such a suite (old Java, an attacker
    forcing a downgrade) gets no or breakable encryption. The cause is an `ssl_ciphers` line with
    `ALL`, `@SECLEVEL=0`, `3DES` or a long legacy list. OpenSSL 3 cannot offer most of these
    suites, so deploycheck writes the ClientHello itself (as testssl.sh does) and reads which
    suite the server picks.

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.2", "accepted": true}],
      "weak_ciphers": [{"name": "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "code": 10, "weakness": "3des"},
                       {"name": "TLS_ECDHE_RSA_WITH_NULL_SHA", "code": 49168, "weakness": "null"}],
      "trust": {"kind": "ok"}}}
    ```

    ## Good
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.2", "accepted": true}],
      "trust": {"kind": "ok"}}}
    ```

    ## Fix
    Remove the `ssl_ciphers` override (nginx's default is safe) or use a current list such as
    Mozilla's "intermediate" profile, and never `@SECLEVEL=0` in production.
    """

    code = "PR022"
    name = "weak-cipher-suites"
    category = Category.TLS
    severity = Severity.ERROR
    target = TlsProbe
    fix = "drop the ssl_ciphers override or use Mozilla's intermediate list; no @SECLEVEL=0"

    def check(self, model: TlsProbe, options: NoOptions) -> Iterator[Violation]:
        if model.failure is not None or not model.weak_ciphers:
            return
        parts = [f"{c.name} ({_WHY.get(c.weakness, c.weakness)})" for c in model.weak_ciphers]
        yield Violation(
            f"{model.host}:{model.port} accepts {len(parts)} weak cipher suite(s) when a client offers "
            f"them: {'; '.join(parts)}",
            at_url(model.url, ciphers=",".join(c.name for c in model.weak_ciphers)),
            related(model.source, f"{model.url} comes from here"))
