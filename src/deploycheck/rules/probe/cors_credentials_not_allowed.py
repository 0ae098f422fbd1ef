from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import CorsProbe
from deploycheck.rules.probe._common import (
    ACAC,
    at_url,
    checked_responses,
    configured,
    cors_check,
    describe,
    origin_source,
)


class CorsCredentialsNotAllowed(Rule[CorsProbe]):
    """A credentialed request's response lacks `Access-Control-Allow-Credentials: true`.

    ## Why
    With `fetch(url, {credentials: "include"})` or `withCredentials`, the browser blocks the
    response unless the server opts in: `The value of the 'Access-Control-Allow-Credentials'
    header in the response is '' which must be 'true' when the request's credentials mode is
    'include'.` The CORS configuration allows the origin but not credentials
    (`AllowCredentials`/`allow_credentials` left false). Probed with `--credentials`.

    ## Bad
    ```api.http
    # credentials: include
    GET /api/me HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com

    HTTP/1.1 200 OK
    Access-Control-Allow-Origin: https://app.example.com
    Vary: Origin

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
    Allow credentials for the listed origins (`AllowCredentials: true`, `allow_credentials=True`),
    or make the frontend's requests without credentials.
    """

    code = "PR045"
    name = "cors-credentials-not-allowed"
    category = Category.CORS
    severity = Severity.ERROR
    target = CorsProbe
    fix = ("allow credentials for the listed origins (AllowCredentials / allow_credentials), or stop "
           "sending them")

    def check(self, model: CorsProbe, options: NoOptions) -> Iterator[Violation]:
        if not configured(model) or not model.credentials:
            return
        for stage, exchange in checked_responses(model):
            verdict = cors_check(exchange, model.origin, True)
            if verdict is None or verdict.kind != "credentials-flag":
                continue
            yield Violation(
                f"{describe(stage, exchange)} with Origin: {model.origin} and credentials: browsers block "
                f"it with '{verdict.browser_error}'",
                at_url(model.url, ACAC, origin=model.origin, request=stage),
                origin_source(model))
            return
