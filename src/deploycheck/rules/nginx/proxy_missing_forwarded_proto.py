from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from deploycheck.model import (
    Category,
    Location,
    NoOptions,
    Related,
    Rule,
    Severity,
    TextEdit,
    Violation,
)
from deploycheck.model.nginx import NginxConfig, ProxyHeader, ProxyPass


def _named(pool: tuple[ProxyHeader, ...], *names: str) -> ProxyHeader | None:
    return next((h for h in pool if h.name.lower() in names), None)


class ProxyMissingForwardedProto(Rule[NginxConfig]):
    """A TLS-terminating server proxies to the app without `X-Forwarded-Proto`.

    ## Why
    TLS ends at nginx; the app receives plain http. Unless nginx says so with
    `proxy_set_header X-Forwarded-Proto $scheme;`, the app believes the request was http: Django
    with `SECURE_SSL_REDIRECT`, Rails `force_ssl`, Go `secure` middleware and others redirect to
    https again and again (`ERR_TOO_MANY_REDIRECTS`), and generated URLs, OAuth callbacks and
    `Location` headers use `http://` (mixed content) (T1, T8; cookiecutter/cookiecutter-django#1173).
    nginx also sends `Host: <upstream name>` (such as `app:8000`) unless told `proxy_set_header
    Host $host;`, which breaks `ALLOWED_HOSTS` checks and absolute URLs; the message mentions it
    when it is missing too. The headers are read with nginx's inheritance: a location with any
    `proxy_set_header` of its own loses all those of the server. `include proxy_params;` (Debian)
    counts as setting both; an `include` the project does not hold silences the rule.

    ## Bad
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        server_name example.com;
        ssl_certificate     /etc/ssl/site/fullchain.pem;
        ssl_certificate_key /etc/ssl/site/privkey.pem;
        location / {
            proxy_set_header Host $host;
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
        location / {
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_pass http://app:8000;
        }
    }
    ```

    ## Fix
    Add `proxy_set_header X-Forwarded-Proto $scheme;` (and `Host $host`) next to every
    `proxy_pass`, and make the app trust it (Django `SECURE_PROXY_SSL_HEADER`, uvicorn
    `--proxy-headers`, Gin `SetTrustedProxies`).
    """

    code = "DC409"
    name = "nginx-proxy-missing-forwarded-proto"
    category = Category.TLS
    severity = Severity.WARNING
    target = NginxConfig
    fix = ("add `proxy_set_header X-Forwarded-Proto $scheme;` (and `proxy_set_header Host $host;`) "
           "where proxy_pass is, and make the app trust it")

    def check(self, model: NginxConfig, options: NoOptions) -> Iterator[Violation]:
        seen: set[tuple[str, int]] = set()
        for server in model.tls_servers():
            for proxy, location in server.proxy_passes():
                if proxy.directive != "proxy_pass" or proxy.scheme == "https":
                    continue
                holder = location or server
                if holder.opaque or (proxy.path, proxy.pos.line) in seen:
                    continue
                pool = holder.proxy_headers
                if _named(pool, "x-forwarded-proto", "forwarded"):
                    continue
                seen.add((proxy.path, proxy.pos.line))
                report = self._report(server.label, proxy.location, holder.own_proxy_headers,
                                      holder.inherited_proxy_headers, pool)
                # proxy_set_header is not allowed inside `if`: only a location's own proxy_pass
                direct = location is not None and location.proxy_pass is proxy
                yield replace(report, edits=_add_proto(proxy, holder.pos.line,
                                                       holder.own_proxy_headers,
                                                       holder.inherited_proxy_headers)
                              if direct else ())

    @staticmethod
    def _report(label: str, where: Location,
                own: tuple[ProxyHeader, ...], inherited: tuple[ProxyHeader, ...],
                pool: tuple[ProxyHeader, ...]) -> Violation:
        related: list[Related] = []
        why = ""
        dropped = _named(inherited, "x-forwarded-proto", "forwarded")
        if own and dropped is not None:
            related.append(Related(dropped.location, "X-Forwarded-Proto set here is not inherited"))
            why = (f"; this location's own proxy_set_header at {own[0].path}:{own[0].pos.line} "
                   f"replaces the outer list, dropping the X-Forwarded-Proto set at "
                   f"{dropped.location.short()}")
        host = "" if _named(pool, "host") else (
            " It sends no Host either, so the app sees the upstream name (such as `app:8000`) as "
            "Host.")
        return Violation(
            f"proxy_pass in HTTPS {label} sends no X-Forwarded-Proto{why}: the app sees plain "
            f"http, so HTTPS redirects loop (ERR_TOO_MANY_REDIRECTS) and generated links and "
            f"redirects use http://.{host}",
            where,
            related=tuple(related),
        )


def _add_proto(proxy: ProxyPass, block_line: int, own: tuple[ProxyHeader, ...],
               inherited: tuple[ProxyHeader, ...]) -> tuple[TextEdit, ...]:
    """`proxy_set_header X-Forwarded-Proto $scheme;` on its own line before `proxy_pass`. A block
    with no proxy_set_header of its own inherits the outer ones, and its first own one would
    drop them: those are repeated first, so nothing the upstream got before is lost."""
    line = proxy.pos.line
    if line <= block_line:
        return ()
    indent = " " * (proxy.pos.column - 1)
    carried = () if own else inherited
    lines = [f"{indent}proxy_set_header {h.name} {_quoted(h.value)};" for h in carried]
    lines.append(f"{indent}proxy_set_header X-Forwarded-Proto $scheme;")
    return (TextEdit(proxy.path, line, 1, line, 1, "\n".join(lines) + "\n"),)


def _quoted(value: str) -> str:
    if value and not any(c in value for c in " \t;{}\"'"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
