"""Small readers of Compose value syntax: memory sizes, port specs and ranges, YAML 1.1 base-60
integers, command strings, and project-relative paths. Pure functions over text.
"""

from __future__ import annotations

import posixpath
import re
import shlex

_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$", re.IGNORECASE)
_EXPOSE = re.compile(r"^(\d+)(?:-(\d+))?(?:/([a-z]+))?$", re.IGNORECASE)


def parse_memory(text: str) -> int | None:
    """`512m`, `1.5g`, `1073741824` → bytes (docker's RAMInBytes units)."""
    match = _MEMORY.match(text)
    if not match:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def _parse_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _port_range(text: str) -> tuple[int, int] | None:
    start, dash, end = text.strip().partition("-")
    if not start.isdigit() or (dash and not end.isdigit()):
        return None
    low, high = int(start), int(end) if dash else int(start)
    if not (0 < low <= high <= 65535):
        return None
    return low, high


def parse_port_spec(text: str) -> tuple[str, tuple[int, int] | None, tuple[int, int], str] | None:
    """`[IP:][HOST:]CONTAINER[/PROTO]` → (host_ip, host range or None, container range, proto).

    Splits like docker's `nat.ParsePortSpec`: the last part is the container port, the one
    before it the host port, anything before that the IP (`[::1]` brackets allowed).
    """
    spec = text.strip()
    proto = "tcp"
    if "/" in spec:
        spec, _, proto = spec.rpartition("/")
        proto = proto.lower()
        if proto not in ("tcp", "udp", "sctp"):
            return None
    parts = spec.split(":")
    container = parts[-1]
    host = parts[-2] if len(parts) >= 2 else ""
    ip = ":".join(parts[:-2]) if len(parts) >= 3 else ""
    if ip.startswith("[") and ip.endswith("]"):
        ip = ip[1:-1]
    crange = _port_range(container)
    if crange is None:
        return None
    hrange = None
    if host:
        hrange = _port_range(host)
        if hrange is None:
            return None
        host_len = hrange[1] - hrange[0]
        cont_len = crange[1] - crange[0]
        if cont_len and host_len != cont_len:
            return None
    return ip, hrange, crange, proto


def _base60(text: str) -> int:
    value = 0
    for part in text.split(":"):
        value = value * 60 + int(part.replace("_", "") or "0")
    return value


def _split_command(text: str) -> tuple[str, ...]:
    try:
        return tuple(shlex.split(text))
    except ValueError:
        return tuple(text.split())


def _join(directory: str, rel: str) -> str:
    if rel.startswith("/"):
        return posixpath.normpath(rel)
    joined = posixpath.normpath(posixpath.join(directory, rel)) if rel else directory
    return "" if joined == "." else joined


def _is_remote(context: str) -> bool:
    return "://" in context or context.startswith(("git@", "github.com/")) or context.endswith(".git")
