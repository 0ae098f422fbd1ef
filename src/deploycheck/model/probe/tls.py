"""TLS facts of one host and port: protocol versions, the certificate chain, trust, ciphers.

The version names (`TLS_VERSIONS`, `LEGACY_VERSIONS`, `VERSION_LABEL`), `ProtocolResult` (one
handshake offering one version), `CipherResult` (a weak suite the server chose), `Certificate`
(as served, with validity and RFC 6125 host matching), `TrustKind` and `TrustResult` (what a
verifying client concludes), and `TlsProbe`, which ties them together for one host and port.
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass
from datetime import datetime

from deploycheck.model.location import Location
from deploycheck.model.probe.exchange import Failure
from deploycheck.model.probe.helpers import NOWHERE, is_ip, parse_time

# -- TLS --------------------------------------------------------------------------------------------

TLS_VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
LEGACY_VERSIONS = ("TLSv1", "TLSv1.1")
VERSION_LABEL = {"TLSv1": "TLS 1.0", "TLSv1.1": "TLS 1.1", "TLSv1.2": "TLS 1.2", "TLSv1.3": "TLS 1.3"}


@dataclass(frozen=True, slots=True)
class ProtocolResult:
    """One handshake offering only `version`. `cipher` is what the server chose when it accepted."""

    version: str  # TLSv1 | TLSv1.1 | TLSv1.2 | TLSv1.3
    accepted: bool
    cipher: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CipherResult:
    """A cipher suite the server chose when offered only weak ones."""

    name: str  # IANA name
    code: int
    weakness: str  # null | anonymous | export | rc4 | des | 3des | md5
    protocol: str = "TLSv1.2"


@dataclass(frozen=True, slots=True)
class Certificate:
    """One certificate as the server sent it. Times are ISO 8601 in UTC."""

    subject: str
    issuer: str
    not_before: str
    not_after: str
    common_name: str = ""
    sans: tuple[str, ...] = ()
    key_type: str = ""  # RSA | EC | Ed25519 | Ed448 | DSA
    key_bits: int = 0
    signature_algorithm: str = ""  # e.g. sha256WithRSAEncryption
    signature_hash: str = ""  # sha256 | sha1 | md5 | '' (Ed25519)
    is_ca: bool = False
    self_signed: bool = False  # issued by itself and its own key verifies the signature
    fingerprint_sha256: str = ""

    def days_left(self, at: datetime) -> float:
        return (parse_time(self.not_after) - at).total_seconds() / 86400.0

    def valid_at(self, at: datetime) -> bool:
        return parse_time(self.not_before) <= at <= parse_time(self.not_after)

    def matches_host(self, host: str) -> bool:
        """RFC 6125 matching: DNS SANs (one leading `*.` label), IP SANs for IP hosts; the
        common name only when there are no SANs (as old clients do; browsers ignore it)."""
        host = host.strip("[]").rstrip(".").lower()
        names = self.sans or ((self.common_name,) if self.common_name else ())
        if is_ip(host):
            want = ipaddress.ip_address(host)
            for name in names:
                if name.startswith("IP:"):
                    try:
                        if ipaddress.ip_address(name[3:]) == want:
                            return True
                    except ValueError:
                        continue
            return False
        for name in names:
            if name.startswith("IP:"):
                continue
            pattern = name.removeprefix("DNS:").rstrip(".").lower()
            if pattern == host:
                return True
            if pattern.startswith("*.") and "." in host:
                label, _, rest = host.partition(".")
                if label and rest == pattern[2:] and "." in rest:
                    return True
        return False

    def short(self) -> str:
        return self.common_name or self.subject


class TrustKind(enum.Enum):
    OK = "ok"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    HOSTNAME = "hostname-mismatch"
    SELF_SIGNED = "self-signed"
    UNKNOWN_CA = "unknown-ca"
    INCOMPLETE_CHAIN = "incomplete-chain"
    OTHER = "other"
    NOT_CHECKED = "not-checked"


@dataclass(frozen=True, slots=True)
class TrustResult:
    """What a verifying client concludes (OpenSSL's verify code and text, as curl reports them)."""

    kind: TrustKind
    code: int = 0
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TlsProbe:
    """TLS of one host and port: the protocol versions accepted, the chain as served, what a
    verifying client concludes, and weak cipher suites the server accepts.

    `failure` is set when no handshake worked at all (then the rest is empty). `insecure`: the
    run continued past a verification failure (--insecure).
    """

    url: str
    host: str
    port: int
    checked_at: str
    versions: tuple[ProtocolResult, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    trust: TrustResult = TrustResult(TrustKind.NOT_CHECKED)
    weak_ciphers: tuple[CipherResult, ...] = ()
    insecure: bool = False
    failure: Failure | None = None
    source: Location = NOWHERE

    @property
    def leaf(self) -> Certificate | None:
        return self.certificates[0] if self.certificates else None

    def accepted(self, version: str) -> bool | None:
        """True/False for a version tried, None when it was not tried."""
        for result in self.versions:
            if result.version == version:
                return result.accepted
        return None

    def accepted_versions(self) -> tuple[str, ...]:
        return tuple(r.version for r in self.versions if r.accepted)

    @property
    def at(self) -> datetime:
        return parse_time(self.checked_at)

    @property
    def hostname_matches(self) -> bool | None:
        return self.leaf.matches_host(self.host) if self.leaf else None

    def issuer_missing(self) -> bool:
        """The last certificate sent is not self-signed and its issuer was not sent either."""
        if not self.certificates:
            return False
        top = self.certificates[-1]
        return not top.self_signed and not any(c.subject == top.issuer for c in self.certificates)
