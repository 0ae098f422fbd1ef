"""The levels of an nginx configuration, with the settings that are in effect at each.

`HttpBlock`, `Server`, `LocationBlock` and `IfBlock` (together `Scope`) hold their own
`add_header`/`proxy_set_header` directives next to the effective ones after nginx's inheritance
(from the enclosing level only when the level has none of its own), the effective TLS and body
size settings, and the questions rules ask of a server: its listens, whether it terminates TLS,
whether plain HTTP is redirected to https, which proxy targets it holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model.location import Location, Position
from deploycheck.model.nginx.directives import Header, Listen, ProxyHeader, ProxyPass, Return
from deploycheck.model.nginx.tree import Directive


@dataclass(frozen=True, slots=True)
class IfBlock:
    """`if (condition) { ... }` inside a server or location.

    Inside a location, an `if` is a level of its own for `add_header`: headers added in it
    replace the location's. `condition` holds the arguments without the parentheses.
    """

    condition: tuple[str, ...]
    pos: Position
    path: str
    own_headers: tuple[Header, ...]
    headers: tuple[Header, ...]
    inherited_headers: tuple[Header, ...]
    proxy_headers: tuple[ProxyHeader, ...]
    returns: tuple[Return, ...]
    proxy_pass: ProxyPass | None
    sets: tuple[Directive, ...]
    opaque: bool
    directives: tuple[Directive, ...]

    kind = "if"

    @property
    def label(self) -> str:
        return "if (" + " ".join(self.condition) + ")"

    def mentions(self, variable: str) -> bool:
        return any(variable in arg for arg in self.condition)


@dataclass(frozen=True, slots=True)
class LocationBlock:
    """`location [modifier] uri { ... }` with its effective (inherited) settings.

    `headers` are the add_header headers that apply to responses here (own ones if any, else the
    enclosing level's); `inherited_headers` what the enclosing level would have given.
    `proxy_headers` likewise for proxy_set_header. `client_max_body_size` is the effective
    directive or None (nginx default 1m). `opaque`: an unreadable include at this level or above.
    """

    modifier: str
    uri: str
    pos: Position
    path: str
    own_headers: tuple[Header, ...]
    headers: tuple[Header, ...]
    inherited_headers: tuple[Header, ...]
    more_headers: tuple[Header, ...]
    own_proxy_headers: tuple[ProxyHeader, ...]
    proxy_headers: tuple[ProxyHeader, ...]
    inherited_proxy_headers: tuple[ProxyHeader, ...]
    proxy_pass: ProxyPass | None
    returns: tuple[Return, ...]
    ifs: tuple[IfBlock, ...]
    locations: tuple[LocationBlock, ...]
    client_max_body_size: Directive | None
    sets: tuple[Directive, ...]
    opaque: bool
    directives: tuple[Directive, ...]

    kind = "location"

    @property
    def label(self) -> str:
        return f"location {self.modifier + ' ' if self.modifier else ''}{self.uri}"

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)

    def sets_proxy_header(self, name: str) -> bool:
        """Whether requests proxied from here carry `name` (effective proxy_set_header)."""
        return any(h.name.lower() == name.lower() for h in self.proxy_headers)

    def all_locations(self) -> Iterator[LocationBlock]:
        yield self
        for inner in self.locations:
            yield from inner.all_locations()


@dataclass(frozen=True, slots=True)
class Server:
    """An http `server { ... }` block with its effective settings (inherited from http)."""

    pos: Position
    path: str
    listens: tuple[Listen, ...]
    server_names: tuple[str, ...]
    ssl_on: bool
    ssl_protocols: Directive | None
    ssl_ciphers: Directive | None
    ssl_certificates: tuple[Directive, ...]
    own_headers: tuple[Header, ...]
    headers: tuple[Header, ...]
    inherited_headers: tuple[Header, ...]
    more_headers: tuple[Header, ...]
    own_proxy_headers: tuple[ProxyHeader, ...]
    proxy_headers: tuple[ProxyHeader, ...]
    inherited_proxy_headers: tuple[ProxyHeader, ...]
    returns: tuple[Return, ...]
    ifs: tuple[IfBlock, ...]
    locations: tuple[LocationBlock, ...]
    client_max_body_size: Directive | None
    sets: tuple[Directive, ...]
    opaque: bool
    directives: tuple[Directive, ...]

    kind = "server"

    @property
    def label(self) -> str:
        names = [n for n in self.server_names if n and n != "_"]
        return "server " + " ".join(names[:3]) if names else "server block"

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)

    @property
    def effective_listens(self) -> tuple[Listen, ...]:
        """The listens, or nginx's implicit `listen *:80` when there is none."""
        if self.listens:
            return self.listens
        return (Listen(None, 80, False, False, False, False, False, False, self.pos, self.path),)

    @property
    def terminates_tls(self) -> bool:
        """True when clients speak TLS to this server (`listen ... ssl|quic`, or `ssl on`)."""
        return self.ssl_on or any(listen.tls for listen in self.listens)

    @property
    def tls_listens(self) -> tuple[Listen, ...]:
        if any(listen.tls for listen in self.listens):
            return tuple(listen for listen in self.listens if listen.tls)
        return self.effective_listens if self.ssl_on else ()

    @property
    def plain_listens(self) -> tuple[Listen, ...]:
        """Listens that take plain HTTP (none when `ssl on` makes every listen TLS)."""
        if self.ssl_on:
            return ()
        return tuple(listen for listen in self.effective_listens if not listen.tls)

    def ports(self) -> tuple[int, ...]:
        return tuple(sorted({lst.port for lst in self.effective_listens if lst.port is not None}))

    def all_locations(self) -> Iterator[LocationBlock]:
        for location in self.locations:
            yield from location.all_locations()

    def proxy_passes(self) -> Iterator[tuple[ProxyPass, LocationBlock | None]]:
        """Every proxy target in this server, with the location holding it (None: server-level if)."""
        for if_block in self.ifs:
            if if_block.proxy_pass:
                yield if_block.proxy_pass, None
        for location in self.all_locations():
            if location.proxy_pass:
                yield location.proxy_pass, location
            for if_block in location.ifs:
                if if_block.proxy_pass:
                    yield if_block.proxy_pass, location

    def redirects_to_https(self) -> bool:
        """Whether plain-HTTP requests to `/` are redirected to an https:// URL."""
        if any(r.to_https for r in self.returns):
            return True
        if any(r.to_https for i in self.ifs for r in i.returns):
            return True
        for location in self.locations:
            if location.modifier in ("", "^~", "=") and location.uri == "/":
                if any(r.to_https for r in location.returns):
                    return True
                if any(r.to_https for i in location.ifs for r in i.returns):
                    return True
        return False

    def mentions_header(self, name: str) -> bool:
        """Whether any level of this server (or http) adds header `name`."""
        low = name.lower()
        pools: list[tuple[Header, ...]] = [self.headers, self.more_headers]
        for location in self.all_locations():
            pools += [location.own_headers, location.more_headers]
            pools += [i.own_headers for i in location.ifs]
        return any(h.name.lower() == low for pool in pools for h in pool)


@dataclass(frozen=True, slots=True)
class HttpBlock:
    """The http level (the `http` block, or the top of a conf.d file read by the stock nginx.conf)."""

    pos: Position | None
    path: str
    own_headers: tuple[Header, ...]
    more_headers: tuple[Header, ...]
    proxy_headers: tuple[ProxyHeader, ...]
    ssl_protocols: Directive | None
    ssl_ciphers: Directive | None
    ssl_certificates: tuple[Directive, ...]
    client_max_body_size: Directive | None
    opaque: bool
    directives: tuple[Directive, ...]

    kind = "http"
    label = "http"

    @property
    def headers(self) -> tuple[Header, ...]:
        return self.own_headers

    @property
    def inherited_headers(self) -> tuple[Header, ...]:
        return ()


Scope = HttpBlock | Server | LocationBlock | IfBlock
