"""What a GET of a URL answers: the page with its redirects, the health path, the metrics path.

`RedirectOutcome` and `EndpointProbe` (a GET of the URL and every redirect followed by hand,
one `Exchange` per hop, with the https→http downgrades and HTTPS responses the rules read),
and `HealthProbe` and `MetricsProbe` (a GET of the health or metrics path, the latter with what
the Prometheus text parser made of the body).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from deploycheck.model.location import Location
from deploycheck.model.probe.exchange import Exchange
from deploycheck.model.probe.helpers import NOWHERE, scheme_of

# -- what one URL answers -------------------------------------------------------------------------


class RedirectOutcome(enum.Enum):
    DONE = "done"  # a final, non-redirect response (or a failure on the first request)
    LOOP = "loop"  # a URL came back
    TOO_MANY = "too-many"  # more hops than browsers follow
    OFF_HOST = "off-host"  # redirected to another host; not followed (only named hosts get traffic)
    FAILED = "failed"  # a later hop got no response


@dataclass(frozen=True, slots=True)
class EndpointProbe:
    """A GET of `url` and every redirect followed by hand, one `Exchange` per hop.

    `https_url` is an `https://` URL of the same host that the run knows to exist (given too, or
    named by the deployment files): only then does a plain-HTTP answer without a redirect matter.
    """

    url: str
    hops: tuple[Exchange, ...]
    outcome: RedirectOutcome = RedirectOutcome.DONE
    https_url: str = ""
    source: Location = NOWHERE

    @property
    def first(self) -> Exchange:
        return self.hops[0]

    @property
    def final(self) -> Exchange:
        return self.hops[-1]

    def downgrades(self) -> tuple[tuple[Exchange, str], ...]:
        """(hop, target) for every redirect from https:// to http://."""
        out = []
        for hop in self.hops:
            target = hop.redirect_target()
            if target and scheme_of(hop.url) == "https" and scheme_of(target) == "http":
                out.append((hop, target))
        return tuple(out)

    def https_responses(self) -> tuple[Exchange, ...]:
        return tuple(h for h in self.hops if h.status is not None and scheme_of(h.url) == "https")


# -- health and metrics -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HealthProbe:
    """A GET of the health path. `source`: the probe or healthcheck that names the path."""

    url: str
    path: str
    exchange: Exchange
    source: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class MetricsProbe:
    """A GET of the metrics path and what the Prometheus text parser made of its body.

    `families`/`samples` count what parsed; `error` is the parser's complaint ('' when the body
    parsed), `error_line` the 1-based line it is about (0: unknown).
    """

    url: str
    path: str
    exchange: Exchange
    families: int = 0
    samples: int = 0
    error: str = ""
    error_line: int = 0
    source: Location = NOWHERE
