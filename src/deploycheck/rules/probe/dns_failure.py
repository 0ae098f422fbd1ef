from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.probe import EndpointProbe, FailureKind
from deploycheck.rules.probe._common import connection_finding


class DnsFailure(Rule[EndpointProbe]):
    """The URL's host name does not resolve.

    ## Why
    curl says `Could not resolve host: api.example.com`, browsers show
    `ERR_NAME_NOT_RESOLVED`, Go clients `dial tcp: lookup api.example.com: no such host`. The
    DNS record is missing or not yet propagated, the name is misspelt, or it is a name only
    another network knows (a compose service name such as `api` resolves only inside the
    compose network, O11).

    ## Bad
    ```api.http
    # url: https://api.example.com/
    # error: dns api.example.com: Name or service not known
    GET / HTTP/1.1
    Host: api.example.com
    ```

    ## Good
    ```api.http
    # url: https://api.example.com/
    GET / HTTP/1.1
    Host: api.example.com

    HTTP/1.1 200 OK

    ok
    ```

    ## Fix
    Create the DNS record (or fix the name); from the host, use the published port on
    `127.0.0.1` rather than a compose service name.
    """

    code = "PR004"
    name = "dns-failure"
    category = Category.CONFIG
    severity = Severity.ERROR
    target = EndpointProbe
    fix = ("create the DNS record or fix the name; compose service names resolve only inside the compose "
           "network")

    def check(self, model: EndpointProbe, options: NoOptions) -> Iterator[Violation]:
        for message, location, related in connection_finding(
                model, frozenset({FailureKind.DNS}), "no client can reach a name that does not resolve"):
            yield Violation(message, location, related)
