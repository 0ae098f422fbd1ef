from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe
from deploycheck.rules.probe._common import at_url, hsts_of, last_https_response, related, request_line


class HstsWithoutIncludeSubdomains(Rule[EndpointProbe]):
    """`Strict-Transport-Security` without `includeSubDomains` (advice).

    ## Why
    Without `includeSubDomains`, a subdomain never visited over HTTPS can still be reached over
    plain HTTP, and a network attacker can use it to set cookies for the parent domain (cookie
    tossing). Preload lists require it. Add it only once every subdomain serves HTTPS: the
    browser will refuse plain HTTP on all of them.

    ## Bad
    ```site.http
    # url: https://example.com/
    GET / HTTP/1.1
    Host: example.com

    HTTP/1.1 200 OK
    Strict-Transport-Security: max-age=31536000

    ok
    ```

    ## Good
    ```site.http
    # url: https://example.com/
    GET / HTTP/1.1
    Host: example.com

    HTTP/1.1 200 OK
    Strict-Transport-Security: max-age=31536000; includeSubDomains

    ok
    ```

    ## Fix
    Append `; includeSubDomains` once every subdomain serves HTTPS.
    """

    code = "PR032"
    name = "hsts-without-include-subdomains"
    category = Category.TLS
    severity = Severity.INFO
    target = EndpointProbe
    fix = "append `; includeSubDomains` once every subdomain serves HTTPS"

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        response = last_https_response(model)
        if response is None or response.failure is not None:
            return
        hsts = hsts_of(response)
        if hsts is None or hsts.max_age is None or hsts.max_age == 0 or hsts.include_subdomains:
            return
        yield Violation(
            f"{request_line(response)}: Strict-Transport-Security '{hsts.raw}' leaves subdomains out, so "
            f"one never visited over HTTPS stays open to plain HTTP (and to cookie tossing)",
            at_url(response.url, "Strict-Transport-Security"),
            related(model.source, f"{model.url} comes from here"))
