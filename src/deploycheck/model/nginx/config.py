"""One assembled nginx configuration (`NginxConfig`) and where it sends requests.

`Upstream` blocks with their `UpstreamServer`s, `ProxyTarget` (a proxy directive with the
server and location holding it), `Endpoint` (a host:port requests reach, upstreams expanded),
and `NginxConfig` with the walk over every level and the CORS headers it adds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model.location import Location, Position
from deploycheck.model.nginx.directives import Header, MapBlock, ProxyPass
from deploycheck.model.nginx.scopes import HttpBlock, LocationBlock, Scope, Server
from deploycheck.model.nginx.tree import Directive


@dataclass(frozen=True, slots=True)
class UpstreamServer:
    """`server address [params];` inside an upstream. `port` None when implied (80) or a socket."""

    address: str
    host: str | None
    port: int | None
    unix: bool
    params: tuple[str, ...]
    pos: Position
    path: str

    @property
    def effective_port(self) -> int | None:
        if self.unix or self.host is None:
            return None
        return self.port if self.port is not None else 80

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)


@dataclass(frozen=True, slots=True)
class Upstream:
    """`upstream name { server ...; }`."""

    name: str
    servers: tuple[UpstreamServer, ...]
    pos: Position
    path: str


@dataclass(frozen=True, slots=True)
class ProxyTarget:
    """A proxy target with the server (and location) it belongs to."""

    proxy: ProxyPass
    server: Server
    location: LocationBlock | None

    @property
    def forwards_proto(self) -> bool:
        """Whether X-Forwarded-Proto (or Forwarded) reaches the upstream."""
        pool = self.location.proxy_headers if self.location else self.server.proxy_headers
        return any(h.name.lower() in ("x-forwarded-proto", "forwarded") for h in pool)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A host:port nginx sends requests to: a proxy target, or one server of its upstream.

    `pos`/`path` point at the line naming the host (the upstream's `server` line when the target
    is an upstream); `target` is the proxy directive the requests come through.
    """

    host: str
    port: int | None
    pos: Position
    path: str
    target: ProxyTarget

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)


@dataclass(frozen=True, slots=True)
class NginxConfig:
    """One configuration as nginx loads it: an entry file with its includes spliced in.

    `files` lists the entry and every file it includes; `unresolved_includes` the `include`
    directives that matched no project file (their levels are `opaque`).
    """

    entry: str
    files: tuple[str, ...]
    http: HttpBlock
    servers: tuple[Server, ...]
    upstreams: tuple[Upstream, ...]
    maps: tuple[MapBlock, ...]
    unresolved_includes: tuple[Directive, ...]
    directives: tuple[Directive, ...]

    def upstream(self, name: str) -> Upstream | None:
        return next((u for u in self.upstreams if u.name == name), None)

    def map_for(self, variable: str) -> MapBlock | None:
        return next((m for m in self.maps if m.variable == variable), None)

    def tls_servers(self) -> tuple[Server, ...]:
        return tuple(s for s in self.servers if s.terminates_tls)

    def listen_ports(self) -> tuple[int, ...]:
        return tuple(sorted({p for s in self.servers for p in s.ports()}))

    def proxy_targets(self) -> tuple[ProxyTarget, ...]:
        return tuple(ProxyTarget(proxy, server, location)
                     for server in self.servers for proxy, location in server.proxy_passes())

    def endpoints(self) -> tuple[Endpoint, ...]:
        """Every host:port requests are passed to, upstream blocks expanded; unix sockets and
        variable hosts left out."""
        out: list[Endpoint] = []
        upstreams: dict[str, Upstream] = {}
        for u in reversed(self.upstreams):  # the first block of a name wins, as in `upstream()`
            upstreams[u.name] = u
        for target in self.proxy_targets():
            proxy = target.proxy
            upstream = upstreams.get(proxy.upstream) if proxy.upstream else None
            if upstream is not None:
                out.extend(Endpoint(s.host, s.effective_port, s.pos, s.path, target)
                           for s in upstream.servers if s.host is not None)
            elif proxy.host is not None and not proxy.variable:
                out.append(Endpoint(proxy.host, proxy.effective_port, proxy.pos, proxy.path, target))
        return tuple(out)

    def walk_scopes(self) -> Iterator[tuple[Scope, tuple[Scope, ...]]]:
        """Every level (http, servers, locations, ifs) with its enclosing levels, outermost first."""
        yield self.http, ()
        for server in self.servers:
            chain: tuple[Scope, ...] = (self.http,)
            yield server, chain
            inner: tuple[Scope, ...] = (*chain, server)
            for if_block in server.ifs:
                yield if_block, inner
            for location in server.locations:
                yield from _walk_location(location, inner)

    def cors_headers(self) -> tuple[Header, ...]:
        """Every `add_header Access-Control-*` in the configuration, once each."""
        seen: dict[tuple[str, Position], Header] = {}
        for scope, _ in self.walk_scopes():
            for header in scope.own_headers:
                if header.name.lower().startswith("access-control-"):
                    seen.setdefault((header.path, header.pos), header)
        return tuple(seen.values())


def _walk_location(location: LocationBlock,
                   chain: tuple[Scope, ...]) -> Iterator[tuple[Scope, tuple[Scope, ...]]]:
    yield location, chain
    inner: tuple[Scope, ...] = (*chain, location)
    for if_block in location.ifs:
        yield if_block, inner
    for nested in location.locations:
        yield from _walk_location(nested, inner)
