from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import CorsProbe, needs_preflight
from deploycheck.rules.probe._common import ACAH, at_url, configured, cors_check, origin_source, request_line


class CorsHeaderNotAllowed(Rule[CorsProbe]):
    """The preflight succeeds but does not allow a request header the frontend sends.

    ## Why
    The browser stops before the request: `Request header field authorization is not allowed
    by Access-Control-Allow-Headers in preflight response.` Every header that is not
    CORS-safelisted (`Authorization`, `X-Requested-With`, a `Content-Type` other than the three
    form types, custom `X-...` headers) must be listed; `*` covers them only without
    credentials, and never covers `Authorization`. Starlette allows no extra headers by
    default (C6).

    ## Bad
    ```api.http
    OPTIONS /api/orders HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com
    Access-Control-Request-Method: POST
    Access-Control-Request-Headers: authorization,content-type

    HTTP/1.1 204 No Content
    Access-Control-Allow-Origin: https://app.example.com
    Access-Control-Allow-Methods: GET,POST
    Access-Control-Allow-Headers: Content-Type
    Vary: Origin

    ```

    ## Good
    ```api.http
    OPTIONS /api/orders HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com
    Access-Control-Request-Method: POST
    Access-Control-Request-Headers: authorization,content-type

    HTTP/1.1 204 No Content
    Access-Control-Allow-Origin: https://app.example.com
    Access-Control-Allow-Methods: GET,POST
    Access-Control-Allow-Headers: Authorization, Content-Type
    Vary: Origin

    ```

    ## Fix
    List every header the frontend sends in the allowed headers (`AllowHeaders`,
    `allow_headers`, `Access-Control-Allow-Headers`).
    """

    code = "PR049"
    name = "cors-header-not-allowed"
    category = Category.CORS
    severity = Severity.ERROR
    target = CorsProbe
    fix = "list every header the frontend sends in the allowed headers (AllowHeaders / allow_headers)"

    def check(self, model: CorsProbe, options: NoOptions) -> Iterator[Violation]:
        pre = model.preflight
        if (not configured(model) or not model.preflight_required or pre is None or not pre.ok
                or cors_check(pre, model.origin, model.credentials) is not None):
            return
        allowed = {h.lower() for h in pre.tokens(ACAH)}
        star = "*" in allowed and not model.credentials
        missing = []
        for raw in model.request_headers:
            name = raw.split(":", 1)[0].strip()
            if not needs_preflight("GET", [raw]):
                continue
            low = name.lower()
            if low in allowed or (star and low != "authorization"):
                continue
            missing.append(low)
        if not missing:
            return
        listed = pre.first(ACAH)
        shown = repr(listed) if listed is not None else '(none)'
        yield Violation(
            f"{request_line(pre)} (Origin: {model.origin}) allows headers "
            f"{shown}: browsers say 'Request header field "
            f"{missing[0]} is not allowed by Access-Control-Allow-Headers in preflight response.'"
            + (f" (also: {', '.join(missing[1:])})" if len(missing) > 1 else ""),
            at_url(model.url, ACAH, origin=model.origin, request="preflight"),
            origin_source(model))
