"""nginx configuration: the directive tree of one file, and the assembled configuration.

The parser gives one `NginxFile` per nginx file: a tree of `Directive`s with 1-based positions.
`assemble` joins files through `include` (resolved against the project's files, relative to the
main file's folder as nginx does, or by the tail of absolute paths such as
`/etc/nginx/conf.d/*.conf`) into one `NginxConfig` per entry file (a file no other file
includes), with typed views that apply nginx's inheritance rules:

* `add_header` and `proxy_set_header` are inherited from the enclosing level only when the level
  itself has none of them: one `add_header` in a location drops every header the server set.
* `ssl_protocols`, `ssl_ciphers`, `ssl_certificate` and `client_max_body_size` fall back to the
  enclosing level.

An `include` the project does not hold makes the levels at and below it `opaque`: rules that
would claim something is missing stay quiet there. Well-known stock files are understood
(`proxy_params` sets Host and X-Forwarded-*; `mime.types`, `fastcgi_params`... set no header).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from deploycheck.model.location import Location, Position

# --------------------------------------------------------------------------- the raw tree


@dataclass(frozen=True, slots=True)
class Directive:
    """One directive: `name args...;` or `name args... { block }`, as written in `path`.

    `block` is None for a simple directive and a tuple (maybe empty) for a block. `arg_pos`
    holds the position of each argument (same length as `args`). Quotes are removed from args.
    """

    name: str
    args: tuple[str, ...]
    pos: Position
    path: str
    block: tuple[Directive, ...] | None = None
    arg_pos: tuple[Position, ...] = ()

    @property
    def is_block(self) -> bool:
        return self.block is not None

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if -len(self.args) <= index < len(self.args) else default

    def arg_location(self, index: int) -> Location:
        if 0 <= index < len(self.arg_pos):
            return Location.at(self.path, self.arg_pos[index])
        return self.location

    def children(self, name: str) -> tuple[Directive, ...]:
        return tuple(d for d in self.block or () if d.name == name)

    def first(self, name: str) -> Directive | None:
        return next((d for d in self.block or () if d.name == name), None)

    def walk(self) -> Iterator[Directive]:
        """This directive and every directive nested in it, in file order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            if node.block:
                stack.extend(reversed(node.block))

    def short(self) -> str:
        """`path:line` for messages."""
        return f"{self.path}:{self.pos.line}"


@dataclass(frozen=True, slots=True)
class NginxFile:
    """One nginx configuration file.

    `context` is the level its top-level directives belong to, judged from what they are:
    "main" (holds `http` or `events`), "http" (holds `server`, `upstream` or `map`, like a
    conf.d file), "server" (holds `location`, `listen` or `server_name`, a snippet included in a
    server) or "any" (settings valid at several levels, like an SSL or headers snippet).
    """

    path: str
    directives: tuple[Directive, ...]
    context: str = "any"

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    def walk(self) -> Iterator[Directive]:
        for top in self.directives:
            yield from top.walk()

    def find(self, name: str) -> Iterator[Directive]:
        """Every directive called `name`, at any depth, in file order."""
        return (d for d in self.walk() if d.name == name)


# --------------------------------------------------------------------------- typed views


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


# --------------------------------------------------------------------------- assembly

MAX_INCLUDE_DEPTH = 16
MAX_EXPANDED = 200_000  # directives per configuration, against include fan-out bombs

# Stock files nginx packages ship, by base name: they set no header, proxy header or TLS setting
# the rules read, so not having them in the project is no reason for doubt.
_BENIGN_INCLUDES = frozenset({
    "mime.types", "fastcgi_params", "fastcgi.conf", "uwsgi_params", "scgi_params", "koi-utf",
    "koi-win", "win-utf", "fastcgi-php.conf", "options-ssl-nginx.conf",
})
# Debian/Ubuntu's /etc/nginx/proxy_params.
_PROXY_PARAMS = (("Host", "$http_host"), ("X-Real-IP", "$remote_addr"),
                 ("X-Forwarded-For", "$proxy_add_x_forwarded_for"), ("X-Forwarded-Proto", "$scheme"))
