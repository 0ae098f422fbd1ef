from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import TlsProbe
from deploycheck.rules.probe._common import at_url, cert_role, related

_WEAK = frozenset({"md5", "md2", "md4", "sha1"})


class WeakCertificateSignature(Rule[TlsProbe]):
    """A certificate the server sends is signed with SHA-1 or MD5.

    ## Why
    Chrome shows `NET::ERR_CERT_WEAK_SIGNATURE_ALGORITHM`, Firefox
    `SEC_ERROR_CERT_SIGNATURE_ALGORITHM_DISABLED`, OpenSSL 3 clients `ca md too weak`, Go
    `x509: cannot verify signature: insecure algorithm SHA1-RSA`. SHA-1 collisions are practical
    (SHAttered, 2017), so no public CA has issued SHA-1 certificates since 2016; one today comes
    from an old internal CA or a hand-made certificate. The root's own signature does not
    count (clients trust roots by their key), so self-signed roots sent along are skipped.

    ## Bad
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.2", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=Internal CA",
        "not_before": "2025-01-01T00:00:00+00:00", "not_after": "2026-01-01T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "RSA", "key_bits": 2048,
        "signature_algorithm": "sha1WithRSAEncryption", "signature_hash": "sha1"}],
      "trust": {"kind": "ok"}}}
    ```

    ## Good
    ```site.probe.json
    {"TlsProbe": {"url": "https://example.com/", "host": "example.com", "port": 443,
      "checked_at": "2025-06-01T12:00:00+00:00",
      "versions": [{"version": "TLSv1.2", "accepted": true}],
      "certificates": [{"subject": "CN=example.com", "issuer": "CN=Internal CA",
        "not_before": "2025-01-01T00:00:00+00:00", "not_after": "2026-01-01T00:00:00+00:00",
        "common_name": "example.com", "sans": ["DNS:example.com"], "key_type": "RSA", "key_bits": 2048,
        "signature_algorithm": "sha256WithRSAEncryption", "signature_hash": "sha256"}],
      "trust": {"kind": "ok"}}}
    ```

    ## Fix
    Reissue the certificate signed with SHA-256 (`openssl x509 -req -sha256 ...`), and the
    intermediate too if it is the SHA-1 one.
    """

    code = "PR018"
    name = "weak-certificate-signature"
    category = Category.TLS
    severity = Severity.ERROR
    target = TlsProbe
    fix = "reissue the certificate (and any SHA-1 intermediate) signed with SHA-256"

    def check(self, model: TlsProbe, options: NoOptions) -> Iterator[Violation]:
        if model.failure is not None:
            return
        total = len(model.certificates)
        for index, cert in enumerate(model.certificates):
            if cert.self_signed and index > 0:
                continue
            if cert.signature_hash.lower() not in _WEAK:
                continue
            role = cert_role(index, total)
            algorithm = cert.signature_algorithm or cert.signature_hash
            yield Violation(
                f"{model.host}:{model.port}: the {role} certificate ({cert.short()}) is signed with "
                f"{algorithm}: browsers show NET::ERR_CERT_WEAK_SIGNATURE_ALGORITHM and OpenSSL 3 "
                f"clients 'ca md too weak'",
                at_url(model.url, certificate=role, field="signatureAlgorithm"),
                related(model.source, f"{model.url} comes from here"))
