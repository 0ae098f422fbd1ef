"""The probes built on `HttpClient`, each a fact for the rules: `fetch_chain` follows redirects by
hand on the same host and records every hop (`chain_outcome` says how a chain ends: done, off
host, loop, too many, failed); `cors_probe` sends what a browser would — the preflight, then the
request itself as a GET, so nothing changes on the server; `health_probe` and `metrics_probe`
fetch a health or metrics path of an endpoint."""

from __future__ import annotations

from collections.abc import Sequence

from deploycheck.gatherers.http_probe.client import HttpClient
from deploycheck.model.location import Location
from deploycheck.model.probe import (
    NOWHERE,
    CorsProbe,
    EndpointProbe,
    Exchange,
    HealthProbe,
    MetricsProbe,
    OriginKind,
    RedirectOutcome,
    host_of,
    join_path,
    needs_preflight,
)


def fetch_chain(client: HttpClient, url: str, https_url: str = "", source: Location = NOWHERE,
                ) -> EndpointProbe:
    """GET `url` and follow redirects by hand on the same host, recording every hop."""
    hops: list[Exchange] = []
    cookies: dict[str, str] = {}
    current = url
    while True:
        headers = [("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))] if cookies else []
        exchange, _ = client.request(current, "GET", headers)
        hops.append(exchange)
        for value in exchange.values("set-cookie"):
            name, sep, rest = value.partition("=")
            if sep:
                cookies[name.strip()] = rest.split(";", 1)[0].strip()
        outcome = chain_outcome(hops, client.settings.max_redirects)
        target = exchange.redirect_target()
        if outcome is not RedirectOutcome.DONE or target is None or exchange.status is None:
            break
        current = target
    return EndpointProbe(url, tuple(hops), outcome, https_url, source)


def chain_outcome(hops: Sequence[Exchange], max_redirects: int) -> RedirectOutcome:
    """How a chain of hops ends. DONE also means "go on" while the last hop redirects to a new
    URL on the same host within the limit. A URL that comes back is a loop unless the hop set a
    cookie (login flows redirect to themselves once with a new cookie)."""
    last = hops[-1]
    if last.status is None:
        return RedirectOutcome.DONE if len(hops) == 1 else RedirectOutcome.FAILED
    target = last.redirect_target()
    if target is None:
        return RedirectOutcome.DONE
    if host_of(target) != host_of(hops[0].url):
        return RedirectOutcome.OFF_HOST
    if target in {h.url for h in hops} and not last.values("set-cookie"):
        return RedirectOutcome.LOOP
    if len(hops) > max_redirects:
        return RedirectOutcome.TOO_MANY
    return RedirectOutcome.DONE


def cors_probe(client: HttpClient, url: str, origin: str, kind: OriginKind, method: str,
               headers: Sequence[tuple[str, str]], credentials: bool,
               source: Location = NOWHERE) -> CorsProbe:
    """What a browser sends for a cross-origin `method` with `headers` from `origin`: the
    preflight, then the request itself (sent as a GET, so nothing changes on the server)."""
    header_names = [f"{n}: {v}" for n, v in headers]
    requested = sorted({n.lower() for n, v in headers if needs_preflight("GET", [f"{n}: {v}"])})
    pre_headers = [("Origin", origin), ("Access-Control-Request-Method", method.upper())]
    if requested:
        pre_headers.append(("Access-Control-Request-Headers", ",".join(requested)))
    preflight, _ = client.request(url, "OPTIONS", pre_headers)
    actual_headers = [("Origin", origin), *[(n, v) for n, v in headers if n.lower() != "origin"]]
    actual, _ = client.request(url, "GET", actual_headers)
    return CorsProbe(url, origin, kind, method.upper(), tuple(header_names), credentials, preflight,
                     actual, source=source)


def health_probe(client: HttpClient, url: str, path: str, source: Location = NOWHERE) -> HealthProbe:
    exchange, _ = client.request(join_path(url, path), "GET")
    return HealthProbe(url, path, exchange, source)


def metrics_probe(client: HttpClient, url: str, path: str, source: Location = NOWHERE) -> MetricsProbe:
    from deploycheck.gatherers.metrics import metrics_fact

    exchange, body = client.request(join_path(url, path), "GET",
                                    [("Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1")])
    return metrics_fact(url, path, exchange, body, source)
