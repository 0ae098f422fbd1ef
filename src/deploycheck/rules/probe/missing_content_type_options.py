from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe
from deploycheck.rules.probe._common import at_url, request_line


class MissingContentTypeOptions(Rule[EndpointProbe]):
    """A successful response without `X-Content-Type-Options: nosniff` (advice).

    ## Why
    Without it, browsers may guess ("sniff") a type other than the declared `Content-Type`, so
    an uploaded file or a JSON answer with user text can be run as script or style. Scanners
    (Mozilla Observatory, ZAP) list it as missing. Setting it costs nothing.

    ## Bad
    ```site.http
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK
    Content-Type: application/json

    {}
    ```

    ## Good
    ```site.http
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK
    Content-Type: application/json
    X-Content-Type-Options: nosniff

    {}
    ```

    ## Fix
    Add `X-Content-Type-Options: nosniff` to every response (nginx `add_header
    X-Content-Type-Options nosniff always;`, or the app's security-headers middleware).
    """

    code = "PR070"
    name = "missing-content-type-options"
    category = Category.SECURITY
    severity = Severity.INFO
    target = EndpointProbe
    fix = "send `X-Content-Type-Options: nosniff` on every response"

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        final = model.final
        if not final.ok or final.failure is not None:
            return
        if (final.first("x-content-type-options") or "").strip().lower() == "nosniff":
            return
        yield Violation(
            f"{request_line(final)} has no X-Content-Type-Options: nosniff, so browsers may run content "
            f"under another type than the one declared",
            at_url(final.url, "X-Content-Type-Options"))
