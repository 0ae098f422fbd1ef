from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import TlsProbe
from deploycheck.rules.probe._common import at_url, cert_role, related

_MINIMUM = {"RSA": 2048, "DSA": 2048, "EC": 224}


class WeakCertificateKey(Rule[TlsProbe]):
    """A certificate the server sends has a key too small to be trusted (RSA/DSA < 2048, EC < 224).

    ## Why
    OpenSSL 3 at its default security level refuses such certificates: curl says `SSL
    certificate problem: EE certificate key too weak` (or `ca certificate key too weak`),
    nginx itself refuses to load them (`ee key too small`) unless `@SECLEVEL=0` is set, and
    browsers and the CA/Browser Forum have rejected 1024-bit RSA since 2013. DSA is not used
    for TLS certificates any more.

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.2", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=Internal CA",
        "not_before": "2025-01-01T00:00:00+00:00", "not_after": "2026-01-01T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "RSA", "key_bits": 1024,
        "signature_hash": "sha256"}],
      "trust": {"kind": "ok"}}}
    ```

    ## Good
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.2", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=Internal CA",
        "not_before": "2025-01-01T00:00:00+00:00", "not_after": "2026-01-01T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "EC", "key_bits": 256,
        "signature_hash": "sha256"}],
      "trust": {"kind": "ok"}}}
    ```

    ## Fix
    Make a new key and certificate: `openssl req -newkey rsa:2048` (or `ec -pkeyopt
    ec_paramgen_curve:P-256`), or let certbot or cert-manager do it (both default to strong keys).
    """

    code = "PR017"
    name = "weak-certificate-key"
    category = Category.TLS
    severity = Severity.ERROR
    target = TlsProbe
    fix = "reissue with an RSA 2048+ or EC P-256 key (certbot and cert-manager do by default)"

    def check(self, model: TlsProbe, options: NoOptions) -> Iterator[Violation]:
        if model.failure is not None:
            return
        total = len(model.certificates)
        for index, cert in enumerate(model.certificates):
            minimum = _MINIMUM.get(cert.key_type)
            if minimum is None or cert.key_bits >= minimum or (cert.self_signed and index > 0):
                continue
            role = cert_role(index, total)
            yield Violation(
                f"{model.host}:{model.port}: the {role} certificate ({cert.short()}) has a "
                f"{cert.key_bits}-bit {cert.key_type} key (at least {minimum} needed): OpenSSL 3 clients "
                f"refuse it with 'key too weak' and browsers reject it",
                at_url(model.url, certificate=role, field="publicKey"),
                related(model.source, f"{model.url} comes from here"))
