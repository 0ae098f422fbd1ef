"""TLS as a scanner sees it: protocol versions accepted, the chain as served, what a verifying
client concludes, and weak cipher suites the server still accepts.

- Versions: one handshake per version with `minimum_version = maximum_version = v`. OpenSSL 3
  refuses TLS 1.0/1.1 at its default security level, so these handshakes use
  `DEFAULT:@SECLEVEL=0` — the client must be able to offer the old versions to find them.
- Chain: the certificates the server sent, in order (`get_unverified_chain`), read with
  `cryptography`; `openssl s_client -showcerts` is the fallback where Python lacks the call.
- Trust: one more handshake with verification on (system roots plus `ca_file`), classified
  by OpenSSL's verify code as curl would report it.
- Weak suites: OpenSSL 3 cannot even offer RC4, DES, 3DES or export suites, so they are offered
  in a ClientHello written here (as testssl.sh does); the ServerHello says which one the server
  picked. Only the hello is exchanged: no key exchange, no application data.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import socket
import ssl
import struct
import subprocess
import threading
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from deploycheck.gatherers.http_probe import Resolver, classify_tls_error, system_resolver
from deploycheck.model.location import Location
from deploycheck.model.probe import (
    NOWHERE,
    TLS_VERSIONS,
    Certificate,
    CipherResult,
    Failure,
    FailureKind,
    ProtocolResult,
    TlsProbe,
    TrustKind,
    TrustResult,
    is_ip,
)


@dataclass(frozen=True, slots=True)
class TlsSettings:
    timeout: float = 5.0
    ca_file: str = ""
    insecure: bool = False
    resolver: Resolver = system_resolver
    weak_ciphers: bool = True


_VERSIONS = {
    "TLSv1": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}
_NO_CONNECTION = frozenset({FailureKind.REFUSED, FailureKind.CONNECT_TIMEOUT, FailureKind.DNS,
                            FailureKind.UNREACHABLE, FailureKind.OTHER})
_WIRE = {"TLSv1": 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303}
_WIRE_NAME = {v: k for k, v in _WIRE.items()} | {0x0300: "SSLv3", 0x0304: "TLSv1.3"}


def probe_tls(url: str, settings: TlsSettings, source: Location = NOWHERE) -> TlsProbe:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or 443
    except ValueError:
        return TlsProbe(url, host, 0, _now(), failure=Failure(FailureKind.OTHER, "invalid port"),
                        source=source)
    checked_at = _now()
    conn = _Connector(host, port, settings)
    versions: list[ProtocolResult] = []
    failures: list[Failure] = []
    chain_der: list[bytes] = []
    for name in TLS_VERSIONS:
        result, der, failure = _try_version(conn, name)
        if failure is not None and failure.kind in _NO_CONNECTION and not any(v.accepted for v in versions):
            # Nothing listens, or the name does not resolve: only the connection is worth a finding.
            return TlsProbe(url, host, port, checked_at, failure=failure, insecure=settings.insecure,
                            source=source)
        versions.append(result)
        if failure is not None:
            failures.append(failure)
        if der:
            chain_der = der
    if not any(v.accepted for v in versions):
        kinds = {f.kind for f in failures}
        kind = kinds.pop() if len(kinds) == 1 else FailureKind.TLS_PROTOCOL
        detail = "; ".join(f"{v.version}: {v.detail}" for v in versions if v.detail)
        return TlsProbe(url, host, port, checked_at, tuple(versions), insecure=settings.insecure,
                        failure=Failure(kind, detail), source=source)
    certificates = tuple(certificate_from_der(d) for d in chain_der)
    trust = _verify(conn, certificates)
    weak: tuple[CipherResult, ...] = ()
    legacy = [v.version for v in versions if v.accepted and v.version in _WIRE]
    if settings.weak_ciphers and legacy:
        weak = tuple(enumerate_weak_ciphers(conn, legacy[-1]))
    return TlsProbe(url, host, port, checked_at, tuple(versions), certificates, trust, weak,
                    settings.insecure, None, source)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class _Connector:
    """TCP connections to one host and port, remembering the address that answered."""

    def __init__(self, host: str, port: int, settings: TlsSettings) -> None:
        self.host = host
        self.port = port
        self.settings = settings
        self.address: tuple[Any, ...] | None = None

    def connect(self) -> socket.socket:
        deadline = time.perf_counter() + self.settings.timeout
        if self.address is not None:
            candidates: Sequence[tuple[Any, ...]] = [self.address]
        else:
            candidates = self.settings.resolver(self.host, self.port)
        last: OSError = OSError("no address")
        for info in candidates:
            family, kind, proto, _, address = info
            sock = socket.socket(family, kind, proto)
            sock.settimeout(max(0.001, deadline - time.perf_counter()))
            try:
                sock.connect(address)
            except OSError as exc:
                sock.close()
                last = exc
                continue
            self.address = info
            return sock
        raise last

    @property
    def server_name(self) -> str | None:
        return None if is_ip(self.host) else self.host


_CONTEXT_LOCK = threading.Lock()


@functools.cache
def _client_context(name: str) -> ssl.SSLContext:
    """One context per version, made once and shared by all threads (contexts are thread-safe).
    Pinning TLS 1.0/1.1 raises a DeprecationWarning; the lock keeps `catch_warnings`, which is
    not thread-safe, to one thread at a time."""
    with _CONTEXT_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_ciphers("ALL:@SECLEVEL=0")
        ctx.minimum_version = _VERSIONS[name]
        ctx.maximum_version = _VERSIONS[name]
    return ctx


def _try_version(conn: _Connector, name: str) -> tuple[ProtocolResult, list[bytes], Failure | None]:
    """(result, chain as served when accepted, the failure when the connection itself failed)."""
    try:
        sock = conn.connect()
    except OSError as exc:
        failure = _connect_failure(exc)
        return ProtocolResult(name, False, detail=failure.detail), [], failure
    try:
        sock.settimeout(conn.settings.timeout)
        with _client_context(name).wrap_socket(sock, server_hostname=conn.server_name) as tls:
            cipher = tls.cipher()
            negotiated = tls.version() or ""
            der = served_chain(tls)
            if negotiated != name:
                return ProtocolResult(name, False, detail=f"negotiated {negotiated}"), [], None
            return ProtocolResult(name, True, cipher[0] if cipher else ""), der, None
    except ssl.SSLError as exc:
        failure = classify_tls_error(exc)
        return ProtocolResult(name, False, detail=f"{failure.kind.value}: {failure.detail}"), [], failure
    except TimeoutError:
        failure = Failure(FailureKind.READ_TIMEOUT, "the handshake did not finish in time")
        return ProtocolResult(name, False, detail=failure.detail), [], failure
    except OSError as exc:
        failure = _connect_failure(exc)
        return ProtocolResult(name, False, detail=failure.detail), [], failure
    finally:
        sock.close()


def _connect_failure(exc: OSError) -> Failure:
    if isinstance(exc, ConnectionRefusedError):
        return Failure(FailureKind.REFUSED, exc.strerror or str(exc))
    if isinstance(exc, ConnectionResetError):
        return Failure(FailureKind.RESET, exc.strerror or str(exc))
    if isinstance(exc, socket.gaierror):
        return Failure(FailureKind.DNS, exc.strerror or str(exc))
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return Failure(FailureKind.CONNECT_TIMEOUT, "no answer to the connection request")
    return Failure(FailureKind.OTHER, exc.strerror or str(exc))


def served_chain(tls: ssl.SSLSocket) -> list[bytes]:
    """DER of every certificate the server sent, leaf first."""
    getter = getattr(tls, "get_unverified_chain", None)  # public from Python 3.13
    if getter is None:
        sslobj = getattr(tls, "_sslobj", None)
        getter = getattr(sslobj, "get_unverified_chain", None)  # private in 3.10-3.12
    if getter is not None:
        chain = getter() or []
        out = []
        for item in chain:
            if isinstance(item, bytes):
                out.append(item)
            else:
                out.append(item.public_bytes(ssl._ssl.ENCODING_DER))  # type: ignore[attr-defined]
        return out
    leaf = tls.getpeercert(binary_form=True)
    return _openssl_showcerts(tls) or ([leaf] if leaf else [])


def _openssl_showcerts(tls: ssl.SSLSocket) -> list[bytes]:
    """Fallback for Pythons without the chain call: ask `openssl s_client` for the same peer."""
    try:
        host, port = tls.getpeername()[:2]
        name = tls.server_hostname
        argv = ["openssl", "s_client", "-connect", f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "-showcerts"]
        if name:
            argv += ["-servername", name]
        proc = subprocess.run(argv, input=b"", capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return [ssl.PEM_cert_to_DER_cert(m.group(0).decode("ascii")) for m in re.finditer(
        rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", proc.stdout, re.S)]


def certificate_from_der(der: bytes) -> Certificate:
    """The facts the rules read, from one DER certificate."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
    from cryptography.x509.oid import NameOID

    cert = x509.load_der_x509_certificate(der)
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    sans: list[str] = []
    with contextlib.suppress(x509.ExtensionNotFound):
        alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans += [f"DNS:{n}" for n in alt.get_values_for_type(x509.DNSName)]
        sans += [f"IP:{ip}" for ip in alt.get_values_for_type(x509.IPAddress)]
    is_ca = False
    with contextlib.suppress(x509.ExtensionNotFound):
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    key = cert.public_key()
    key_type, bits = "", 0
    if isinstance(key, rsa.RSAPublicKey):
        key_type, bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, bits = "EC", key.curve.key_size
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key_type, bits = "Ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        key_type, bits = "Ed448", 456
    elif isinstance(key, dsa.DSAPublicKey):
        key_type, bits = "DSA", key.key_size
    try:
        hash_name = cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else ""
    except UnsupportedAlgorithm:
        hash_name = "unknown"
    self_signed = False
    if cert.subject == cert.issuer:
        try:
            cert.verify_directly_issued_by(cert)
            self_signed = True
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            self_signed = False
    oid = cert.signature_algorithm_oid
    oid_name = getattr(oid, "_name", "") or oid.dotted_string
    return Certificate(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=cert.not_valid_after_utc.isoformat(),
        common_name=str(cn[0].value) if cn else "",
        sans=tuple(sans),
        key_type=key_type,
        key_bits=bits,
        signature_algorithm=oid_name,
        signature_hash=hash_name,
        is_ca=is_ca,
        self_signed=self_signed,
        fingerprint_sha256=hashlib.sha256(der).hexdigest(),
    )


