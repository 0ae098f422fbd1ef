"""Listen addresses as text: `is_loopback` (does only the container itself reach this host?),
`split_hostport` (`host:port`, `[v6]:port`, `:port`, `tcp://...` into host and port, with the
server's default port) and `_binds` (host and port back into the `host:port` form kept in
`ServerCommand.binds`). Plain string work, shared by the record, the server readers and the rules.
"""

from __future__ import annotations

LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback", "::1", "[::1]"})


def is_loopback(host: str) -> bool:
    """True for an address that only the same network namespace (the container itself) reaches."""
    h = host.strip().lower().strip("[]")
    return h in LOOPBACK_NAMES or h == "::1" or h.startswith("127.") or h.endswith(".localhost")


def split_hostport(addr: str, default_port: int) -> tuple[str | None, int | None]:
    """`host:port`, `[v6]:port`, `:port`, `host`, `tcp://host:port` → (host, port).

    An empty host (`:8000`) means every interface and comes back as "0.0.0.0"; unix sockets and
    file descriptors give (None, None).
    """
    a = addr.strip()
    if a.startswith("tcp://"):
        a = a[6:]
    if a.startswith(("unix:", "fd://")):
        return None, None
    port: int | None = default_port
    if a.startswith("["):
        host, _, tail = a[1:].partition("]")
        if tail.startswith(":"):
            port = int(tail[1:]) if tail[1:].isdigit() else None
        return host, port
    if a.count(":") == 1:
        host, _, p = a.partition(":")
        port = int(p) if p.isdigit() else None
        return (host or "0.0.0.0"), port
    if a.count(":") > 1:  # bare IPv6
        return a, port
    return (a or "0.0.0.0"), port


def _binds(host: str | None, port: int | None) -> tuple[str, ...]:
    if host is None or port is None:
        return ()
    return (f"[{host}]:{port}" if ":" in host else f"{host}:{port}",)
