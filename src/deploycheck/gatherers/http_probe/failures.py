"""How a failed request is named: each way a connection, a TLS handshake or a reply goes wrong is
sorted into a `Failure` with a `FailureKind` and a detail a person can act on — OS errors
(refused, reset, unreachable, timed out), OpenSSL's handshake errors read the way curl's output
would be, a TLS record or garbage where an HTTP reply was expected, and the 400 that nginx and Go
send when plain HTTP reaches a TLS port."""

from __future__ import annotations

import errno
import re
import ssl

from deploycheck.model.probe import Failure, FailureKind


def reply_failure(status: int, body: str) -> Failure | None:
    """nginx and Go answer plain HTTP on a TLS port with a 400 that says so."""
    if status != 400:
        return None
    for line in body.splitlines():
        low = line.lower()
        if "plain http request was sent to https port" in low or "http request to an https server" in low:
            text = re.sub(r"<[^>]+>", " ", line)
            return Failure(FailureKind.HTTP_TO_TLS_PORT, " ".join(text.split())[:200])
    return None


def _not_http(data: bytes) -> Failure:
    if data[:1] in (b"\x15", b"\x16") and data[1:2] == b"\x03":
        return Failure(FailureKind.HTTP_TO_TLS_PORT, "the server answered with a TLS record")
    preview = data[:40].decode("latin-1").encode("unicode_escape").decode("ascii")
    return Failure(FailureKind.MALFORMED, f"not an HTTP/1.x reply: {preview!r}")


def classify_tls_error(exc: ssl.SSLError) -> Failure:
    """Sort OpenSSL's handshake errors the way a person reading curl's output would."""
    reason = (getattr(exc, "reason", None) or "").upper()
    text = str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Failure(FailureKind.TLS_CERTIFICATE, exc.verify_message or text)
    if reason in ("WRONG_VERSION_NUMBER", "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE"):
        return Failure(FailureKind.TLS_TO_HTTP_PORT,
                       f"the server did not answer the TLS handshake with TLS ({reason.lower()})")
    if isinstance(exc, ssl.SSLEOFError) or reason in ("UNEXPECTED_EOF_WHILE_READING",):
        return Failure(FailureKind.EMPTY_REPLY, "the server closed the connection during the TLS handshake")
    if reason in ("UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION", "NO_PROTOCOLS_AVAILABLE",
                  "SSLV3_ALERT_HANDSHAKE_FAILURE", "NO_SHARED_CIPHER", "NO_CIPHERS_AVAILABLE",
                  "TLSV1_ALERT_INSUFFICIENT_SECURITY", "VERSION_TOO_LOW"):
        return Failure(FailureKind.TLS_PROTOCOL, f"no TLS version or cipher in common ({reason.lower()})")
    return Failure(FailureKind.TLS_OTHER, text)


def _classify_os(exc: OSError, where: str = "") -> Failure:
    prefix = f"{where}: " if where else ""
    if exc.errno == errno.ECONNRESET:
        return Failure(FailureKind.RESET, prefix + _os_text(exc))
    if exc.errno == errno.ECONNREFUSED:
        return Failure(FailureKind.REFUSED, prefix + _os_text(exc))
    if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EADDRNOTAVAIL):
        return Failure(FailureKind.UNREACHABLE, prefix + _os_text(exc))
    if exc.errno == errno.ETIMEDOUT:
        return Failure(FailureKind.CONNECT_TIMEOUT, prefix + _os_text(exc))
    return Failure(FailureKind.OTHER, prefix + _os_text(exc))


def _os_text(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__
