"""View building: the typed levels of one spliced tree, with nginx's inheritance applied.

`_build_config` reads the http level (the `http` blocks, or the top of a conf.d file), its
upstreams and maps, and `_Builder` builds each server, location and if with the headers, proxy
headers, TLS settings, body size and `set` values they inherit from the enclosing level.
"""

from __future__ import annotations

from deploycheck.model.nginx.config import NginxConfig, Upstream, UpstreamServer
from deploycheck.model.nginx.directives import Header, MapBlock, ProxyHeader
from deploycheck.model.nginx.readers import (
    _has_unknown_include,
    _headers,
    _last,
    _more_headers,
    _parse_listen,
    _proxy_headers,
    _proxy_pass,
    _returns,
    _set_values,
    _sets,
    _split_host_port,
)
from deploycheck.model.nginx.scopes import HttpBlock, IfBlock, LocationBlock, Server
from deploycheck.model.nginx.tree import Directive, NginxFile


class _Builder:
    def __init__(self, upstreams: frozenset[str]) -> None:
        self.upstreams = upstreams

    def if_block(self, d: Directive, parent_headers: tuple[Header, ...],
                 parent_proxy: tuple[ProxyHeader, ...], sets: dict[str, str],
                 opaque: bool) -> IfBlock:
        items = d.block or ()
        own = _headers(items)
        return IfBlock(
            condition=d.args, pos=d.pos, path=d.path, own_headers=own,
            headers=own or parent_headers, inherited_headers=parent_headers,
            proxy_headers=parent_proxy, returns=_returns(items),
            proxy_pass=_proxy_pass(items, _set_values(items, sets), self.upstreams),
            sets=_sets(items), opaque=opaque or _has_unknown_include(items), directives=items)

    def location(self, d: Directive, parent_headers: tuple[Header, ...],
                 parent_proxy: tuple[ProxyHeader, ...], parent_body: Directive | None,
                 sets: dict[str, str], opaque: bool) -> LocationBlock:
        items = d.block or ()
        modifier, uri = (d.args[0], d.arg(1)) if len(d.args) >= 2 else ("", d.arg(0))
        own = _headers(items)
        own_proxy = _proxy_headers(items)
        headers = own or parent_headers
        proxy = own_proxy or parent_proxy
        body = _last(items, "client_max_body_size") or parent_body
        here_sets = _set_values(items, sets)
        opaque = opaque or _has_unknown_include(items)
        return LocationBlock(
            modifier=modifier, uri=uri, pos=d.pos, path=d.path, own_headers=own, headers=headers,
            inherited_headers=parent_headers, more_headers=_more_headers(items),
            own_proxy_headers=own_proxy, proxy_headers=proxy, inherited_proxy_headers=parent_proxy,
            proxy_pass=_proxy_pass(items, here_sets, self.upstreams), returns=_returns(items),
            ifs=tuple(self.if_block(i, headers, proxy, here_sets, opaque)
                      for i in items if i.name == "if" and i.block is not None),
            locations=tuple(self.location(i, headers, proxy, body, here_sets, opaque)
                            for i in items if i.name == "location" and i.block is not None),
            client_max_body_size=body, sets=_sets(items), opaque=opaque, directives=items)

    def server(self, d: Directive, http: HttpBlock) -> Server:
        items = d.block or ()
        own = _headers(items)
        own_proxy = _proxy_headers(items)
        headers = own or http.own_headers
        proxy = own_proxy or http.proxy_headers
        body = _last(items, "client_max_body_size") or http.client_max_body_size
        sets = _set_values(items, {})
        opaque = http.opaque or _has_unknown_include(items)
        names: list[str] = []
        for sn in items:
            if sn.name == "server_name":
                names.extend(a.lower() for a in sn.args)
        ssl = _last(items, "ssl")
        certificates = tuple(c for c in items if c.name == "ssl_certificate" and c.args)
        return Server(
            pos=d.pos, path=d.path,
            listens=tuple(_parse_listen(i) for i in items if i.name == "listen" and i.args),
            server_names=tuple(names), ssl_on=bool(ssl and ssl.arg(0).lower() == "on"),
            ssl_protocols=_last(items, "ssl_protocols") or http.ssl_protocols,
            ssl_ciphers=_last(items, "ssl_ciphers") or http.ssl_ciphers,
            ssl_certificates=certificates or http.ssl_certificates,
            own_headers=own, headers=headers, inherited_headers=http.own_headers,
            more_headers=_more_headers(items), own_proxy_headers=own_proxy, proxy_headers=proxy,
            inherited_proxy_headers=http.proxy_headers, returns=_returns(items),
            ifs=tuple(self.if_block(i, headers, proxy, sets, opaque)
                      for i in items if i.name == "if" and i.block is not None),
            locations=tuple(self.location(i, headers, proxy, body, sets, opaque)
                            for i in items if i.name == "location" and i.block is not None),
            client_max_body_size=body, sets=_sets(items), opaque=opaque, directives=items)


def _http_levels(tree: tuple[Directive, ...]) -> list[tuple[Directive | None, tuple[Directive, ...]]]:
    blocks = [d for d in tree if d.name == "http" and d.block is not None]
    if blocks:
        return [(b, b.block or ()) for b in blocks]
    # A file without `http` is read inside the stock nginx.conf's http block (conf.d files).
    return [(None, tree)]


def _build_config(entry: NginxFile, tree: tuple[Directive, ...], files: tuple[str, ...],
                  unresolved: tuple[Directive, ...]) -> NginxConfig:
    levels = _http_levels(tree)
    first_block, first_items = levels[0]
    http_items = tuple(d for _, items in levels for d in items)
    upstreams: list[Upstream] = []
    maps: list[MapBlock] = []
    for d in http_items:
        if d.name == "upstream" and d.block is not None and d.args:
            upstreams.append(Upstream(d.args[0], tuple(_upstream_server(s) for s in d.block
                                                       if s.name == "server" and s.args),
                                      d.pos, d.path))
        elif d.name == "map" and d.block is not None and len(d.args) >= 2:
            entries = tuple((e.name, e.arg(0)) for e in d.block
                            if e.name not in ("hostnames", "volatile", "include") and e.args)
            default = next((v for k, v in entries if k == "default"), None)
            maps.append(MapBlock(d.args[0], d.args[1].lstrip("$"), default, entries, d.pos, d.path))
    http = HttpBlock(
        pos=first_block.pos if first_block else None,
        path=first_block.path if first_block else entry.path,
        own_headers=_headers(first_items), more_headers=_more_headers(first_items),
        proxy_headers=_proxy_headers(first_items),
        ssl_protocols=_last(first_items, "ssl_protocols"),
        ssl_ciphers=_last(first_items, "ssl_ciphers"),
        ssl_certificates=tuple(c for c in first_items if c.name == "ssl_certificate" and c.args),
        client_max_body_size=_last(first_items, "client_max_body_size"),
        opaque=_has_unknown_include(first_items), directives=first_items)
    builder = _Builder(frozenset(u.name for u in upstreams))
    servers = tuple(builder.server(d, http) for d in http_items
                    if d.name == "server" and d.block is not None)
    return NginxConfig(entry.path, files, http, servers, tuple(upstreams), tuple(maps), unresolved,
                       tree)


def _upstream_server(d: Directive) -> UpstreamServer:
    address = d.args[0]
    params = d.args[1:]
    if address.startswith("unix:"):
        return UpstreamServer(address, None, None, True, params, d.pos, d.path)
    host, port = _split_host_port(address)
    return UpstreamServer(address, host, port, False, params, d.pos, d.path)
