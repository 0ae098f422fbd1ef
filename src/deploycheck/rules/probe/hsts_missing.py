from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe
from deploycheck.rules.probe._common import at_url, hsts_of, last_https_response, related, request_line


class HstsMissing(Rule[EndpointProbe]):
    """An HTTPS response without `Strict-Transport-Security`.

    ## Why
    Without HSTS a browser tries `http://` first for typed names and old links, and an attacker
    on the network (public Wi-Fi) can answer that plain request and keep the user on HTTP (SSL
    stripping). Often the header is set only where TLS is *not* terminated: an app adds it when
    `c.Request.TLS != nil`, which is never true behind nginx or a load balancer (T7;
    GetPageSpeed/ngx_security_headers#12). Browsers ignore HSTS for IP addresses, but the
    server sends the same headers whatever name it is reached by, so the check is the same.

    ## Bad
    ```site.http
    # url: https://example.com/
    GET / HTTP/1.1
    Host: example.com

    HTTP/1.1 200 OK
    Content-Type: text/html

    <html></html>
    ```

    ## Good
    ```site.http
    # url: https://example.com/
    GET / HTTP/1.1
    Host: example.com

    HTTP/1.1 200 OK
    Content-Type: text/html
    Strict-Transport-Security: max-age=31536000; includeSubDomains

    <html></html>
    ```

    ## Fix
    Send it where TLS ends: nginx `add_header Strict-Transport-Security "max-age=31536000;
    includeSubDomains" always;` in the TLS server block (or the app, keyed off
    `X-Forwarded-Proto`).
    """

    code = "PR030"
    name = "hsts-missing"
    category = Category.TLS
    severity = Severity.WARNING
    target = EndpointProbe
    fix = ('add `Strict-Transport-Security: max-age=31536000; includeSubDomains` where TLS ends '
           '(nginx: add_header ... always)')

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        response = last_https_response(model)
        if response is None or response.failure is not None or hsts_of(response) is not None:
            return
        yield Violation(
            f"{request_line(response)} ({response.status_text()}) has no Strict-Transport-Security header: "
            f"browsers keep trying http:// first, which an attacker on the network can answer and keep "
            f"the user on plain HTTP",
            at_url(response.url, "Strict-Transport-Security"),
            related(model.source, f"{model.url} comes from here"))
