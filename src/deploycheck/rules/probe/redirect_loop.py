from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe, RedirectOutcome
from deploycheck.rules.probe._common import at_url, related


class RedirectLoop(Rule[EndpointProbe]):
    """Redirects that never end: a URL comes back, or there are more hops than browsers follow.

    ## Why
    Browsers stop with `ERR_TOO_MANY_REDIRECTS` ("This page isn't working — redirected you too
    many times"), curl with `Maximum (50) redirects followed`. Behind a TLS-terminating proxy
    the app sees plain HTTP and redirects to HTTPS, the proxy forwards the HTTPS request as HTTP
    again, and so on: Django's `SECURE_SSL_REDIRECT` without `SECURE_PROXY_SSL_HEADER`, Gin's
    secure middleware without `SSLProxyHeaders`, or a proxy that does not send
    `X-Forwarded-Proto` (T1, T3; cookiecutter/cookiecutter-django#1173). Two redirects that
    undo each other (trailing slash added by one layer, removed by another) loop the same way.

    ## Bad
    ```site.http
    # url: https://example.com/
    GET / HTTP/1.1
    Host: example.com

    HTTP/1.1 301 Moved Permanently
    Location: https://example.com/

    ```

    ## Good
    ```site.http
    # url: https://example.com/
    GET / HTTP/1.1
    Host: example.com

    HTTP/1.1 200 OK

    ok
    ```

    ## Fix
    Let one layer decide on HTTPS: forward the scheme (`proxy_set_header X-Forwarded-Proto
    $scheme;`) and make the app trust it (Django `SECURE_PROXY_SSL_HEADER`, Gin secure
    `SSLProxyHeaders`, uvicorn `--proxy-headers`), or drop the app's redirect.
    """

    code = "PR034"
    name = "redirect-loop"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = EndpointProbe
    fix = ("forward the scheme (`proxy_set_header X-Forwarded-Proto $scheme;`) and make the app trust it, "
           "or let only one layer redirect")

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        if model.outcome not in (RedirectOutcome.LOOP, RedirectOutcome.TOO_MANY):
            return
        steps = [f"{hop.url} -> {hop.status}" for hop in model.hops[:6]]
        more = f" ... ({len(model.hops)} hops)" if len(model.hops) > 6 else ""
        what = ("comes back to a URL it already visited" if model.outcome is RedirectOutcome.LOOP
                else f"goes on past {len(model.hops) - 1} redirects")
        target = model.final.redirect_target() or "?"
        yield Violation(
            f"GET {model.url} {what}: {'; '.join(steps)}{more}; then Location: {target}: browsers stop "
            f"with ERR_TOO_MANY_REDIRECTS",
            at_url(model.url, "Location"),
            related(model.source, f"{model.url} comes from here"))