# -- verification ------------------------------------------------------------------------------------

_UNABLE_TO_GET_ISSUER = (2, 20, 21)


def _verify(conn: _Connector, certificates: Sequence[Certificate]) -> TrustResult:
    """What a verifying client (system roots plus --ca-file) says about this server."""
    with _CONTEXT_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = ssl.create_default_context()
        if conn.settings.ca_file:
            ctx.load_verify_locations(cafile=conn.settings.ca_file)
        # Key size and signature strength are rules of their own: verify the chain, not them.
        ctx.set_ciphers("ALL:@SECLEVEL=0")
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    try:
        sock = conn.connect()
    except OSError as exc:
        return TrustResult(TrustKind.NOT_CHECKED, 0, _connect_failure(exc).detail)
    try:
        sock.settimeout(conn.settings.timeout)
        with ctx.wrap_socket(sock, server_hostname=conn.host):
            return TrustResult(TrustKind.OK)
    except ssl.SSLCertVerificationError as exc:
        return classify_verify_error(int(exc.verify_code or 0), exc.verify_message or str(exc),
                                     certificates)
    except (ssl.SSLError, OSError) as exc:
        return TrustResult(TrustKind.NOT_CHECKED, 0, str(exc))
    finally:
        sock.close()


def classify_verify_error(code: int, message: str, certificates: Sequence[Certificate]) -> TrustResult:
    """OpenSSL verify codes, sorted: the chain is built before the name and the dates are checked,
    so a code about dates or names means the chain itself was trusted."""
    if code == 10:
        return TrustResult(TrustKind.EXPIRED, code, message)
    if code == 9:
        return TrustResult(TrustKind.NOT_YET_VALID, code, message)
    if code == 62:
        return TrustResult(TrustKind.HOSTNAME, code, message)
    if code == 18:
        return TrustResult(TrustKind.SELF_SIGNED, code, message)
    if code == 19:
        return TrustResult(TrustKind.UNKNOWN_CA, code, message)
    if code in _UNABLE_TO_GET_ISSUER:
        top = certificates[-1] if certificates else None
        # Only the leaf came: its issuer (an intermediate, as public CAs always use) is missing.
        # When an intermediate came and its root is unknown, the CA itself is not trusted.
        if top is not None and not top.is_ca and not top.self_signed:
            return TrustResult(TrustKind.INCOMPLETE_CHAIN, code, message)
        return TrustResult(TrustKind.UNKNOWN_CA, code, message)
    return TrustResult(TrustKind.OTHER, code, message)


