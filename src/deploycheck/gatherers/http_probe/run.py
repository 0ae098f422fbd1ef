"""A whole `deploycheck probe` run: `ProbeOptions`, and `probe_targets`, which probes TLS once per
https host and port, then each target's HTTP checks (the redirect chain; unless the page failed,
CORS from each configured origin, a foreign one and `null`; then health and metrics paths) on a
thread pool, and returns the facts in target order. A certificate a verifying client would refuse
stops the HTTP checks unless `--insecure`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from deploycheck.gatherers.http_probe.client import HttpClient
from deploycheck.gatherers.http_probe.probes import cors_probe, fetch_chain, health_probe, metrics_probe
from deploycheck.gatherers.http_probe.settings import ClientSettings
from deploycheck.model.probe import (
    FOREIGN_ORIGIN,
    CorsProbe,
    EndpointProbe,
    Exchange,
    Failure,
    FailureKind,
    OriginKind,
    RedirectOutcome,
    Target,
    TlsProbe,
    TrustKind,
    host_of,
    scheme_of,
    with_peers,
)


@dataclass(frozen=True, slots=True)
class ProbeOptions:
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    concurrency: int = 8
    client: ClientSettings = field(default_factory=ClientSettings)
    tls: bool = True
    cors: bool = True


def probe_targets(targets: Sequence[Target], options: ProbeOptions,
                  progress: Callable[[str, int, int], None] | None = None) -> list[object]:
    """Probe every target: TLS once per https host and port, then each URL's HTTP checks.
    Facts come back in target order, whatever order the work finished in."""
    from deploycheck.gatherers.tls_probe import TlsSettings, probe_tls

    client = HttpClient(options.client)
    workers = max(1, min(options.concurrency, 256))
    https_by_host: dict[str, str] = {}
    for t in targets:
        if scheme_of(t.url) == "https":
            https_by_host.setdefault(host_of(t.url), t.url)
    tls_keys: dict[tuple[str, int], Target] = {}
    for t in targets:
        if scheme_of(t.url) == "https" and options.tls:
            parts = urlsplit(t.url)
            try:
                tls_keys.setdefault(((parts.hostname or "").lower(), parts.port or 443), t)
            except ValueError:
                continue
    tls_settings = TlsSettings(timeout=options.client.timeout, ca_file=options.client.ca_file,
                               insecure=options.client.insecure, resolver=options.client.resolver)
    total = len(tls_keys) + len(targets)
    done = 0
    tls_results: dict[tuple[str, int], TlsProbe] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="probe") as pool:
        futures = {key: pool.submit(probe_tls, t.url, tls_settings, t.source)
                   for key, t in tls_keys.items()}
        for key, future in futures.items():
            tls_results[key] = future.result()
            done += 1
            if progress:
                progress("probe", done, total)
        http_futures: list[Future[list[object]]] = [
            pool.submit(_probe_one, client, t, options, https_by_host.get(host_of(t.url), ""),
                        _tls_for(t.url, tls_results)) for t in targets]
        facts: list[object] = list(tls_results.values())
        for http_future in http_futures:
            facts.extend(http_future.result())
            done += 1
            if progress:
                progress("probe", done, total)
    return facts


def _tls_for(url: str, results: dict[tuple[str, int], TlsProbe]) -> TlsProbe | None:
    parts = urlsplit(url)
    try:
        return results.get(((parts.hostname or "").lower(), parts.port or 443))
    except ValueError:
        return None


def _probe_one(client: HttpClient, target: Target, options: ProbeOptions, https_url: str,
               tls: TlsProbe | None) -> list[object]:
    url = target.url
    if (tls is not None and not client.settings.insecure
            and tls.trust.kind not in (TrustKind.OK, TrustKind.NOT_CHECKED)):
        # A verifying client stops here, and so do we unless --insecure: the TLS rules say why.
        stopped = Exchange(url, "GET", failure=Failure(
            FailureKind.TLS_CERTIFICATE, f"{tls.trust.detail}; HTTP checks skipped (--insecure runs them)"))
        return [EndpointProbe(url, (stopped,), RedirectOutcome.DONE, https_url, target.source)]
    facts: list[object] = []
    page = fetch_chain(client, url, https_url if scheme_of(url) == "http" else "", target.source)
    facts.append(page)
    if page.first.failure is not None:
        return facts  # no usable answer: one finding about the connection says it all
    if options.cors:
        facts.extend(with_peers(list(_cors_all(client, target, options))))
    for ref in target.health:
        facts.append(health_probe(client, url, ref.path, ref.source))
    for ref in target.metrics:
        facts.append(metrics_probe(client, url, ref.path, ref.source))
    return facts


def _cors_all(client: HttpClient, target: Target, options: ProbeOptions) -> Iterator[CorsProbe]:
    tried: set[str] = set()
    for origin in target.origins:
        if origin.value in tried:
            continue
        tried.add(origin.value)
        yield cors_probe(client, target.url, origin.value, OriginKind.CONFIGURED, options.method,
                         options.headers, options.credentials, origin.source)
    yield cors_probe(client, target.url, FOREIGN_ORIGIN, OriginKind.FOREIGN, options.method,
                     options.headers, True)
    yield cors_probe(client, target.url, "null", OriginKind.NULL, options.method, options.headers, True)
