from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import CorsProbe
from deploycheck.rules.probe._common import at_url, configured, origin_source, request_line


class CorsPreflightRedirected(Rule[CorsProbe]):
    """The CORS preflight is answered with a redirect.

    ## Why
    Browsers do not follow redirects for preflights: `Access to fetch at '...' has been
    blocked by CORS policy: Response to preflight request doesn't pass access control check:
    Redirect is not allowed for a preflight request.` The URL the frontend calls differs from
    the route by a trailing slash (Gin and FastAPI redirect `/items` to `/items/`), by scheme
    (an HTTP→HTTPS redirect), or by host (C5; gin-contrib/cors#68).

    ## Bad
    ```api.http
    OPTIONS /api/items HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com
    Access-Control-Request-Method: PUT

    HTTP/1.1 301 Moved Permanently
    Location: /api/items/

    ```

    ## Good
    ```api.http
    OPTIONS /api/items/ HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com
    Access-Control-Request-Method: PUT

    HTTP/1.1 204 No Content
    Access-Control-Allow-Origin: https://app.example.com
    Access-Control-Allow-Methods: GET,PUT
    Vary: Origin

    ```

    ## Fix
    Call the exact URL the route answers (scheme, host and trailing slash), or turn off the
    framework's slash redirect (`r.RedirectTrailingSlash = false`, `redirect_slashes=False`).
    """

    code = "PR041"
    name = "cors-preflight-redirected"
    category = Category.CORS
    severity = Severity.ERROR
    target = CorsProbe
    fix = ("call the exact URL the route answers (scheme, host, trailing slash); preflights cannot follow "
           "redirects")

    def check(self, model: CorsProbe, options: NoOptions) -> Iterator[Violation]:
        pre = model.preflight
        if not configured(model) or not model.preflight_required or pre is None or pre.status is None:
            return
        if not 300 <= pre.status < 400:
            return
        where = pre.first("location") or "?"
        yield Violation(
            f"{request_line(pre)} (Origin: {model.origin}) answers {pre.status_text()} to {where}: browsers "
            f"say 'Redirect is not allowed for a preflight request.' and never send the {model.method} "
            f"request",
            at_url(model.url, "Location", origin=model.origin, request="preflight"),
            origin_source(model))