_NGINX_PREFIXES = ("etc/nginx/", "usr/local/nginx/conf/", "usr/local/etc/nginx/", "opt/nginx/conf/",
                   "usr/local/openresty/nginx/conf/", "etc/openresty/")


class _Index:
    """Project nginx files by path, folder, base name and parent folder name."""

    def __init__(self, files: Sequence[NginxFile]) -> None:
        self.by_path = {f.path: f for f in files}
        self.by_dir: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        self.by_parent: dict[str, list[str]] = {}
        for f in files:
            parts = f.path.split("/")
            self.by_dir.setdefault(f.directory, []).append(f.path)
            self.by_name.setdefault(parts[-1], []).append(f.path)
            if len(parts) > 1:
                self.by_parent.setdefault(parts[-2], []).append(f.path)

    def at(self, pattern: str) -> list[str]:
        """Files matching a project-relative path pattern (glob per path segment)."""
        pattern = posixpath.normpath(pattern)
        if pattern.startswith("../") or pattern == "..":
            return []
        if not _has_magic(pattern):
            return [pattern] if pattern in self.by_path else []
        folder, _, name = pattern.rpartition("/")
        if not _has_magic(folder):
            return sorted(p for p in self.by_dir.get(folder, ()) if fnmatch.fnmatchcase(
                p.rpartition("/")[2], name))
        return sorted(p for p in self.by_path if _segments_match(p.split("/"), pattern.split("/")))

    def by_tail(self, pattern: str, near: str) -> list[str]:
        """Files whose last segments match the pattern's (at least folder + name when it has a
        folder), preferring those nearest to `near` (longest shared folder prefix)."""
        segs = [s for s in pattern.split("/") if s and s != "."]
        if not segs or ".." in segs:
            return []
        need = min(len(segs), 2)
        name, parent = segs[-1], (segs[-2] if len(segs) > 1 else None)
        if not _has_magic(name):
            pool = self.by_name.get(name, [])
        elif parent is not None and not _has_magic(parent):
            pool = self.by_parent.get(parent, [])
        else:
            pool = list(self.by_path)
        found = []
        for path in pool:
            parts = path.split("/")
            if len(parts) >= need and _segments_match(parts[-need:], segs[-need:]):
                found.append(path)
        if not found:
            return []
        near_parts = near.split("/")

        def shared(path: str) -> int:
            count = 0
            for a, b in zip(path.split("/")[:-1], near_parts, strict=False):
                if a != b:
                    break
                count += 1
            return count

        best = max(shared(p) for p in found)
        return sorted(p for p in found if shared(p) == best)


