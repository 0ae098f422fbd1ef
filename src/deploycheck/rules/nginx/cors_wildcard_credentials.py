from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.nginx import NginxConfig
from deploycheck.rules.nginx._common import truthy


class CorsWildcardCredentials(Rule[NginxConfig]):
    """`Access-Control-Allow-Origin *` sent together with `Access-Control-Allow-Credentials true`.

    ## Why
    The CORS spec forbids the wildcard origin on credentialed requests. Every browser rejects
    such a response with `The value of the 'Access-Control-Allow-Origin' header in the response
    must not be the wildcard '*' when the request's credentials mode is 'include'.`, so each
    `fetch(..., {credentials: "include"})` or `withCredentials` call from the frontend fails
    (C1, C2; gin-contrib/cors#14). The rule checks the headers that apply together, following
    nginx's `add_header` inheritance (an `if` or location with its own `add_header` starts a
    fresh set).

    ## Bad
    ```nginx/conf.d/api.conf
    server {
        listen 80;
        location /api/ {
            add_header Access-Control-Allow-Origin "*" always;
            add_header Access-Control-Allow-Credentials "true" always;
            proxy_pass http://api:8080;
        }
    }
    ```

    ## Good
    ```nginx/conf.d/api.conf
    server {
        listen 80;
        location /api/ {
            add_header Access-Control-Allow-Origin "https://app.example.com" always;
            add_header Access-Control-Allow-Credentials "true" always;
            add_header Vary Origin always;
            proxy_pass http://api:8080;
        }
    }
    ```

    ## Fix
    Send the caller's exact origin from an allow-list (a `map $http_origin $cors_origin {...}`)
    plus `Vary: Origin`, or drop `Access-Control-Allow-Credentials` if no cookies or auth headers
    are needed.
    """

    code = "DC407"
    name = "nginx-cors-wildcard-credentials"
    category = Category.CORS
    severity = Severity.ERROR
    target = NginxConfig
    fix = ("answer with an allow-listed origin (`map $http_origin $cors_origin { ... }`) and "
           "`Vary: Origin`, or drop Access-Control-Allow-Credentials")

    def check(self, model: NginxConfig, options: NoOptions) -> Iterator[Violation]:
        seen: set[tuple[str, int]] = set()
        for scope, _ in model.walk_scopes():
            origin = next((h for h in scope.own_headers
                           if h.is_named("Access-Control-Allow-Origin") and h.value.strip() == "*"), None)
            creds = next((h for h in scope.own_headers
                          if h.is_named("Access-Control-Allow-Credentials") and truthy(h.value)), None)
            if origin is None or creds is None or (origin.path, origin.pos.line) in seen:
                continue
            seen.add((origin.path, origin.pos.line))
            yield Violation(
                f"Access-Control-Allow-Origin `*` is sent with Access-Control-Allow-Credentials "
                f"true ({creds.short()}); browsers reject every credentialed cross-origin call: "
                f"`The value of the 'Access-Control-Allow-Origin' header in the response must not "
                f"be the wildcard '*' when the request's credentials mode is 'include'`",
                Location.at(origin.path, origin.pos),
                related=(Related(creds.location, "Access-Control-Allow-Credentials true"),),
            )
