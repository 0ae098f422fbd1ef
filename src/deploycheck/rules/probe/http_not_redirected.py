from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe, scheme_of
from deploycheck.rules.probe._common import at_url, related, request_line


class HttpNotRedirected(Rule[EndpointProbe]):
    """Plain HTTP answers with content instead of redirecting to the host's HTTPS site.

    ## Why
    The host serves HTTPS, yet `http://` still answers with the page: links, bookmarks and typed
    names keep users on unencrypted HTTP, cookies without `Secure` travel in clear text, and
    HSTS is never learnt on that path. The rule fires only when the same host is known to serve
    HTTPS (an `https://` URL of it was probed too, or the deployment files name one), so plain
    HTTP development servers are left alone.

    ## Bad
    ```site.http
    # https-url: https://example.com/
    GET / HTTP/1.1
    Host: example.com

    HTTP/1.1 200 OK
    Content-Type: text/html

    <html></html>
    ```

    ## Good
    ```site.http
    # https-url: https://example.com/
    GET / HTTP/1.1
    Host: example.com

    HTTP/1.1 301 Moved Permanently
    Location: https://example.com/

    ###
    # url: https://example.com/
    GET / HTTP/1.1
    Host: example.com

    HTTP/1.1 200 OK
    Strict-Transport-Security: max-age=31536000; includeSubDomains

    <html></html>
    ```

    ## Fix
    nginx: a port-80 server with `return 301 https://$host$request_uri;` (and ACME challenges
    excepted if certbot needs them).
    """

    code = "PR033"
    name = "http-not-redirected-to-https"
    category = Category.TLS
    severity = Severity.WARNING
    target = EndpointProbe
    fix = "redirect plain HTTP to HTTPS: a port-80 server with `return 301 https://$host$request_uri;`"

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        if scheme_of(model.url) != "http" or not model.https_url:
            return
        first = model.first
        if first.status is None or first.failure is not None:
            return
        for hop in model.hops:
            target = hop.redirect_target()
            if target and scheme_of(target) == "https":
                return
        final = model.final
        if final.status is None or final.is_redirect:
            return
        yield Violation(
            f"{request_line(first)} answers {final.status_text()} over plain HTTP although the host serves "
            f"HTTPS ({model.https_url}): users who type the name or follow old links stay unencrypted",
            at_url(model.url),
            related(model.source, f"{model.url} comes from here"))
