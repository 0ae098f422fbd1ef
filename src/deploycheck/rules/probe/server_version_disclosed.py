from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe
from deploycheck.rules.probe._common import at_url, request_line

_VERSION = re.compile(r"\d+\.\d+")


class ServerVersionDisclosed(Rule[EndpointProbe]):
    """Responses name the server software's version (`Server: nginx/1.22.1`, `X-Powered-By`) (advice).

    ## Why
    The exact version tells scanners which known vulnerabilities to try first; it helps nobody
    else. nginx shows it unless `server_tokens off;`, gunicorn and uvicorn send their names,
    and frameworks add `X-Powered-By`.

    ## Bad
    ```site.http
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK
    Server: nginx/1.22.1
    X-Powered-By: PHP/8.2.7

    ok
    ```

    ## Good
    ```site.http
    GET / HTTP/1.1
    Host: 127.0.0.1:8080

    HTTP/1.1 200 OK
    Server: nginx

    ok
    ```

    ## Fix
    nginx `server_tokens off;`; remove `X-Powered-By` in the app (or `proxy_hide_header
    X-Powered-By;`).
    """

    code = "PR072"
    name = "server-version-disclosed"
    category = Category.SECURITY
    severity = Severity.INFO
    target = EndpointProbe
    fix = "nginx `server_tokens off;`, and drop X-Powered-By (`proxy_hide_header X-Powered-By;`)"

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        final = model.final
        if final.status is None:
            return
        shown = [f"Server: {v}" for v in final.values("server") if _VERSION.search(v)]
        shown += [f"X-Powered-By: {v}" for v in final.values("x-powered-by")]
        if not shown:
            return
        header = "Server" if shown[0].startswith("Server") else "X-Powered-By"
        yield Violation(
            f"{request_line(final)} discloses {'; '.join(shown)}: it tells scanners which known "
            f"vulnerabilities to try",
            at_url(final.url, header))
