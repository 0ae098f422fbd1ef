"""Readers of directive lists: the typed records of `directives` taken from one level's items.

Each function looks at the directives of a single level (no inheritance here, that is
`build`'s part): the last directive of a name, `add_header` and `more_set_headers` headers,
`proxy_set_header`s, returns and redirecting rewrites, the proxy target (after `set` variables
are substituted), listens, and the host:port split shared with upstream servers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from deploycheck.model.nginx.directives import Header, Listen, ProxyHeader, ProxyPass, Return
from deploycheck.model.nginx.tree import Directive

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
