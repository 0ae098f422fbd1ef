from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe
from deploycheck.rules.probe._common import at_url, related


class RedirectDowngrade(Rule[EndpointProbe]):
    """An HTTPS response redirects to plain `http://`.

    ## Why
    The browser leaves HTTPS: cookies without `Secure` and the next request travel in clear
    text, and for API calls from an HTTPS page the redirect is blocked outright as mixed
    content (`Mixed Content: The page at 'https://...' was loaded over HTTPS, but requested an
    insecure resource 'http://...'`). The app behind a TLS-terminating proxy does not know the
    original scheme and builds absolute URLs with `http://` — FastAPI's trailing-slash `307`
    (uvicorn without `--proxy-headers`), Django without `SECURE_PROXY_SSL_HEADER` (T2, T8;
    fastapi/fastapi#2033).

    ## Bad
    ```api.http
    # url: https://api.example.com/items
    GET /items HTTP/1.1
    Host: api.example.com

    HTTP/1.1 307 Temporary Redirect
    Location: http://api.example.com/items/

    ###
    GET /items/ HTTP/1.1
    Host: api.example.com

    HTTP/1.1 200 OK

    []
    ```

    ## Good
    ```api.http
    # url: https://api.example.com/items
    GET /items HTTP/1.1
    Host: api.example.com

    HTTP/1.1 307 Temporary Redirect
    Location: https://api.example.com/items/

    ###
    # url: https://api.example.com/items/
    GET /items/ HTTP/1.1
    Host: api.example.com

    HTTP/1.1 200 OK

    []
    ```

    ## Fix
    Tell the app the original scheme: nginx `proxy_set_header X-Forwarded-Proto $scheme;`, and
    uvicorn `--proxy-headers --forwarded-allow-ips=<proxy>`, Django `SECURE_PROXY_SSL_HEADER`,
    or relative `Location` headers.
    """

    code = "PR035"
    name = "redirect-downgrade"
    category = Category.SECURITY
    severity = Severity.ERROR
    target = EndpointProbe
    fix = ("forward `X-Forwarded-Proto` and make the app trust it (uvicorn --proxy-headers, Django "
           "SECURE_PROXY_SSL_HEADER), or use relative Location headers")

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        for hop, target in model.downgrades():
            yield Violation(
                f"GET {hop.url} answers {hop.status} with Location: {target}: the browser leaves HTTPS "
                f"(clear-text cookies and requests; API calls from an HTTPS page are blocked as mixed "
                f"content)",
                at_url(hop.url, "Location"),
                related(model.source, f"{model.url} comes from here"))
