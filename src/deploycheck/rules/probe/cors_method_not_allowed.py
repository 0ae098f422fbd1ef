from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import SIMPLE_METHODS, CorsProbe
from deploycheck.rules.probe._common import ACAM, at_url, configured, cors_check, origin_source, request_line


class CorsMethodNotAllowed(Rule[CorsProbe]):
    """The preflight succeeds but does not allow the request's method.

    ## Why
    The browser stops before the request: `Method PUT is not allowed by
    Access-Control-Allow-Methods in preflight response.` The CORS configuration lists fewer
    methods than the frontend uses — gin-contrib/cors `AllowMethods` without PUT/PATCH/DELETE,
    nginx `add_header Access-Control-Allow-Methods "GET, POST"`. GET, HEAD and POST are always
    allowed; `*` covers the rest only without credentials.

    ## Bad
    ```api.http
    OPTIONS /api/orders/7 HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com
    Access-Control-Request-Method: DELETE

    HTTP/1.1 204 No Content
    Access-Control-Allow-Origin: https://app.example.com
    Access-Control-Allow-Methods: GET,POST
    Vary: Origin

    ```

    ## Good
    ```api.http
    OPTIONS /api/orders/7 HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com
    Access-Control-Request-Method: DELETE

    HTTP/1.1 204 No Content
    Access-Control-Allow-Origin: https://app.example.com
    Access-Control-Allow-Methods: GET,POST,DELETE
    Vary: Origin

    ```

    ## Fix
    Add the method to the allowed methods (`AllowMethods`, `allow_methods`,
    `Access-Control-Allow-Methods`).
    """

    code = "PR048"
    name = "cors-method-not-allowed"
    category = Category.CORS
    severity = Severity.ERROR
    target = CorsProbe
    fix = ("add the method to the allowed methods (AllowMethods / allow_methods / "
           "Access-Control-Allow-Methods)")

    def check(self, model: CorsProbe, options: NoOptions) -> Iterator[Violation]:
        pre = model.preflight
        if (not configured(model) or not model.preflight_required or pre is None or not pre.ok
                or cors_check(pre, model.origin, model.credentials) is not None):
            return
        method = model.method.upper()
        if method in SIMPLE_METHODS:
            return
        allowed = [m.upper() for m in pre.tokens(ACAM)]
        if method in allowed or ("*" in allowed and not model.credentials):
            return
        listed = pre.first(ACAM)
        shown = repr(listed) if listed is not None else 'no methods'
        yield Violation(
            f"{request_line(pre)} (Origin: {model.origin}) allows {shown}"
            f": browsers say 'Method {method} is not allowed by Access-Control-Allow-Methods in preflight "
            f"response.' and never send the request",
            at_url(model.url, ACAM, origin=model.origin, request="preflight"),
            origin_source(model))
