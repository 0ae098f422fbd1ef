"""HTTP/1.1 over sockets and `ssl`, recorded faithfully: the network side of `deploycheck probe`.

Why our own client: the checks need what libraries hide — every header line as sent (two
`Access-Control-Allow-Origin` lines must stay two), each redirect as its own exchange, the
exact way a connection fails (refused, reset after accept, empty reply, timeout, plain HTTP on a
TLS port). Every request is bounded: one deadline for connect + TLS + reply, a cap on the
header block and on the body. One request per connection (`Connection: close`).

Traffic goes only to the URLs given; redirects are followed by hand and only on the same host
(another host is recorded, not contacted). Nothing here sends a state-changing request: CORS
"actual" requests are GETs with the same Origin and headers.

The package: `settings` holds the bounds and `ClientSettings` (with the `Resolver` that
`tls_probe` shares); `failures` names what went wrong (`classify_tls_error`, `reply_failure`);
`wire` reads a response off the socket and parses its head (`parse_head`); `client` is the
`HttpClient`; `probes` holds the probes built on it (`fetch_chain`, `chain_outcome`,
`cors_probe`, `health_probe`, `metrics_probe`); `run` probes a whole list of targets
(`ProbeOptions`, `probe_targets`). This module re-exports their public names, so
`from deploycheck.gatherers.http_probe import ...` keeps working.
"""

from __future__ import annotations

from deploycheck.gatherers.http_probe.client import HttpClient
from deploycheck.gatherers.http_probe.failures import classify_tls_error, reply_failure
from deploycheck.gatherers.http_probe.probes import (
    chain_outcome,
    cors_probe,
    fetch_chain,
    health_probe,
    metrics_probe,
)
from deploycheck.gatherers.http_probe.run import ProbeOptions, probe_targets
from deploycheck.gatherers.http_probe.settings import (
    KEEP_BODY,
    MAX_HEAD,
    MAX_HEADER_LINES,
    ClientSettings,
    Resolver,
    system_resolver,
)
from deploycheck.gatherers.http_probe.wire import parse_head
from deploycheck.model.probe import resolve_url

__all__ = [
    "KEEP_BODY",
    "MAX_HEAD",
    "MAX_HEADER_LINES",
    "ClientSettings",
    "HttpClient",
    "ProbeOptions",
    "Resolver",
    "chain_outcome",
    "classify_tls_error",
    "cors_probe",
    "fetch_chain",
    "health_probe",
    "metrics_probe",
    "parse_head",
    "probe_targets",
    "reply_failure",
    "resolve_url",
    "system_resolver",
]
