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

The package, records first: `tree` holds the raw `Directive`/`NginxFile` tree, `directives` the
records of single directives (headers, proxy targets, listens, returns, maps), `scopes` the
levels with their effective settings (`HttpBlock`, `Server`, `LocationBlock`, `IfBlock`) and
`config` the assembled `NginxConfig` with its upstreams, proxy targets and endpoints. Then the
functions: `assembly` resolves includes and finds the entries (`assemble`), `build` builds the
typed levels with inheritance, reading each level's directives with `readers`.
"""

from __future__ import annotations

from deploycheck.model.nginx.assembly import MAX_EXPANDED, MAX_INCLUDE_DEPTH, assemble
from deploycheck.model.nginx.config import Endpoint, NginxConfig, ProxyTarget, Upstream, UpstreamServer
from deploycheck.model.nginx.directives import Header, Listen, MapBlock, ProxyHeader, ProxyPass, Return
from deploycheck.model.nginx.scopes import HttpBlock, IfBlock, LocationBlock, Scope, Server
from deploycheck.model.nginx.tree import Directive, NginxFile

__all__ = [
    "MAX_EXPANDED",
    "MAX_INCLUDE_DEPTH",
    "Directive",
    "Endpoint",
    "Header",
    "HttpBlock",
    "IfBlock",
    "Listen",
    "LocationBlock",
    "MapBlock",
    "NginxConfig",
    "NginxFile",
    "ProxyHeader",
    "ProxyPass",
    "ProxyTarget",
    "Return",
    "Scope",
    "Server",
    "Upstream",
    "UpstreamServer",
    "assemble",
]
