"""The bounds and trust every request of the HTTP client works under: the cap on a response's
header block and header lines, how much of a body an `Exchange` keeps, and `ClientSettings`
(deadline, body cap, redirect limit, trust anchors, user agent, and the resolver, passed in so
tests can fail DNS without the network). `tls_probe` shares `Resolver` and `system_resolver`."""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from deploycheck import __version__

Resolver = Callable[[str, int], Sequence[tuple[Any, ...]]]

MAX_HEAD = 64 * 1024
MAX_HEADER_LINES = 256
KEEP_BODY = 16 * 1024  # what an Exchange keeps of a body (the metrics parser sees up to max_body)


def system_resolver(host: str, port: int) -> Sequence[tuple[Any, ...]]:
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """Bounds and trust for every request. `resolver` is passed in so tests can fail DNS
    without the network; `ca_file` adds a trust anchor (like curl --cacert)."""

    timeout: float = 5.0
    max_body: int = 4 * 1024 * 1024
    max_redirects: int = 20
    insecure: bool = False
    ca_file: str = ""
    user_agent: str = f"deploycheck/{__version__} (probe)"
    resolver: Resolver = system_resolver
