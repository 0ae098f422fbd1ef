from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model import Category, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe
from deploycheck.rules.probe._common import at_url, hsts_of, last_https_response, related, request_line


class HstsShortMaxAge(Rule[EndpointProbe]):
    """`Strict-Transport-Security` with a `max-age` under 180 days, or none that parses.

    ## Why
    Browsers remember HTTPS-only for `max-age` seconds after the last visit; a short value
    (`max-age=300` left from testing) lets that lapse between visits, so the first request goes
    over plain HTTP again. SSL Labs and Mozilla Observatory want at least six months (one year to
    be preloaded); `max-age=0` tells browsers to forget the host. A header whose `max-age` is
    missing or not a number is ignored entirely (RFC 6797 §6.1.1).

    ## Bad
    ```site.http
    # url: https://example.com/
    GET / HTTP/1.1
    Host: example.com

    HTTP/1.1 200 OK
    Strict-Transport-Security: max-age=3600

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
    `Strict-Transport-Security: max-age=31536000; includeSubDomains` (one year), once every
    subdomain serves HTTPS.
    """

    code = "PR031"
    name = "hsts-short-max-age"
    category = Category.TLS
    severity = Severity.WARNING
    target = EndpointProbe
    fix = "use `max-age=31536000` (one year), with `includeSubDomains` once every subdomain has HTTPS"

    @dataclass(frozen=True, slots=True)
    class Options:
        min_max_age: int = 15552000  # 180 days

    def check(self, model: EndpointProbe, options: Options) -> Iterator[Violation]:
        response = last_https_response(model)
        if response is None or response.failure is not None:
            return
        hsts = hsts_of(response)
        if hsts is None:
            return
        if hsts.max_age is None:
            problem = "has no max-age that parses, so browsers ignore the header"
        elif hsts.max_age < options.min_max_age:
            days = hsts.max_age / 86400
            problem = (f"has max-age={hsts.max_age} ({days:.1f} days; at least {options.min_max_age} "
                       f"wanted), so browsers forget HTTPS-only between visits")
            if hsts.max_age == 0:
                problem = "has max-age=0, which tells browsers to forget the host's HTTPS-only rule"
        else:
            return
        yield Violation(
            f"{request_line(response)}: Strict-Transport-Security '{hsts.raw}' {problem}",
            at_url(response.url, "Strict-Transport-Security"),
            related(model.source, f"{model.url} comes from here"))
