from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.nginx import NginxConfig, Server


def _concrete(name: str) -> bool:
    return bool(name) and name != "_" and not name.startswith(("~", ".", "*")) and "*" not in name


def _matches(pattern: str, name: str) -> bool:
    if pattern.startswith("~"):
        try:
            return re.search(pattern[1:], name) is not None
        except re.error:
            return False
    if pattern.startswith("*."):
        return name.endswith(pattern[1:])
    if pattern.endswith(".*"):
        return name.startswith(pattern[:-1])
    if pattern.startswith("."):
        return name == pattern[1:] or name.endswith(pattern)
    return False


def _on_80(server: Server) -> bool:
    return any(listen.port == 80 for listen in server.plain_listens)


def _catch_all(server: Server) -> bool:
    return not server.server_names or all(n in ("", "_", "localhost") for n in server.server_names)


def _handler(name: str, servers: list[Server]) -> Server | None:
    """The plain-HTTP server nginx picks for Host `name` on port 80: exact name, wildcard, regex,
    then the default_server (or the first server). The fallback is used only when that server is
    a catch-all (`default_server`, `server_name _` or none): a port-80 server written for another
    name is not taken to answer for this one."""
    if name:
        for server in servers:
            if name in server.server_names:
                return server
        for rank in ("*", "~"):
            for server in servers:
                if any(_matches(p, name) for p in server.server_names
                       if (p.startswith("~") if rank == "~" else not p.startswith("~"))):
                    return server
    for server in servers:
        if any(listen.default_server and listen.port == 80 for listen in server.plain_listens):
            return server
    return servers[0] if _catch_all(servers[0]) else None


class HttpNotRedirected(Rule[NginxConfig]):
    """A name served over HTTPS is also answered over plain HTTP on port 80 without a redirect.

    ## Why
    When the port-80 server that nginx picks for a name also served over HTTPS serves content
    instead of redirecting, visitors who type the name, or follow an old `http://` link, stay on
    unencrypted HTTP: cookies and logins travel in clear text, and with HSTS missing (DC403)
    nothing ever moves them to HTTPS. It often happens when certbot's redirect block is deleted, or
    when `listen 80;` and `listen 443 ssl;` share one server block with no scheme check (T1, T7).
    nginx picks the port-80 server by exact name, then wildcard, then regex, then the
    `default_server` (or the first one); the rule follows that order but blames a fallback server
    only when it is a catch-all (`default_server`, `server_name _` or no name), not one written
    for another name. Servers that `return` something at server level (a redirect, `444`,
    certbot's `return 404`) are treated as not serving content.

    ## Bad
    ```nginx/conf.d/site.conf
    server {
        listen 80;
        server_name example.com;
        location / {
            proxy_pass http://app:8000;
        }
    }
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
        listen 80;
        server_name example.com;
        location /.well-known/acme-challenge/ {
            root /var/www/certbot;
        }
        location / {
            return 301 https://$host$request_uri;
        }
    }
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

    ## Fix
    Make the port-80 server redirect: `return 301 https://$host$request_uri;` (at server level,
    or in `location /` when ACME challenges must still be served over HTTP).
    """

    code = "DC405"
    name = "nginx-http-not-redirected"
    category = Category.TLS
    severity = Severity.WARNING
    target = NginxConfig
    fix = "redirect plain HTTP: `return 301 https://$host$request_uri;` in the port-80 server"

    def check(self, model: NginxConfig, options: NoOptions) -> Iterator[Violation]:
        plain = [s for s in model.servers if _on_80(s)]
        tls = model.tls_servers()
        if not plain or not tls:
            return
        found: dict[int, tuple[Server, list[str], Server]] = {}
        for secure in tls:
            names = [n for n in secure.server_names if _concrete(n)]
            if not names and not any(n and n != "_" for n in secure.server_names):
                names = [""]  # a catch-all HTTPS server: the default port-80 server handles it
            for name in names:
                handler = _handler(name, plain)
                if handler is None or handler.returns or handler.redirects_to_https() or handler.opaque:
                    continue
                entry = found.setdefault(id(handler), (handler, [], secure))
                if name and name not in entry[1]:
                    entry[1].append(name)
        for handler, names, secure in found.values():
            listen = next(lst for lst in handler.plain_listens if lst.port == 80)
            shown = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "") if names else "its names"
            also = ("the same block serves them over HTTPS too" if secure is handler else
                    f"{secure.label} at {secure.path}:{secure.pos.line} serves them over HTTPS")
            yield Violation(
                f"plain-HTTP {handler.label} ({handler.path}:{handler.pos.line}) answers http:// "
                f"requests for {shown} without redirecting to https://, although {also}: "
                f"visitors on typed names and old links stay on unencrypted HTTP",
                Location.at(listen.path, listen.pos),
                related=(Related(secure.location, f"HTTPS {secure.label}"),),
                fix=("split the block: a port-80 server with `return 301 https://$host$request_uri;` "
                     "and the TLS server; or add `if ($scheme = http) { return 301 "
                     "https://$host$request_uri; }`") if secure is handler else "",
            )