# -- weak cipher suites, offered in a hand-written ClientHello -----------------------------------------

WEAK_SUITES: dict[int, tuple[str, str]] = {
    0x0001: ("TLS_RSA_WITH_NULL_MD5", "null"),
    0x0002: ("TLS_RSA_WITH_NULL_SHA", "null"),
    0x003B: ("TLS_RSA_WITH_NULL_SHA256", "null"),
    0xC001: ("TLS_ECDH_ECDSA_WITH_NULL_SHA", "null"),
    0xC006: ("TLS_ECDHE_ECDSA_WITH_NULL_SHA", "null"),
    0xC00B: ("TLS_ECDH_RSA_WITH_NULL_SHA", "null"),
    0xC010: ("TLS_ECDHE_RSA_WITH_NULL_SHA", "null"),
    0xC015: ("TLS_ECDH_anon_WITH_NULL_SHA", "null"),
    0x0017: ("TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", "anonymous"),
    0x0018: ("TLS_DH_anon_WITH_RC4_128_MD5", "anonymous"),
    0x0019: ("TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", "anonymous"),
    0x001A: ("TLS_DH_anon_WITH_DES_CBC_SHA", "anonymous"),
    0x001B: ("TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", "anonymous"),
    0x0034: ("TLS_DH_anon_WITH_AES_128_CBC_SHA", "anonymous"),
    0x003A: ("TLS_DH_anon_WITH_AES_256_CBC_SHA", "anonymous"),
    0x0046: ("TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", "anonymous"),
    0x006C: ("TLS_DH_anon_WITH_AES_128_CBC_SHA256", "anonymous"),
    0x006D: ("TLS_DH_anon_WITH_AES_256_CBC_SHA256", "anonymous"),
    0x0089: ("TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", "anonymous"),
    0x00A6: ("TLS_DH_anon_WITH_AES_128_GCM_SHA256", "anonymous"),
    0x00A7: ("TLS_DH_anon_WITH_AES_256_GCM_SHA384", "anonymous"),
    0xC016: ("TLS_ECDH_anon_WITH_RC4_128_SHA", "anonymous"),
    0xC017: ("TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", "anonymous"),
    0xC018: ("TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "anonymous"),
    0xC019: ("TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "anonymous"),
    0x0003: ("TLS_RSA_EXPORT_WITH_RC4_40_MD5", "export"),
    0x0006: ("TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", "export"),
    0x0008: ("TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", "export"),
    0x0011: ("TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", "export"),
    0x0014: ("TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", "export"),
    0x0004: ("TLS_RSA_WITH_RC4_128_MD5", "rc4"),
    0x0005: ("TLS_RSA_WITH_RC4_128_SHA", "rc4"),
    0xC002: ("TLS_ECDH_ECDSA_WITH_RC4_128_SHA", "rc4"),
    0xC007: ("TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "rc4"),
    0xC00C: ("TLS_ECDH_RSA_WITH_RC4_128_SHA", "rc4"),
    0xC011: ("TLS_ECDHE_RSA_WITH_RC4_128_SHA", "rc4"),
    0x0009: ("TLS_RSA_WITH_DES_CBC_SHA", "des"),
    0x0012: ("TLS_DHE_DSS_WITH_DES_CBC_SHA", "des"),
    0x0015: ("TLS_DHE_RSA_WITH_DES_CBC_SHA", "des"),
    0x000A: ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "3des"),
    0x0013: ("TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "3des"),
    0x0016: ("TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "3des"),
    0xC003: ("TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", "3des"),
    0xC008: ("TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "3des"),
    0xC00D: ("TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", "3des"),
    0xC012: ("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "3des"),
}
_GROUPS = (0x001D, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101)
_SIGALGS = (0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807,
            0x0201, 0x0203, 0x0202)


def client_hello(version: int, suites: Sequence[int], server_name: str | None) -> bytes:
    """A TLS 1.0-1.2 ClientHello record offering exactly `suites` (plus the renegotiation SCSV)."""
    ext = b""
    if server_name:
        name = server_name.encode("idna")
        entry = b"\x00" + struct.pack("!H", len(name)) + name
        ext += struct.pack("!HH", 0x0000, len(entry) + 2) + struct.pack("!H", len(entry)) + entry
    groups = b"".join(struct.pack("!H", g) for g in _GROUPS)
    ext += struct.pack("!HHH", 0x000A, len(groups) + 2, len(groups)) + groups
    ext += struct.pack("!HHB", 0x000B, 2, 1) + b"\x00"
    if version >= 0x0303:
        algs = b"".join(struct.pack("!H", a) for a in _SIGALGS)
        ext += struct.pack("!HHH", 0x000D, len(algs) + 2, len(algs)) + algs
    ciphers = b"".join(struct.pack("!H", s) for s in (*suites, 0x00FF))
    body = (struct.pack("!H", version) + os.urandom(32) + b"\x00"
            + struct.pack("!H", len(ciphers)) + ciphers + b"\x01\x00"
            + struct.pack("!H", len(ext)) + ext)
    handshake = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(handshake)) + handshake


def parse_server_hello(data: bytes) -> tuple[int, int] | None:
    """(version, cipher suite) from the first handshake record, or None (alert, close, other)."""
    if len(data) < 5 or data[0] != 0x16:
        return None
    body = data[5:]
    if len(body) < 4 or body[0] != 0x02:
        return None
    hello = body[4:]
    if len(hello) < 35:
        return None
    version = struct.unpack("!H", hello[:2])[0]
    sid_len = hello[34]
    offset = 35 + sid_len
    if len(hello) < offset + 2:
        return None
    return version, struct.unpack("!H", hello[offset:offset + 2])[0]


def _hello_exchange(conn: _Connector, version: int, suites: Sequence[int]) -> tuple[int, int] | None:
    try:
        sock = conn.connect()
    except OSError:
        return None
    try:
        sock.settimeout(conn.settings.timeout)
        sock.sendall(client_hello(version, suites, conn.server_name))
        data = b""
        deadline = time.perf_counter() + conn.settings.timeout
        while len(data) < 5 + 4 + 38 + 32 + 2 and time.perf_counter() < deadline:
            if len(data) >= 5 and data[0] != 0x16:
                break
            if len(data) >= 5 and len(data) >= 5 + struct.unpack("!H", data[3:5])[0]:
                break
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return parse_server_hello(data)
    except OSError:
        return None
    finally:
        sock.close()


def enumerate_weak_ciphers(conn: _Connector, version_name: str) -> list[CipherResult]:
    """Offer every weak suite; take out each one the server picks and ask again."""
    version = _WIRE[version_name]
    left = list(WEAK_SUITES)
    found: list[CipherResult] = []
    while left:
        answer = _hello_exchange(conn, version, left)
        if answer is None or answer[1] not in left:
            break
        chosen_version, suite = answer
        name, weakness = WEAK_SUITES[suite]
        found.append(CipherResult(name, suite, weakness, _WIRE_NAME.get(chosen_version, hex(chosen_version))))
        left.remove(suite)
    return found


__all__ = ["TlsSettings", "certificate_from_der", "classify_verify_error", "client_hello",
           "enumerate_weak_ciphers", "parse_server_hello", "probe_tls", "served_chain"]
