from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe
from deploycheck.rules.probe._common import at_url, request_line


class MissingFrameProtection(Rule[EndpointProbe]):
    """An HTML page that any site may frame: no `X-Frame-Options`, no CSP `frame-ancestors` (advice).

    ## Why
    Another site can load the page in an invisible iframe and trick users into clicking
    through it (clickjacking). Only HTML responses matter, so APIs answering JSON are left
    alone.

    ## Bad
    ```site.http
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK
    Content-Type: text/html; charset=utf-8

    <html></html>
    ```

    ## Good
    ```site.http
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK
    Content-Type: text/html; charset=utf-8
    Content-Security-Policy: frame-ancestors 'self'

    <html></html>
    ```

    ## Fix
    Send `Content-Security-Policy: frame-ancestors 'self'` (or `X-Frame-Options: DENY` /
    `SAMEORIGIN` for old browsers).
    """

    code = "PR071"
    name = "missing-frame-protection"
    category = Category.SECURITY
    severity = Severity.INFO
    target = EndpointProbe
    fix = "send `Content-Security-Policy: frame-ancestors 'self'` (or X-Frame-Options: DENY)"

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        final = model.final
        if not final.ok or final.failure is not None:
            return
        if not (final.first("content-type") or "").lower().startswith("text/html"):
            return
        if final.first("x-frame-options") is not None:
            return
        if any("frame-ancestors" in v.lower() for v in final.values("content-security-policy")):
            return
        yield Violation(
            f"{request_line(final)} serves HTML without X-Frame-Options or CSP frame-ancestors: any site "
            f"can frame it (clickjacking)",
            at_url(final.url, "Content-Security-Policy"))