def _has_magic(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _segments_match(parts: Sequence[str], pattern: Sequence[str]) -> bool:
    return len(parts) == len(pattern) and all(
        fnmatch.fnmatchcase(p, q) for p, q in zip(parts, pattern, strict=True))


def _resolve(index: _Index, pattern: str, includer: str, entry_dir: str) -> list[str]:
    """The project files an `include pattern` in file `includer` loads."""
    if not pattern or "$" in pattern:
        return []
    includer_dir = includer.rpartition("/")[0]
    if pattern.startswith("/"):
        rel = pattern.lstrip("/")
        for prefix in _NGINX_PREFIXES:
            if rel.startswith(prefix):
                found = index.at(posixpath.join(entry_dir, rel[len(prefix):]))
                if found:
                    return found
        return index.by_tail(rel, includer)
    # nginx resolves relative includes against its prefix (the main file's folder).
    for base in dict.fromkeys((entry_dir, includer_dir)):
        found = index.at(posixpath.join(base, pattern) if base else pattern)
        if found:
            return found
    return index.by_tail(pattern, includer)


class _Expander:
    """Splices included files into an entry file's tree, guarding against loops and fan-out."""

    def __init__(self, index: _Index, entry: NginxFile) -> None:
        self.index = index
        self.entry_dir = entry.directory
        self.count = 0
        self.files: dict[str, None] = {entry.path: None}
        self.unresolved: list[Directive] = []

    def block(self, items: Sequence[Directive], stack: tuple[str, ...]) -> tuple[Directive, ...]:
        out: list[Directive] = []
        for d in items:
            self.count += 1
            if self.count > MAX_EXPANDED:
                break
            if d.name == "include" and d.block is None and len(d.args) == 1:
                out.extend(self.include(d, stack))
            elif d.block is not None:
                out.append(dataclasses.replace(d, block=self.block(d.block, stack)))
            else:
                out.append(d)
        return tuple(out)

    def include(self, d: Directive, stack: tuple[str, ...]) -> list[Directive]:
        pattern = d.args[0]
        found = _resolve(self.index, pattern, d.path, self.entry_dir)
        if not found:
            base = pattern.rpartition("/")[2]
            if base == "proxy_params":
                return [Directive("proxy_set_header", (name, value), d.pos, d.path)
                        for name, value in _PROXY_PARAMS]
            if base in _BENIGN_INCLUDES or _has_magic(pattern):
                # nginx accepts a glob matching nothing; a missing stock file sets nothing we read.
                return []
            self.unresolved.append(d)
            return [d]
        out: list[Directive] = []
        for path in found:
            if path in stack or len(stack) >= MAX_INCLUDE_DEPTH:
                continue  # an include loop (nginx would recurse until it fails); read once
            self.files[path] = None
            out.extend(self.block(self.index.by_path[path].directives, (*stack, path)))
        return out


def assemble(models: Sequence[object]) -> tuple[object, ...]:
    """One `NginxConfig` per entry: a file that no other project file includes.

    Files that hold servers but no `http` block (conf.d and sites-enabled files) and that nothing
    includes are read together, per folder and in name order, as the stock nginx.conf's
    `include /etc/nginx/conf.d/*.conf;` would load them.
    """
    files = [m for m in models if isinstance(m, NginxFile)]
    if not files:
        return ()
    index = _Index(files)
    included: set[str] = set()
    for f in files:
        for d in f.walk():
            if d.name == "include" and len(d.args) == 1:
                for path in _resolve(index, d.args[0], f.path, f.directory):
                    if path != f.path:
                        included.add(path)
    groups: dict[str, list[NginxFile]] = {}
    for f in files:
        if f.path in included:
            continue
        key = f"dir:{f.directory}" if f.context == "http" else f"file:{f.path}"
        groups.setdefault(key, []).append(f)
    configs: list[object] = []
    for group in groups.values():
        group.sort(key=lambda g: g.path)
        expander = _Expander(index, group[0])
        tree: tuple[Directive, ...] = ()
        for f in group:
            expander.files[f.path] = None
            tree += expander.block(f.directives, (f.path,))
        configs.append(_build_config(group[0], tree, tuple(expander.files),
                                     tuple(expander.unresolved)))
    return tuple(configs)


# --------------------------------------------------------------------------- view building

_LISTEN_FLAGS = {"ssl", "http2", "quic", "default_server", "default", "proxy_protocol"}
_URL = re.compile(r"^(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://)?(?P<rest>.*)$", re.S)


def _last(items: Sequence[Directive], name: str) -> Directive | None:
    found = None
    for d in items:
        if d.name == name:
            found = d
    return found


def _headers(items: Sequence[Directive]) -> tuple[Header, ...]:
    out = []
    for d in items:
        if d.name == "add_header" and len(d.args) >= 2:
            always = any(a.lower() == "always" for a in d.args[2:])
            out.append(Header(d.args[0], d.args[1], always, d.pos, d.path))
    return tuple(out)


def _more_headers(items: Sequence[Directive]) -> tuple[Header, ...]:
    out = []
    for d in items:
        if d.name == "more_set_headers":
            for arg in d.args:
                name, sep, value = arg.partition(":")
                if sep and not arg.startswith("-"):
                    out.append(Header(name.strip(), value.strip(), True, d.pos, d.path, d.name))
    return tuple(out)


def _proxy_headers(items: Sequence[Directive]) -> tuple[ProxyHeader, ...]:
    return tuple(ProxyHeader(d.args[0], d.args[1], d.pos, d.path)
                 for d in items if d.name == "proxy_set_header" and len(d.args) >= 2)


def _returns(items: Sequence[Directive]) -> tuple[Return, ...]:
    out = []
    for d in items:
        if d.name == "return" and d.args:
            first = d.args[0]
            if first.isdigit():
                code = int(first)
                url = d.args[1] if len(d.args) > 1 and code in (301, 302, 303, 307, 308) else None
                out.append(Return(code, url, d.pos, d.path))
            else:
                out.append(Return(302, first, d.pos, d.path))
        elif d.name == "rewrite" and len(d.args) >= 2:
            target, flag = d.args[1], d.arg(2)
            if flag in ("redirect", "permanent") or target.startswith(("http://", "https://", "$scheme")):
                out.append(Return(301 if flag == "permanent" else 302, target, d.pos, d.path, "rewrite"))
    return tuple(out)


def _has_unknown_include(items: Sequence[Directive]) -> bool:
    # After expansion, an `include` still in the tree is one no project file answered.
    return any(d.name == "include" for d in items)


def _substitute(url: str, sets: dict[str, str]) -> str:
    if url.startswith("$"):
        match = re.match(r"\$\{?(\w+)\}?", url)
        if match and match.group(1) in sets:
            return sets[match.group(1)] + url[match.end():]
    return url


def _proxy_pass(items: Sequence[Directive], sets: dict[str, str],
                upstreams: frozenset[str]) -> ProxyPass | None:
    for d in items:
        if d.name in ("proxy_pass", "grpc_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass") and d.args:
            return _parse_target(d, _substitute(d.args[0], sets), upstreams)
    return None


def _split_host_port(hostport: str) -> tuple[str | None, int | None]:
    if hostport.startswith("["):
        host, _, rest = hostport[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif hostport.count(":") == 1:
        host, _, port_text = hostport.partition(":")
    else:
        host, port_text = hostport, ""
    port = int(port_text) if port_text.isdigit() and 0 < int(port_text) < 65536 else None
    return (host or None), port


def _parse_target(d: Directive, url: str, upstreams: frozenset[str]) -> ProxyPass:
    match = _URL.match(url)
    scheme = (match.group("scheme") or "").lower() if match else ""
    rest = match.group("rest") if match else url
    if not scheme:
        scheme = {"grpc_pass": "grpc", "fastcgi_pass": "fastcgi", "uwsgi_pass": "uwsgi",
                  "scgi_pass": "scgi"}.get(d.name, "http")
    hostport = rest.split("/", 1)[0]
    if hostport.startswith("unix:") or rest.startswith("unix:"):
        return ProxyPass(d.name, url, d.args[0], scheme, None, None, None, True, False, d.pos, d.path)
    variable = "$" in hostport
    host, port = (None, None) if variable else _split_host_port(hostport)
    upstream = host if host in upstreams and port is None else None
    return ProxyPass(d.name, url, d.args[0], scheme, host, port, upstream, False, variable,
                     d.pos, d.path)


def _parse_listen(d: Directive) -> Listen:
    spec = d.arg(0)
    flags = {a.lower() for a in d.args[1:]}
    ssl, http2, quic = "ssl" in flags, "http2" in flags, "quic" in flags
    default = "default_server" in flags or "default" in flags
    proxy_protocol = "proxy_protocol" in flags
    if spec.startswith("unix:"):
        return Listen(spec, None, ssl, http2, quic, default, proxy_protocol, True, d.pos, d.path)
    if spec.isdigit():
        return Listen(None, int(spec), ssl, http2, quic, default, proxy_protocol, False, d.pos, d.path)
    host, port = _split_host_port(spec)
    if port is None:
        port = 80  # an address alone listens on port 80
    address = None if host in (None, "*") else host
    return Listen(address, port, ssl, http2, quic, default, proxy_protocol, False, d.pos, d.path)


def _sets(items: Sequence[Directive]) -> tuple[Directive, ...]:
    return tuple(d for d in items if d.name == "set" and len(d.args) >= 2)


def _set_values(items: Sequence[Directive], outer: dict[str, str]) -> dict[str, str]:
    values = dict(outer)
    for d in _sets(items):
        if "$" not in d.args[1]:
            values[d.args[0].lstrip("$").strip("{}")] = d.args[1]
    return values


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
