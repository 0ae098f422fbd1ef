"""Where a server listens: `ListenAddress` (host and port as far as the source tells, and which
value part supplied each, rebuilt from parts by `ListenAddress.from_parts` with the lenient
`_split_host_port` and `_single_part`) and `ListenCall`, the server start that carries it (Gin
`Run`, `http.ListenAndServe`, an `http.Server{Addr}`, `net.Listen`, Echo and Fiber).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deploycheck.model.golang.known import LOOPBACK_HOSTS
from deploycheck.model.golang.values import ValuePart
from deploycheck.model.location import Location, Position


@dataclass(frozen=True, slots=True)
class ListenAddress:
    """An address a server listens on, as far as the source tells.

    `host` is "" for all interfaces, None when unknown; `port` None when unknown. `env_var`/
    `env_default` and `flag_name`/`flag_default` say where a value comes from; `host_part` and
    `port_part` are the parts that supplied the host and the port (to say so in messages).
    `resolved` is True when the whole address is known without run-time input.
    """

    host: str | None
    port: int | None
    raw: str
    env_var: str = ""
    env_default: str | None = None
    flag_name: str = ""
    flag_default: str | None = None
    resolved: bool = False
    host_part: ValuePart | None = None
    port_part: ValuePart | None = None

    @property
    def is_loopback(self) -> bool:
        return self.host is not None and self.host.lower() in LOOPBACK_HOSTS

    @property
    def is_all_interfaces(self) -> bool:
        return self.host in ("", "0.0.0.0", "::", "[::]")

    def text(self) -> str:
        """`127.0.0.1:8080`, with `?` for unknown pieces."""
        host = "?" if self.host is None else self.host
        port = "?" if self.port is None else str(self.port)
        if host and ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"{host}:{port}"

    @staticmethod
    def from_parts(parts: Sequence[ValuePart], raw: str) -> ListenAddress:
        chars: list[tuple[str, int]] = []  # (char, index of the part it came from); "\0" = unknown
        for index, part in enumerate(parts):
            value = part.effective()
            if value is None:
                chars.append(("\0", index))
            else:
                chars.extend((c, index) for c in value)
        env = next((p for p in parts if p.kind == "env"), None)
        flag = next((p for p in parts if p.kind == "flag"), None)
        text = "".join(c for c, _ in chars)
        resolved = "\0" not in text and env is None and flag is None
        if not chars or text == "\0":
            return ListenAddress(
                None,
                None,
                raw,
                env.text if env else "",
                env.default if env else None,
                flag.text if flag else "",
                flag.default if flag else None,
                False,
                parts[0] if len(parts) == 1 else None,
                parts[0] if len(parts) == 1 else None,
            )
        split = _split_host_port(text)
        if split is None:
            return ListenAddress(
                None,
                None,
                raw,
                env.text if env else "",
                env.default if env else None,
                flag.text if flag else "",
                flag.default if flag else None,
                False,
            )
        host_end, port_start = split
        host_chars = chars[:host_end]
        port_chars = chars[port_start:]
        host_text = "".join(c for c, _ in host_chars)
        port_text = "".join(c for c, _ in port_chars)
        host: str | None = None
        if "\0" not in host_text:
            host = host_text.strip("[]") if host_text.startswith("[") else host_text
        port: int | None = None
        if "\0" not in port_text and port_text.isdigit():
            port = int(port_text)
        elif port_text in ("http", "https"):
            port = 80 if port_text == "http" else 443
        return ListenAddress(
            host=host,
            port=port,
            raw=raw,
            env_var=env.text if env else "",
            env_default=env.default if env else None,
            flag_name=flag.text if flag else "",
            flag_default=flag.default if flag else None,
            resolved=resolved,
            host_part=_single_part(parts, host_chars),
            port_part=_single_part(parts, port_chars),
        )

    def origin(self) -> str:
        """Where the host comes from, for messages ('the default of flag -addr', ...)."""
        part = self.host_part
        if part is None or part.kind == "lit":
            return "hard-coded"
        return part.describe()


def _split_host_port(text: str) -> tuple[int, int] | None:
    """(end of host, start of port) in `text`, like net.SplitHostPort but lenient."""
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            return None
        if text[close + 1 : close + 2] == ":":
            return close + 1, close + 2
        return None
    colon = text.rfind(":")
    if colon < 0:
        return None
    if text.count(":") > 1 and "\0" not in text:
        return None  # a bare IPv6 address without brackets is not a valid listen address
    return colon, colon + 1


def _single_part(parts: Sequence[ValuePart], chars: Sequence[tuple[str, int]]) -> ValuePart | None:
    indexes = {i for _, i in chars}
    if len(indexes) == 1:
        return parts[next(iter(indexes))]
    # several parts: the one that is not a plain literal decides, if there is exactly one
    dynamic = {i for i in indexes if parts[i].kind != "lit"}
    if len(dynamic) == 1:
        return parts[next(iter(dynamic))]
    if not dynamic and indexes:
        return parts[min(indexes)]
    return None


@dataclass(frozen=True, slots=True)
class ListenCall:
    """A server start. kind: gin-run, gin-runtls, http-listenandserve, http-listenandservetls,
    http-server-addr, net-listen, echo-start, fiber-listen."""

    kind: str
    address: ListenAddress
    parts: tuple[ValuePart, ...]
    path: str
    pos: Position
    receiver: str = ""

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)

    @property
    def is_tls(self) -> bool:
        return self.kind in ("gin-runtls", "http-listenandservetls")
