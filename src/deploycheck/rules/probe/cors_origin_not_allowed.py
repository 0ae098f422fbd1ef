from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import CorsProbe
from deploycheck.rules.probe._common import (
    ACAO,
    at_url,
    checked_responses,
    configured,
    cors_check,
    describe,
    origin_source,
)


class CorsOriginNotAllowed(Rule[CorsProbe]):
    """A response to an origin the frontend uses lacks `Access-Control-Allow-Origin`, or names another origin.

    ## Why
    The browser blocks the frontend from reading the response: `has been blocked by CORS
    policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`, or
    `The 'Access-Control-Allow-Origin' header has a value 'https://app.example.com' that is not
    equal to the supplied origin.` The origin is missing from the allowed list, is listed with
    a trailing slash or path (browsers send `scheme://host[:port]` only, C5), or a proxy
    answers with its own fixed value. Error responses often lack the header because the
    middleware runs after the handler failed.

    ## Bad
    ```api.http
    GET /api/orders HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com

    HTTP/1.1 200 OK
    Content-Type: application/json

    []
    ```

    ## Good
    ```api.http
    GET /api/orders HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com

    HTTP/1.1 200 OK
    Content-Type: application/json
    Access-Control-Allow-Origin: https://app.example.com
    Vary: Origin

    []
    ```

    ## Fix
    Add the frontend's exact origin (`https://app.example.com`, no trailing slash) to the CORS
    configuration, and let the CORS layer answer every response, errors included.
    """

    code = "PR042"
    name = "cors-origin-not-allowed"
    category = Category.CORS
    severity = Severity.ERROR
    target = CorsProbe
    fix = ("allow the frontend's exact origin (scheme://host[:port], no trailing slash) in the CORS "
           "configuration")

    def check(self, model: CorsProbe, options: NoOptions) -> Iterator[Violation]:
        if not configured(model):
            return
        for stage, exchange in checked_responses(model):
            verdict = cors_check(exchange, model.origin, model.credentials)
            if verdict is None or verdict.kind not in ("missing", "mismatch"):
                continue
            yield Violation(
                f"{describe(stage, exchange)} with Origin: {model.origin}: browsers block it with "
                f"'{verdict.browser_error}'",
                at_url(model.url, ACAO, origin=model.origin, request=stage),
                origin_source(model))
            return
