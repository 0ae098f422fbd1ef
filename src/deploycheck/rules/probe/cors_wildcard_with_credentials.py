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


class CorsWildcardWithCredentials(Rule[CorsProbe]):
    """A credentialed request gets `Access-Control-Allow-Origin: *`.

    ## Why
    The Fetch standard forbids the wildcard for requests with cookies or HTTP auth: `The value
    of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*'
    when the request's credentials mode is 'include'.` gin-contrib/cors with `AllowAllOrigins:
    true` and `AllowCredentials: true` sends exactly this (C1; gin-contrib/cors#14), older
    Starlette too with `allow_origins=["*"], allow_credentials=True` (C2). Probed with
    `--credentials`.

    ## Bad
    ```api.http
    # credentials: include
    GET /api/me HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com

    HTTP/1.1 200 OK
    Access-Control-Allow-Origin: *
    Access-Control-Allow-Credentials: true

    {}
    ```

    ## Good
    ```api.http
    # credentials: include
    GET /api/me HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com

    HTTP/1.1 200 OK
    Access-Control-Allow-Origin: https://app.example.com
    Access-Control-Allow-Credentials: true
    Vary: Origin

    {}
    ```

    ## Fix
    List the frontend's origins explicitly (`AllowOrigins: []string{"https://app.example.com"}`,
    `allow_origins=["https://app.example.com"]`) and keep credentials; or drop credentials.
    """

    code = "PR044"
    name = "cors-wildcard-with-credentials"
    category = Category.CORS
    severity = Severity.ERROR
    target = CorsProbe
    fix = "list the frontend's origins explicitly instead of '*' (or stop sending credentials)"

    def check(self, model: CorsProbe, options: NoOptions) -> Iterator[Violation]:
        if not configured(model) or not model.credentials:
            return
        for stage, exchange in checked_responses(model):
            verdict = cors_check(exchange, model.origin, True)
            if verdict is None or verdict.kind != "wildcard-credentials":
                continue
            yield Violation(
                f"{describe(stage, exchange)} with Origin: {model.origin} and credentials answers "
                f"Access-Control-Allow-Origin: *: browsers block it with '{verdict.browser_error}'",
                at_url(model.url, ACAO, origin=model.origin, request=stage),
                origin_source(model))
            return
