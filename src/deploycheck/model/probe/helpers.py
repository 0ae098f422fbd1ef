"""Small pure helpers the probe facts, the plan and the probe rules share.

URL parts (`scheme_of`, `host_of`), host tests (`is_ip`, `is_loopback_host`), ISO 8601 times
(`parse_time`), and where a live finding points: `NOWHERE` (what the command line gave has no
file), `url_location` and `source_related`. The records import these; this module imports no
other part of the probe package.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from deploycheck.model.location import Location

#: "No file": what the command line gave has no source in the deployment files.
NOWHERE = Location()
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


# -- helpers ----------------------------------------------------------------------------------------


def parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def scheme_of(url: str) -> str:
    return urlsplit(url).scheme.lower()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_location(url: str, *extra: tuple[str, str]) -> Location:
    """Where a live finding points: the URL, then e.g. ("header", name) or ("certificate", ...)."""
    return Location(extra=(("url", url), *extra))


def source_related(source: Location, what: str) -> tuple[Any, ...]:
    """A `Related` for a project file that named the URL, origin or path (none for the CLI)."""
    from deploycheck.model.location import Related

    if not source.path:
        return ()
    return (Related(source, what),)
