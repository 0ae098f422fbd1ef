from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.nginx import HttpBlock, IfBlock, NginxConfig
from deploycheck.rules.nginx._common import is_cors, is_security


class AddHeaderDropsInherited(Rule[NginxConfig]):
    """A block's own `add_header` silently drops the security or CORS headers set around it.

    ## Why
    nginx inherits `add_header` from the enclosing level only when a level has no `add_header`
    of its own. One `add_header Cache-Control ...` in `location /static/` therefore removes
    every header the server (or http block) set, `Strict-Transport-Security`,
    `Content-Security-Policy`, `X-Frame-Options` and the `Access-Control-*` headers included, for
    the responses of that location only. Nothing warns; the headers are simply missing there
    (T7; for CORS the browser then reports `No 'Access-Control-Allow-Origin' header is present on
    the requested resource`). The rule names each dropped header and where it was set. Only
    security, cross-origin and CORS headers count; an `if` that ends in `return` (a CORS
    preflight answer) is checked for dropped CORS headers only; a block with an `include` the
    project does not hold is skipped, as it may repeat the headers.

    ## Bad
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        ssl_certificate     /etc/ssl/site/fullchain.pem;
        ssl_certificate_key /etc/ssl/site/privkey.pem;
        add_header Strict-Transport-Security "max-age=31536000" always;
        add_header X-Frame-Options DENY always;
        location /static/ {
            add_header Cache-Control "public, max-age=86400";
            root /srv;
        }
    }
    ```

    ## Good
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        ssl_certificate     /etc/ssl/site/fullchain.pem;
        ssl_certificate_key /etc/ssl/site/privkey.pem;
        add_header Strict-Transport-Security "max-age=31536000" always;
        add_header X-Frame-Options DENY always;
        location /static/ {
            add_header Cache-Control "public, max-age=86400";
            add_header Strict-Transport-Security "max-age=31536000" always;
            add_header X-Frame-Options DENY always;
            root /srv;
        }
    }
    ```

    ## Fix
    Repeat the headers in every block that has its own `add_header`, ideally through one snippet
    (`include snippets/security-headers.conf;`) used at each level; or use `expires` instead of
    `add_header Cache-Control` for caching.
    """

    code = "DC404"
    name = "nginx-add-header-drops-inherited"
    category = Category.SECURITY
    severity = Severity.WARNING
    target = NginxConfig
    fix = ("repeat the outer headers in this block (one shared snippet included at every level that "
           "uses add_header)")

    def check(self, model: NginxConfig, options: NoOptions) -> Iterator[Violation]:
        seen: set[tuple[str, int]] = set()
        for scope, _ in model.walk_scopes():
            if isinstance(scope, HttpBlock) or not scope.own_headers or not scope.inherited_headers:
                continue
            if any(d.name == "include" for d in scope.directives):
                continue
            own = {h.name.lower() for h in scope.own_headers}
            dropped = [h for h in scope.inherited_headers
                       if h.name.lower() not in own and is_security(h.name)]
            if "access-control-allow-origin" in own:
                # The block answers CORS its own way (a new origin policy): not a silent loss.
                dropped = [h for h in dropped if not is_cors(h.name)]
            if isinstance(scope, IfBlock) and scope.returns:
                dropped = [h for h in dropped if is_cors(h.name)]
            if not dropped:
                continue
            first = scope.own_headers[0]
            # Point at the block's own add_header, or at the block when it comes from an include.
            where = first.location if first.path == scope.path else Location.at(scope.path, scope.pos)
            key = (where.path, where.line)
            if key in seen:
                continue
            seen.add(key)
            names = ", ".join(f"{h.name} ({h.short()})" for h in dropped)
            yield Violation(
                f"{scope.label} ({scope.path}:{scope.pos.line}) has its own add_header, so nginx "
                f"drops every header set around it; responses here go out without {names}",
                where,
                related=tuple(Related(h.location, f"{h.name} set here is not inherited by "
                                                  f"{scope.label}") for h in dropped),
                fix=f"repeat {', '.join(dict.fromkeys(h.name for h in dropped))} in {scope.label} "
                    "(or include one shared headers snippet at every level that uses add_header)",
            )
