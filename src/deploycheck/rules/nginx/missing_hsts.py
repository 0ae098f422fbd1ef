from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, TextEdit, Violation
from deploycheck.model.nginx import Listen, NginxConfig, Server
from deploycheck.rules.nginx._common import HSTS

_LOCAL = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


def _has_hsts(config: NginxConfig, server: Server) -> bool:
    pools = (config.http.own_headers, config.http.more_headers, server.inherited_headers)
    return server.mentions_header(HSTS) or any(h.name.lower() == HSTS for p in pools for h in p)


class MissingHsts(Rule[NginxConfig]):
    """An HTTPS server that never sends `Strict-Transport-Security`.

    ## Why
    Without HSTS a browser keeps trying `http://` first for typed names and old links, so an
    attacker on the network can answer that first plain request (SSL stripping). When TLS ends
    at nginx the header belongs there: an app that adds it only when it sees TLS itself
    (`if c.Request.TLS != nil`) never does behind the proxy (T7;
    GetPageSpeed/ngx_security_headers#12). The rule looks at every level of the server (http,
    server, each location and `if`) and stays quiet when any of them adds the header; a
    location whose own `add_header` drops it is DC404's finding. Servers that only `return`
    (canonical-host redirects) and servers with an `include` the project does not hold are
    skipped. Add `always`, or error pages (and the first visit, if it errs) go out without it.

    ## Bad
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        server_name example.com;
        ssl_certificate     /etc/ssl/site/fullchain.pem;
        ssl_certificate_key /etc/ssl/site/privkey.pem;
        location / {
            proxy_pass http://app:8000;
        }
    }
    ```

    ## Good
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        server_name example.com;
        ssl_certificate     /etc/ssl/site/fullchain.pem;
        ssl_certificate_key /etc/ssl/site/privkey.pem;
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        location / {
            proxy_pass http://app:8000;
        }
    }
    ```

    ## Fix
    Add `add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;` to
    the server block (and to any location that has its own `add_header`).
    """

    code = "DC403"
    name = "nginx-missing-hsts"
    category = Category.TLS
    severity = Severity.WARNING
    target = NginxConfig
    fix = ('add `add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;` '
           "to the server block")

    def check(self, model: NginxConfig, options: NoOptions) -> Iterator[Violation]:
        for server in model.servers:
            if not server.terminates_tls or server.returns:
                continue
            if server.server_names and set(server.server_names) <= _LOCAL:
                continue  # HSTS on localhost would stick to every local port
            if server.opaque or any(loc.opaque for loc in server.all_locations()):
                continue
            if _has_hsts(model, server):
                continue
            listen = server.tls_listens[0]
            yield Violation(
                f"HTTPS {server.label} ({server.path}:{server.pos.line}) never sends "
                f"Strict-Transport-Security, so browsers keep trying http:// first and a network "
                f"attacker can strip TLS from that first request (unless the app behind adds the "
                f"header itself)",
                Location.at(listen.path, listen.pos),
                edits=_add_hsts(server, listen),
            )


_HSTS_LINE = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;'


def _add_hsts(server: Server, listen: Listen) -> tuple[TextEdit, ...]:
    """The header on its own line after the TLS `listen`, indented like it, when the server
    block goes on past that line."""
    line = listen.pos.line
    if listen.path != server.path or line <= server.pos.line or not any(
            d.pos.line > line for d in server.directives):
        return ()
    indent = " " * (listen.pos.column - 1)
    edits = [TextEdit(listen.path, line + 1, 1, line + 1, 1, f"{indent}{_HSTS_LINE}\n")]
    # A location with its own add_header inherits none from the server: it gets its own copy,
    # right before its first add_header (else the fix would only trade DC403 for DC404).
    for location in server.all_locations():
        first = min(location.own_headers, key=lambda h: (h.pos.line, h.pos.column), default=None)
        if first is not None:
            pad = " " * (first.pos.column - 1)
            edits.append(TextEdit(first.path, first.pos.line, 1, first.pos.line, 1,
                                  f"{pad}{_HSTS_LINE}\n"))
    return tuple(edits)
