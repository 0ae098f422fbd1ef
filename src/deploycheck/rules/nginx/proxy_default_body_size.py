from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.nginx import NginxConfig


class ProxyDefaultBodySize(Rule[NginxConfig]):
    """A proxying server keeps nginx's 1 MB `client_max_body_size`.

    ## Why
    nginx refuses request bodies over `client_max_body_size`, 1m by default, with `413 Request
    Entity Too Large`, before the app sees them. Uploads, imports and large JSON posts that work
    against the app directly fail once nginx is in front; with two proxies (an ingress and an nginx
    container) each hop needs the setting (O13; nginx-proxy/nginx-proxy#39). The rule fires once per
    server that passes requests on (`proxy_pass`, `uwsgi_pass`, `fastcgi_pass`, `grpc_pass`) when
    no level (http, server or any of its locations) sets the size; it is info because an API
    taking only small bodies is fine with the default.

    ## Bad
    ```nginx/conf.d/site.conf
    server {
        listen 80;
        location / {
            proxy_pass http://app:8000;
        }
    }
    ```

    ## Good
    ```nginx/conf.d/site.conf
    server {
        listen 80;
        client_max_body_size 25m;
        location / {
            proxy_pass http://app:8000;
        }
    }
    ```

    ## Fix
    Set `client_max_body_size` to the largest body the app accepts (in the server, or in the
    upload location), and the same on every other proxy in front.
    """

    code = "DC411"
    name = "nginx-proxy-default-body-size"
    category = Category.CONFIG
    severity = Severity.INFO
    target = NginxConfig
    fix = "set `client_max_body_size` (e.g. 25m) to the largest request body the app accepts"

    def check(self, model: NginxConfig, options: NoOptions) -> Iterator[Violation]:
        for server in model.servers:
            targets = list(server.proxy_passes())
            if not targets or server.client_max_body_size is not None or server.opaque:
                continue
            locations = list(server.all_locations())
            if any(loc.client_max_body_size is not None or loc.opaque for loc in locations):
                continue
            first = targets[0][0]
            yield Violation(
                f"{server.label} ({server.path}:{server.pos.line}) passes requests on "
                f"({first.directive} {first.raw} at {first.short()}) but keeps nginx's default "
                f"client_max_body_size of 1m: bodies over 1 MB get `413 Request Entity Too Large` "
                f"before reaching the app",
                Location.at(server.path, server.pos),
                related=(Related(first.location, f"{first.directive} {first.raw}"),),
            )
