from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.nginx import IfBlock, LocationBlock, NginxConfig, Scope, Server
from deploycheck.rules.nginx._common import truthy

_ORIGIN = "$http_origin"


def _reflects(config: NginxConfig, value: str) -> str | None:
    """How `value` echoes the request's Origin unchecked: a description, or None."""
    value = value.strip()
    if value in (_ORIGIN, "${http_origin}"):
        return "`$http_origin`"
    if value.startswith("$"):
        found = config.map_for(value.lstrip("$").strip("{}"))
        if found and found.source == _ORIGIN and (found.default or "").strip() == _ORIGIN:
            return (f"`{value}`, whose map at {found.path}:{found.pos.line} falls back to "
                    f"`$http_origin` for every origin not listed")
    return None


def _guarded(scope: Scope, chain: tuple[Scope, ...]) -> bool:
    """An `if` on $http_origin wraps the header, or rejects other origins in an enclosing block."""
    if isinstance(scope, IfBlock) and scope.mentions(_ORIGIN):
        return True
    for level in (*chain, scope):
        if isinstance(level, Server | LocationBlock) and any(
                i.mentions(_ORIGIN) and i.returns for i in level.ifs):
            return True
    return False


class CorsReflectsAnyOrigin(Rule[NginxConfig]):
    """`Access-Control-Allow-Origin $http_origin` with credentials and no allow-list.

    ## Why
    Echoing the request's `Origin` back with `Access-Control-Allow-Credentials true` tells the
    browser that *every* site may make credentialed calls and read the answers: any page a
    logged-in user visits can fetch their data with their cookies (the CORS misconfiguration
    behind many account-takeover reports). It is the usual workaround for C1 (`*` is refused
    with credentials) and silently far worse. The rule fires when the value is `$http_origin`
    (or a `map` that falls back to it) in the same header set as credentials, and no `if` on
    `$http_origin` wraps the header or rejects other origins. Without credentials, reflecting the
    origin is the same as `*` and not reported.

    ## Bad
    ```nginx/conf.d/api.conf
    server {
        listen 80;
        location /api/ {
            add_header Access-Control-Allow-Origin $http_origin always;
            add_header Access-Control-Allow-Credentials true always;
            proxy_pass http://api:8080;
        }
    }
    ```

    ## Good
    ```nginx/conf.d/api.conf
    map $http_origin $cors_origin {
        default "";
        "~^https://(www\\.)?example\\.com$" $http_origin;
    }
    server {
        listen 80;
        location /api/ {
            add_header Access-Control-Allow-Origin $cors_origin always;
            add_header Access-Control-Allow-Credentials true always;
            add_header Vary Origin always;
            proxy_pass http://api:8080;
        }
    }
    ```

    ## Fix
    Allow-list origins with `map $http_origin $cors_origin { default ""; "~^https://app\\.example\\.com$"
    $http_origin; }` and send `$cors_origin` (nginx omits a header whose value is empty), with
    `Vary: Origin`.
    """

    code = "DC408"
    name = "nginx-cors-reflects-any-origin"
    category = Category.CORS
    severity = Severity.ERROR
    target = NginxConfig
    fix = ('allow-list origins: `map $http_origin $cors_origin { default ""; '
           '"~^https://app\\.example\\.com$" $http_origin; }` and '
           "`add_header Access-Control-Allow-Origin $cors_origin always;`")

    def check(self, model: NginxConfig, options: NoOptions) -> Iterator[Violation]:
        seen: set[tuple[str, int]] = set()
        for scope, chain in model.walk_scopes():
            creds = next((h for h in scope.own_headers
                          if h.is_named("Access-Control-Allow-Credentials") and truthy(h.value)), None)
            if creds is None:
                continue
            for header in scope.own_headers:
                if not header.is_named("Access-Control-Allow-Origin"):
                    continue
                how = _reflects(model, header.value)
                if how is None or _guarded(scope, chain) or (header.path, header.pos.line) in seen:
                    continue
                seen.add((header.path, header.pos.line))
                yield Violation(
                    f"Access-Control-Allow-Origin echoes the caller's Origin ({how}) with "
                    f"Access-Control-Allow-Credentials true ({creds.short()}) and no allow-list: any "
                    f"website a logged-in user visits can call this API with their cookies and read "
                    f"the responses",
                    Location.at(header.path, header.pos),
                    related=(Related(creds.location, "Access-Control-Allow-Credentials true"),),
                )
