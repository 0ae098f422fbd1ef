from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.links import Deployment
from deploycheck.model.nginx import Directive, Header, LocationBlock, ProxyTarget
from deploycheck.model.project import Project
from deploycheck.rules.project._common_image import proxied

ACAO = "access-control-allow-origin"


class CorsSetInTwoLayers(Rule[Project]):
    """nginx adds `Access-Control-Allow-Origin` to responses of an app that sets it itself.

    ## Why
    When both the proxy (`add_header Access-Control-Allow-Origin ...`) and the app's CORS
    middleware set the header, the browser receives it twice and rejects the response:
    `The 'Access-Control-Allow-Origin' header contains multiple values '*, *', but only one is
    allowed.` Every cross-origin call fails, though each layer looks right on its own
    (pitfall C4; RubaXa/nginx-cors#7, expressjs/cors#145).

    ## Bad
    ```nginx/nginx.conf
    events {}
    http {
        server {
            listen 80;
            location /api/ {
                add_header Access-Control-Allow-Origin *;
                proxy_pass http://api:8080;
            }
        }
    }
    ```

    ```compose.yaml
    services:
      api:
        build: .
      proxy:
        image: nginx:1.27
        ports:
          - "80:80"
        volumes:
          - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
    ```

    ```Dockerfile
    FROM golang:1.22-alpine AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/api .

    FROM alpine:3.20
    COPY --from=build /out/api /api
    ENTRYPOINT ["/api"]
    ```

    ```main.go
    package main

    import (
        "github.com/gin-contrib/cors"
        "github.com/gin-gonic/gin"
    )

    func main() {
        r := gin.New()
        r.Use(cors.New(cors.Config{AllowOrigins: []string{"https://app.example.com"}}))
        r.Run(":8080")
    }
    ```

    ## Good
    ```nginx/nginx.conf
    events {}
    http {
        server {
            listen 80;
            location /api/ {
                proxy_pass http://api:8080;
            }
        }
    }
    ```

    ```compose.yaml
    services:
      api:
        build: .
      proxy:
        image: nginx:1.27
        ports:
          - "80:80"
        volumes:
          - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
    ```

    ```Dockerfile
    FROM golang:1.22-alpine AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/api .

    FROM alpine:3.20
    COPY --from=build /out/api /api
    ENTRYPOINT ["/api"]
    ```

    ```main.go
    package main

    import (
        "github.com/gin-contrib/cors"
        "github.com/gin-gonic/gin"
    )

    func main() {
        r := gin.New()
        r.Use(cors.New(cors.Config{AllowOrigins: []string{"https://app.example.com"}}))
        r.Run(":8080")
    }
    ```

    ## Fix
    Handle CORS in one layer: drop the `add_header Access-Control-*` lines from nginx, or remove
    the app's CORS middleware, or keep both and hide the app's copy with
    `proxy_hide_header Access-Control-Allow-Origin;` in the location.
    """

    code = "DC730"
    name = "cors-set-in-two-layers"
    category = Category.CORS
    severity = Severity.ERROR
    target = Project
    fix = "set CORS headers in one layer only (or `proxy_hide_header Access-Control-Allow-Origin;` in nginx)"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        seen: set[tuple[str, int]] = set()
        for hop in proxied(model):
            target = hop.endpoint.target
            header = _acao(target)
            if header is None or _hides(target):
                continue
            app = _app_cors(hop.deployment)
            if app is None:
                continue
            key = (header.path, header.pos.line)
            if key in seen:
                continue
            seen.add(key)
            where, what, app_value = app
            value = "<origin>" if header.value.startswith("$") else header.value
            doubled = f"'{value}, {app_value}'"
            yield Violation(
                f"{header.short()}: nginx adds `Access-Control-Allow-Origin {header.value}` to responses "
                f"it proxies to {hop.deployment.label} ({target.proxy.short()}), and the app sets "
                f"the header itself ({where.short()}: {what}), so browsers get two values and "
                f"reject the response: `The 'Access-Control-Allow-Origin' header contains "
                f"multiple values {doubled}, but only one is allowed.`",
                header.location,
                (Related(where, f"{what}: the app answers CORS itself"),
                 Related(target.proxy.location, f"proxy_pass to {hop.deployment.label}")),
            )


def _acao(target: ProxyTarget) -> Header | None:
    pools: list[tuple[Header, ...]] = []
    if target.location is not None:
        pools += [target.location.headers, target.location.more_headers]
        pools += [i.own_headers for i in target.location.ifs if i.proxy_pass is None]
    else:
        pools += [target.server.headers, target.server.more_headers]
    for pool in pools:
        for header in pool:
            if header.name.lower() == ACAO:
                return header
    return None


def _hides(target: ProxyTarget) -> bool:
    """`proxy_hide_header Access-Control-Allow-Origin` (or headers-more's clear) where the
    request is proxied: the app's copy is dropped."""
    scopes: list[tuple[Directive, ...]] = [target.server.directives]
    loc: LocationBlock | None = target.location
    if loc is not None:
        scopes.append(loc.directives)
    for directives in scopes:
        for d in directives:
            if d.name == "proxy_hide_header" and d.args and d.args[0].lower() == ACAO:
                return True
            if d.name == "more_clear_headers" and any(ACAO in a.lower() for a in d.args):
                return True
    return False


def _app_cors(dep: Deployment) -> tuple[Location, str, str] | None:
    """Where the app sets CORS, what does it, and the origin value it sends ('<origin>' when
    it echoes the request's)."""
    go = dep.go
    if go is not None and go.sets_cors_headers:
        if go.cors_configs:
            c = go.cors_configs[0]
            # gin-contrib sends `*` for any origin; rs/cors echoes the origin with credentials
            star = c.allows_any_origin and (c.library == "gin-contrib/cors" or not c.allow_credentials)
            value = "*" if star else (
                c.allow_origins[0].value if len(c.allow_origins) == 1 and not c.allow_origin_func
                else "<origin>")
            return Location.at(c.path, c.pos), f"{c.library} CORS config", value
        if go.cors_handlers:
            h = go.cors_handlers[0]
            value = {"*": "*", "literal": h.origin_value}.get(h.origin, "<origin>")
            return (Location.at(h.path, h.origin_pos), f"{h.name} sets Access-Control-Allow-Origin",
                    value or "<origin>")
        use = next((u for u in go.uses if u.is_cors), None)
        if use is not None:
            return Location.at(use.path, use.pos), f"CORS middleware {use.middleware_name}", "<origin>"
        imp = go.imports_path("github.com/gin-contrib/cors") or go.imports_path("github.com/rs/cors")
        if imp is not None:
            f = next((f for f in go.files if imp in f.imports), None)
            if f is not None:
                return Location.at(f.path, imp.pos), f"imports {imp.path}", "<origin>"
    app = dep.python
    if app is not None:
        for module, cors in app.cors():
            value = "*" if cors.wildcard and not cors.credentials else "<origin>"
            return Location.at(module.path, cors.pos), f"{cors.library} CORS middleware", value
    return None
