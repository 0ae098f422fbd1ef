"""What the probe rules share: where findings point, and the browser's CORS check (Fetch standard)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model import Location, Related
from deploycheck.model.probe import (
    CorsProbe,
    EndpointProbe,
    Exchange,
    FailureKind,
    OriginKind,
    TlsProbe,
    TrustKind,
    source_related,
    url_location,
)

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"


def at_url(url: str, header: str = "", **extra: str) -> Location:
    pairs: list[tuple[str, str]] = []
    if header:
        pairs.append(("header", header))
    pairs.extend(extra.items())
    return url_location(url, *pairs)


def related(source: Location, what: str) -> tuple[Related, ...]:
    return tuple(source_related(source, what))


def request_line(exchange: Exchange) -> str:
    return f"{exchange.method} {exchange.url}"


def first_failure(probe: EndpointProbe, kinds: frozenset[FailureKind]) -> Exchange | None:
    """The first hop that failed, when its failure is of one of `kinds`."""
    for hop in probe.hops:
        if hop.failure is not None:
            return hop if hop.failure.kind in kinds else None
    return None


def quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values) if values else "none"


# -- CORS ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorsVerdict:
    """Why a browser would refuse a response, in its own words; `kind` groups the reasons."""

    kind: str  # missing | multiple | mismatch | wildcard-credentials | credentials-flag
    browser_error: str


def cors_check(exchange: Exchange, origin: str, credentials: bool) -> CorsVerdict | None:
    """The Fetch standard's CORS check on one response; None when a browser accepts it."""
    lines = exchange.values(ACAO)
    if not lines:
        return CorsVerdict("missing", "No 'Access-Control-Allow-Origin' header is present on the "
                                      "requested resource.")
    combined = ", ".join(lines)
    if len(lines) > 1 or "," in combined:
        return CorsVerdict("multiple", f"The 'Access-Control-Allow-Origin' header contains multiple "
                                       f"values '{combined}', but only one is allowed.")
    value = lines[0].strip()
    if value == "*" and not credentials:
        return None
    if value == "*":
        return CorsVerdict("wildcard-credentials",
                           "The value of the 'Access-Control-Allow-Origin' header in the response must "
                           "not be the wildcard '*' when the request's credentials mode is 'include'.")
    if value != origin:
        return CorsVerdict("mismatch", f"The 'Access-Control-Allow-Origin' header has a value '{value}' "
                                       f"that is not equal to the supplied origin.")
    if credentials:
        flag = (exchange.first(ACAC) or "").strip()
        if flag != "true":
            return CorsVerdict("credentials-flag",
                               f"The value of the 'Access-Control-Allow-Credentials' header in the response "
                               f"is '{flag}' which must be 'true' when the request's credentials mode is "
                               f"'include'.")
    return None


def checked_responses(probe: CorsProbe) -> Iterator[tuple[str, Exchange]]:
    """The responses a browser runs the CORS check on: a 2xx preflight (when the request needs
    one) and the actual response."""
    if probe.preflight_required and probe.preflight is not None and probe.preflight.ok:
        yield "preflight", probe.preflight
    if probe.actual is not None and probe.actual.status is not None:
        yield "actual", probe.actual


def configured(probe: CorsProbe) -> bool:
    return probe.origin_kind is OriginKind.CONFIGURED


def origin_source(probe: CorsProbe) -> tuple[Related, ...]:
    return related(probe.source, f"the origin {probe.origin} comes from here")


def describe(stage: str, exchange: Exchange) -> str:
    name = "preflight" if stage == "preflight" else "response"
    return f"the {name} to {request_line(exchange)} ({exchange.status_text()})"


def reflects(exchange: Exchange, origin: str) -> bool:
    return any(v.strip() == origin for v in exchange.values(ACAO))


def allows_credentials(exchange: Exchange) -> bool:
    return (exchange.first(ACAC) or "").strip().lower() == "true"


def body_hint(exchange: Exchange) -> str:
    text = exchange.body.strip().splitlines()[0][:120] if exchange.body.strip() else ""
    return f' ("{text}")' if text else ""


def connection_finding(probe: EndpointProbe, kinds: frozenset[FailureKind], consequence: str,
                       ) -> Iterator[tuple[str, Location, tuple[Related, ...]]]:
    """(message, location, related) for the first failed hop when its failure is of `kinds`."""
    hop = first_failure(probe, kinds)
    if hop is None or hop.failure is None:
        return
    via = "" if hop.url == probe.url else f" (reached by redirect from {probe.url})"
    message = f"{request_line(hop)}{via}: {hop.failure.detail}; {consequence}"
    yield message, at_url(hop.url), related(probe.source, f"{probe.url} comes from here")


# -- TLS -------------------------------------------------------------------------------------------


def cert_role(index: int, total: int) -> str:
    if index == 0:
        return "leaf"
    return f"intermediate {index}" if index < total - 1 or total == 2 else f"chain {index}"


def skipped_note(tls: TlsProbe) -> str:
    """What the run did about a certificate a verifying client rejects."""
    if tls.trust.kind in (TrustKind.OK, TrustKind.NOT_CHECKED):
        return ""
    if tls.insecure:
        return " (--insecure: the HTTP checks ran anyway)"
    return ("; the HTTP checks of this URL were skipped, as a verifying client stops here "
            "(--insecure runs them)")


def day(text: str) -> str:
    return text[:10]


# -- HSTS ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hsts:
    max_age: int | None  # None: missing or not a number
    include_subdomains: bool
    raw: str


def hsts_of(exchange: Exchange) -> Hsts | None:
    """The first Strict-Transport-Security header (RFC 6797 §8.1: later ones are ignored)."""
    raw = exchange.first("strict-transport-security")
    if raw is None:
        return None
    max_age: int | None = None
    include = False
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        key = key.strip().lower()
        if key == "max-age":
            value = value.strip().strip('"')
            max_age = int(value) if value.isdigit() else None
        elif key == "includesubdomains":
            include = True
    return Hsts(max_age, include, raw)


def last_https_response(probe: EndpointProbe) -> Exchange | None:
    responses = probe.https_responses()
    return responses[-1] if responses else None
