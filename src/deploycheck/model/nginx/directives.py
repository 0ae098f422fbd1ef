"""Typed records of single nginx directives: the headers, proxy targets, listens and redirects.

`Header` (`add_header`, `more_set_headers`), `ProxyHeader` (`proxy_set_header`), `ProxyPass`
(`proxy_pass` and its `grpc_`/`fastcgi_`/`uwsgi_`/`scgi_` siblings), `Listen`, `Return`
(`return` or a redirecting `rewrite`) and `MapBlock`: each keeps the path and position of the
directive it was read from. The levels that hold them are in `scopes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Location, Position


@dataclass(frozen=True, slots=True)
class Header:
    """`add_header name value [always]` (or one header of headers-more's `more_set_headers`)."""

    name: str
    value: str
    always: bool
    pos: Position
    path: str
    directive: str = "add_header"

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)

    def short(self) -> str:
        return f"{self.path}:{self.pos.line}"

    def is_named(self, name: str) -> bool:
        return self.name.lower() == name.lower()


@dataclass(frozen=True, slots=True)
class ProxyHeader:
    """`proxy_set_header name value`: a request header sent to the upstream."""

    name: str
    value: str
    pos: Position
    path: str

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)


@dataclass(frozen=True, slots=True)
class ProxyPass:
    """Where requests go: `proxy_pass`, `grpc_pass`, `fastcgi_pass`, `uwsgi_pass` or `scgi_pass`.

    `host` and `port` are None when unknown (a variable, a unix socket); `port` is None when the
    URL gives none (see `effective_port`). `upstream` names the `upstream` block the host refers
    to (nginx matches one only when the URL has no port). `url` is after `set` variables were
    substituted; `raw` as written.
    """

    directive: str
    url: str
    raw: str
    scheme: str
    host: str | None
    port: int | None
    upstream: str | None
    unix: bool
    variable: bool
    pos: Position
    path: str

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)

    @property
    def effective_port(self) -> int | None:
        """The TCP port nginx connects to, when it is known from this directive alone."""
        if self.port is not None:
            return self.port
        if self.host is None or self.upstream is not None or self.unix or self.variable:
            return None
        return 443 if self.scheme in ("https", "grpcs") else 80

    def short(self) -> str:
        return f"{self.path}:{self.pos.line}"


@dataclass(frozen=True, slots=True)
class Listen:
    """`listen [address:]port [ssl] [http2] [quic] [default_server] ...`.

    `address` is None when only a port is given (all addresses); `port` is None for a unix
    socket. A server without `listen` listens on *:80 (see `Server.effective_listens`).
    """

    address: str | None
    port: int | None
    ssl: bool
    http2: bool
    quic: bool
    default_server: bool
    proxy_protocol: bool
    unix: bool
    pos: Position
    path: str

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)

    @property
    def tls(self) -> bool:
        return self.ssl or self.quic


@dataclass(frozen=True, slots=True)
class Return:
    """`return code [text|url]`, `return url`, or a redirecting `rewrite` (code 301/302)."""

    code: int | None
    url: str | None
    pos: Position
    path: str
    directive: str = "return"

    @property
    def is_redirect(self) -> bool:
        return self.code in (301, 302, 303, 307, 308) and bool(self.url)

    @property
    def to_https(self) -> bool:
        return self.is_redirect and (self.url or "").lower().startswith("https://")


@dataclass(frozen=True, slots=True)
class MapBlock:
    """`map $source $variable { default value; key value; ... }` at http level."""

    source: str
    variable: str
    default: str | None
    entries: tuple[tuple[str, str], ...]
    pos: Position
    path: str
