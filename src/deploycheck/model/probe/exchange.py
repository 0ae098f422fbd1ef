"""One HTTP exchange as the gatherers record it: a request and what came back.

`Header` (one header line, duplicates kept), `FailureKind` and `Failure` (why a request got no
HTTP response at all), `Exchange` (request, status, header lines, bounded body, timing) with the
header look-ups and redirect reading the rules use, and `resolve_url` for relative `Location`s.
Every other probe fact is built from these records.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

# -- one HTTP exchange ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Header:
    """One header line exactly as sent or received (duplicates are kept as separate lines)."""

    name: str
    value: str


class FailureKind(enum.Enum):
    DNS = "dns"  # the name does not resolve
    REFUSED = "refused"  # nothing listens (RST to the SYN)
    RESET = "reset"  # accepted, then reset before a reply
    EMPTY_REPLY = "empty-reply"  # accepted, then closed without a byte
    CONNECT_TIMEOUT = "connect-timeout"  # no answer to the SYN (filtered, or a full backlog)
    READ_TIMEOUT = "read-timeout"  # connected, the reply did not come in time
    UNREACHABLE = "unreachable"  # no route to the host or network
    HTTP_TO_TLS_PORT = "http-to-https-port"  # plain HTTP sent to a port that speaks TLS
    TLS_TO_HTTP_PORT = "https-to-http-port"  # a TLS handshake sent to a port that speaks HTTP
    TLS_PROTOCOL = "tls-protocol"  # no protocol version or cipher in common
    TLS_CERTIFICATE = "tls-certificate"  # the certificate failed verification
    TLS_OTHER = "tls-other"  # any other handshake failure
    MALFORMED = "malformed-response"  # not HTTP/1.x
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a request got no HTTP response. `detail` is the operating system's or OpenSSL's text."""

    kind: FailureKind
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and what came back. `status` is None when `failure` is set.

    `headers` keeps every response header line in order, so two `Access-Control-Allow-Origin`
    lines stay two. `body` is the start of the body as text (bounded; `truncated` when cut).
    """

    url: str
    method: str = "GET"
    request_headers: tuple[Header, ...] = ()
    status: int | None = None
    reason: str = ""
    headers: tuple[Header, ...] = ()
    body: str = ""
    body_bytes: int = 0
    truncated: bool = False
    elapsed_ms: float = 0.0
    failure: Failure | None = None
    http_version: str = "HTTP/1.1"

    def values(self, name: str) -> tuple[str, ...]:
        """The value of every response line named `name` (case-insensitive), in order."""
        low = name.lower()
        return tuple(h.value for h in self.headers if h.name.lower() == low)

    def first(self, name: str) -> str | None:
        found = self.values(name)
        return found[0] if found else None

    def tokens(self, name: str) -> tuple[str, ...]:
        """Comma-separated items over all lines named `name`, stripped, empty ones dropped."""
        return tuple(t.strip() for v in self.values(name) for t in v.split(",") if t.strip())

    def request_value(self, name: str) -> str | None:
        low = name.lower()
        return next((h.value for h in self.request_headers if h.name.lower() == low), None)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def is_redirect(self) -> bool:
        return self.status in (301, 302, 303, 307, 308) and self.first("location") is not None

    def redirect_target(self) -> str | None:
        """The absolute URL the Location header points to (relative ones resolved)."""
        if not self.is_redirect:
            return None
        return resolve_url(self.url, self.first("location") or "")

    def status_text(self) -> str:
        if self.failure is not None:
            return f"no response ({self.failure.kind.value}: {self.failure.detail})"
        return f"{self.status} {self.reason}".strip()


def resolve_url(base: str, ref: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, ref.strip())
