from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import CorsProbe
from deploycheck.rules.probe._common import at_url, reflects, request_line


class CorsReflectionWithoutVary(Rule[CorsProbe]):
    """`Access-Control-Allow-Origin` depends on the request's `Origin`, but `Vary: Origin` is missing.

    ## Why
    A cache between server and browser (a CDN, nginx `proxy_cache`, the browser's own HTTP
    cache) stores the response made for one origin and serves it to another, whose browser then
    fails with `The 'Access-Control-Allow-Origin' header has a value 'https://a.example.com'
    that is not equal to the supplied origin.` — intermittently, depending on who came first.
    The rule compares the answers the probed origins got on the same URL, so a fixed value
    (the same for everyone) does not need `Vary`.

    ## Bad
    ```api.http
    GET /api/catalog HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com

    HTTP/1.1 200 OK
    Access-Control-Allow-Origin: https://app.example.com
    Cache-Control: public, max-age=600

    []
    ###
    GET /api/catalog HTTP/1.1
    Host: api.example.com
    Origin: https://admin.example.com

    HTTP/1.1 200 OK
    Access-Control-Allow-Origin: https://admin.example.com
    Cache-Control: public, max-age=600

    []
    ```

    ## Good
    ```api.http
    GET /api/catalog HTTP/1.1
    Host: api.example.com
    Origin: https://app.example.com

    HTTP/1.1 200 OK
    Access-Control-Allow-Origin: https://app.example.com
    Cache-Control: public, max-age=600
    Vary: Origin

    []
    ###
    GET /api/catalog HTTP/1.1
    Host: api.example.com
    Origin: https://admin.example.com

    HTTP/1.1 200 OK
    Access-Control-Allow-Origin: https://admin.example.com
    Cache-Control: public, max-age=600
    Vary: Origin

    []
    ```

    ## Fix
    Add `Vary: Origin` wherever the allowed origin is chosen per request (CORS libraries do;
    hand-written middleware and nginx `map $http_origin` setups must add it themselves).
    """

    code = "PR047"
    name = "cors-reflection-without-vary"
    category = Category.CORS
    severity = Severity.WARNING
    target = CorsProbe
    fix = "add `Vary: Origin` to every response whose Access-Control-Allow-Origin depends on the Origin"

    def check(self, model: CorsProbe, options: NoOptions) -> Iterator[Violation]:
        actual = model.actual
        if actual is None or actual.status is None or not reflects(actual, model.origin):
            return
        mine = model.answer() or ""
        if not any(answer != mine for _, answer in model.peer_answers):
            return  # the same answer for every origin: nothing for a cache to mix up
        vary = {t.lower() for t in actual.tokens("vary")}
        if "origin" in vary or "*" in vary:
            return
        answers = sorted({(model.origin, mine), *model.peer_answers})
        shown = "; ".join(f"{o} got '{a or '(none)'}'" for o, a in answers[:4])
        yield Violation(
            f"{request_line(actual)}: Access-Control-Allow-Origin depends on the Origin ({shown}) but the "
            f"response has no Vary: Origin, so a cache can serve one origin's answer to another, whose "
            f"browser then blocks it ('...is not equal to the supplied origin')",
            at_url(model.url, "Vary"))
