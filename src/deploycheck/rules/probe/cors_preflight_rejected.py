from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import CorsProbe
from deploycheck.rules.probe._common import at_url, body_hint, configured, origin_source, request_line

BROWSER = ("Response to preflight request doesn't pass access control check: It does not have HTTP "
           "ok status.")


class CorsPreflightRejected(Rule[CorsProbe]):
    """The CORS preflight (`OPTIONS`) for an allowed origin answers 4xx or 5xx.

    ## Why
    The browser sends `OPTIONS` with `Origin` and `Access-Control-Request-Method` before any
    request that is not "simple" (JSON bodies, `Authorization`, PUT/PATCH/DELETE), and gives
    up unless it gets a 2xx: `Access to fetch at '...' from origin '...' has been blocked by
    CORS policy: Response to preflight request doesn't pass access control check: It does not
    have HTTP ok status.` The real request is never sent. 404/405: the CORS middleware never
    sees OPTIONS — registered on a route group (Gin answers 404 for OPTIONS before group
    middleware runs) or after the routes, or a hand-written middleware that sets headers but
    does not answer OPTIONS (C3; gin-contrib/cors#35). 403: the origin is not in the allowed
    list (gin-contrib/cors aborts with 403). 400 `Disallowed CORS method`/`headers`: Starlette's
    defaults allow only GET and no custom headers (C6). Only origins the frontend uses are
    judged, and only for requests that need a preflight.

    ## Bad
    ```api.http
    OPTIONS /api/orders HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com
    Access-Control-Request-Method: POST
    Access-Control-Request-Headers: content-type

    HTTP/1.1 404 Not Found
    Content-Type: text/plain

    404 page not found
    ###
    GET /api/orders HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com
    Content-Type: application/json

    HTTP/1.1 200 OK
    Access-Control-Allow-Origin: https://app.example.com
    Vary: Origin

    []
    ```

    ## Good
    ```api.http
    OPTIONS /api/orders HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com
    Access-Control-Request-Method: POST
    Access-Control-Request-Headers: content-type

    HTTP/1.1 204 No Content
    Access-Control-Allow-Origin: https://app.example.com
    Access-Control-Allow-Methods: GET,POST
    Access-Control-Allow-Headers: Content-Type
    Vary: Origin

    ###
    GET /api/orders HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com
    Content-Type: application/json

    HTTP/1.1 200 OK
    Access-Control-Allow-Origin: https://app.example.com
    Vary: Origin

    []
    ```

    ## Fix
    Register the CORS middleware on the engine before any route (`r := gin.New();
    r.Use(cors.New(cfg))`), so it answers every OPTIONS; in Starlette/FastAPI list
    `allow_methods` and `allow_headers`; with gin-contrib/cors add the frontend's origin to
    `AllowOrigins`.
    """

    code = "PR040"
    name = "cors-preflight-rejected"
    category = Category.CORS
    severity = Severity.ERROR
    target = CorsProbe
    fix = ("let the CORS middleware answer every OPTIONS: register it on the engine before the routes, "
           "and allow the methods, headers and origin the frontend uses")

    def check(self, model: CorsProbe, options: NoOptions) -> Iterator[Violation]:
        pre = model.preflight
        if not configured(model) or not model.preflight_required or pre is None or pre.status is None:
            return
        if pre.ok or pre.is_redirect or 300 <= pre.status < 400:
            return
        fix = ""
        if pre.status in (404, 405):
            fix = ("register the CORS middleware on the engine (not a route group) before any route, or "
                   "answer OPTIONS in the hand-written middleware (c.AbortWithStatus(204))")
        elif pre.status == 403:
            fix = f"add {model.origin} to the allowed origins (gin-contrib/cors AllowOrigins)"
        elif pre.status == 400 and "disallowed cors" in pre.body.lower():
            fix = "list every method and header the frontend sends in allow_methods / allow_headers"
        yield Violation(
            f"{request_line(pre)} (Origin: {model.origin}, Access-Control-Request-Method: {model.method}) "
            f"answers {pre.status_text()}{body_hint(pre)}: browsers say '{BROWSER}' and never send the "
            f"{model.method} request",
            at_url(model.url, origin=model.origin, request="preflight"),
            origin_source(model), fix=fix)
