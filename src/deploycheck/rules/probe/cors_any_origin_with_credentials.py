from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import CorsProbe, OriginKind
from deploycheck.rules.probe._common import ACAO, allows_credentials, at_url, describe, reflects


class CorsAnyOriginWithCredentials(Rule[CorsProbe]):
    """The server allows an arbitrary origin, or `null`, to read responses with credentials.

    ## Why
    Any website a logged-in user visits can then call the API with the user's cookies and read
    the answers (account data, CSRF tokens): the browser sees the origin allowed and
    `Access-Control-Allow-Credentials: true`. It comes from echoing the request's `Origin`
    without checking it — a hand-written middleware that copies `Origin` into the response,
    gin-contrib/cors with `AllowOriginFunc: func(string) bool { return true }`, Starlette with
    `allow_origin_regex=".*"` — and from allowing `null`, which sandboxed iframes and `data:`
    pages send (C1, C2). deploycheck asks with an origin of its own making,
    `https://deploycheck-probe.invalid`, that no real frontend uses, and with `null`.

    ## Bad
    ```api.http
    GET /api/me HTTP/1.1
    Host: api.example.com
    Origin: https://deploycheck-probe.invalid

    HTTP/1.1 200 OK
    Access-Control-Allow-Origin: https://deploycheck-probe.invalid
    Access-Control-Allow-Credentials: true
    Vary: Origin

    {"email": "user@example.com"}
    ```

    ## Good
    ```api.http
    GET /api/me HTTP/1.1
    Host: api.example.com
    Origin: https://deploycheck-probe.invalid

    HTTP/1.1 403 Forbidden
    Content-Length: 0

    ```

    ## Fix
    Check the origin against an explicit list before echoing it (gin-contrib/cors
    `AllowOrigins`, Starlette `allow_origins=[...]`), never allow `null`, and keep credentials
    only for those origins.
    """

    code = "PR046"
    name = "cors-any-origin-with-credentials"
    category = Category.CORS
    severity = Severity.ERROR
    target = CorsProbe
    fix = "check Origin against an explicit allow-list before echoing it, and never allow `null`"

    def check(self, model: CorsProbe, options: NoOptions) -> Iterator[Violation]:
        if model.origin_kind is OriginKind.CONFIGURED:
            return
        for stage, exchange in model.responses():
            if not (reflects(exchange, model.origin) and allows_credentials(exchange)):
                continue
            who = ("an origin of deploycheck's own making that no frontend uses"
                   if model.origin_kind is OriginKind.FOREIGN
                   else "the origin sandboxed iframes and data: pages send")
            yield Violation(
                f"{describe(stage, exchange)} with Origin: {model.origin} ({who}) answers "
                f"Access-Control-Allow-Origin: {model.origin} and Access-Control-Allow-Credentials: true: "
                f"any website can read this API's responses with its visitors' cookies",
                at_url(model.url, ACAO, origin=model.origin, request=stage))
            return
