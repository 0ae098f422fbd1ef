from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import CorsProbe
from deploycheck.rules.probe._common import ACAO, at_url, checked_responses, describe, origin_source, quoted


class CorsMultipleOriginValues(Rule[CorsProbe]):
    """`Access-Control-Allow-Origin` comes more than once, or holds several values.

    ## Why
    Browsers accept exactly one value: `The 'Access-Control-Allow-Origin' header contains
    multiple values '*, *', but only one is allowed.` Two layers both add CORS headers — nginx
    `add_header Access-Control-Allow-Origin *` in front of an app with its own CORS middleware
    (C4; expressjs/cors#145, RubaXa/nginx-cors#7) — or a comma-separated list of origins was
    put in the header. deploycheck counts the header lines as they arrive, so duplicates are
    not merged away.

    ## Bad
    ```api.http
    GET /api/orders HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com

    HTTP/1.1 200 OK
    Server: nginx
    Access-Control-Allow-Origin: *
    Access-Control-Allow-Origin: *

    []
    ```

    ## Good
    ```api.http
    GET /api/orders HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com

    HTTP/1.1 200 OK
    Server: nginx
    Access-Control-Allow-Origin: *

    []
    ```

    ## Fix
    Set CORS in one layer only: drop nginx's `add_header Access-Control-*` lines, or hide the
    app's with `proxy_hide_header Access-Control-Allow-Origin;`.
    """

    code = "PR043"
    name = "cors-multiple-origin-values"
    category = Category.CORS
    severity = Severity.ERROR
    target = CorsProbe
    fix = ("set CORS headers in one layer only: remove nginx's add_header Access-Control-* lines, or "
           "`proxy_hide_header Access-Control-Allow-Origin;`")

    def check(self, model: CorsProbe, options: NoOptions) -> Iterator[Violation]:
        for stage, exchange in checked_responses(model):
            values = exchange.values(ACAO)
            if len(values) < 2 and not any("," in v for v in values):
                continue
            combined = ", ".join(values)
            shown = quoted(values).replace(model.origin, "<Origin>")
            yield Violation(
                f"{describe(stage, exchange)} carries Access-Control-Allow-Origin {len(values)} time(s) "
                f"({shown}): browsers refuse it with 'The 'Access-Control-Allow-Origin' header "
                f"contains multiple values '{combined.replace(model.origin, '<Origin>')}', but only one "
                f"is allowed.' (two layers, e.g. nginx and the app, both add CORS headers)",
                at_url(model.url, ACAO, request=stage),
                origin_source(model))
            return  # one finding per origin: the preflight, else the response
