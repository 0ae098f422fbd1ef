"""CORS facts, probed as a browser does it, and the Fetch standard's preflight test.

`OriginKind` and `CorsProbe` (a preflight and the actual request for one origin, with what the
other origins got on the same URL), `with_peers` (fills those peer answers in), and
`needs_preflight` over the CORS-safelisted methods and headers; `FOREIGN_ORIGIN` is the origin
of our own making that no server should allow.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from deploycheck.model.location import Location
from deploycheck.model.probe.exchange import Exchange
from deploycheck.model.probe.helpers import NOWHERE

#: The origin of our own making that no server should allow (RFC 6761 reserves `.invalid`).
FOREIGN_ORIGIN = "https://deploycheck-probe.invalid"

# Methods and request headers a browser sends without a preflight (Fetch standard, "CORS-safelisted").
SIMPLE_METHODS = frozenset({"GET", "HEAD", "POST"})
_SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language", "content-type", "range"})
_SIMPLE_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})


# -- CORS as a browser does it ----------------------------------------------------------------------


class OriginKind(enum.Enum):
    CONFIGURED = "configured"  # an origin the frontend uses (--origin, or the app's CORS config)
    FOREIGN = "foreign"  # an origin of our own making that nobody should allow
    NULL = "null"  # the `null` origin of sandboxed iframes, file: pages and some redirects


@dataclass(frozen=True, slots=True)
class CorsProbe:
    """A preflight (`OPTIONS` with `Origin`, `Access-Control-Request-Method` and `-Headers`)
    and the actual request, for one origin. `credentials`: the request is made in credentials
    mode "include" (cookies, `fetch(..., {credentials: "include"})`). `peer_answers` holds, for
    every other origin tried on the same URL, the Access-Control-Allow-Origin its actual request
    got ('' for none): whether the answer depends on the Origin at all."""

    url: str
    origin: str
    origin_kind: OriginKind
    method: str
    request_headers: tuple[str, ...] = ()
    credentials: bool = False
    preflight: Exchange | None = None
    actual: Exchange | None = None
    peer_answers: tuple[tuple[str, str], ...] = ()
    source: Location = NOWHERE

    def answer(self) -> str | None:
        """The actual response's Access-Control-Allow-Origin lines joined ('' none; None no response)."""
        if self.actual is None or self.actual.status is None:
            return None
        return ", ".join(self.actual.values("access-control-allow-origin"))

    @property
    def preflight_required(self) -> bool:
        """Whether a browser sends a preflight before this request (Fetch standard)."""
        return needs_preflight(self.method, self.request_headers)

    def responses(self) -> tuple[tuple[str, Exchange], ...]:
        """("preflight"|"actual", exchange) for each exchange that got a response."""
        out = []
        if self.preflight is not None and self.preflight.status is not None:
            out.append(("preflight", self.preflight))
        if self.actual is not None and self.actual.status is not None:
            out.append(("actual", self.actual))
        return tuple(out)


def with_peers(probes: Sequence[CorsProbe]) -> list[CorsProbe]:
    """Each probe with the answers the other origins got on the same URL."""
    by_url: dict[str, list[CorsProbe]] = {}
    for p in probes:
        by_url.setdefault(p.url, []).append(p)
    out = []
    for p in probes:
        peers = tuple((o.origin, o.answer() or "") for o in by_url[p.url]
                      if o is not p and o.answer() is not None)
        out.append(dataclasses.replace(p, peer_answers=peers))
    return out


def needs_preflight(method: str, headers: Iterable[str], content_type: str = "") -> bool:
    """A request needs a preflight unless its method and every header are CORS-safelisted.
    `headers` are `Name` or `Name: value` strings; a Content-Type other than the three form
    types needs a preflight."""
    if method.upper() not in SIMPLE_METHODS:
        return True
    for raw in headers:
        name, _, value = raw.partition(":")
        low = name.strip().lower()
        if low not in _SAFELISTED_HEADERS:
            return True
        if low == "content-type":
            mime = (value or content_type).split(";", 1)[0].strip().lower()
            if not value.strip() or mime not in _SIMPLE_CONTENT_TYPES:
                return True
    return False
