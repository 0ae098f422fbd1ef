from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.python import DjangoSettings
from deploycheck.rules.python._common import at, truthy, where
from deploycheck.rules.python._django import deployed, effective, via


class DjangoSslRedirectWithoutProxyHeader(Rule[DjangoSettings]):
    """`SECURE_SSL_REDIRECT = True` without `SECURE_PROXY_SSL_HEADER`: a redirect loop behind a TLS proxy.

    ## Why
    In a container Django never sees TLS: nginx, a load balancer, Traefik or the ingress ends it
    and forwards plain HTTP. Without `SECURE_PROXY_SSL_HEADER` Django thinks every request is
    `http://`, so `SECURE_SSL_REDIRECT` answers each one with a 301 to `https://`, which arrives
    as HTTP again: `ERR_TOO_MANY_REDIRECTS` (pitfall T1; cookiecutter/cookiecutter-django#1173,
    #1236; GovReady/govready-q#934).

    ## Bad
    ```settings.py
    DEBUG = False
    ALLOWED_HOSTS = ["api.example.com"]
    SECURE_SSL_REDIRECT = True
    ```

    ## Good
    ```settings.py
    DEBUG = False
    ALLOWED_HOSTS = ["api.example.com"]
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    ```

    ## Fix
    Trust the proxy's scheme header, `SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO",
    "https")`, and make sure the proxy sets it (nginx: `proxy_set_header X-Forwarded-Proto
    $scheme;`) and strips it from clients; or let the proxy do the HTTPS redirect.
    """

    code = "DC609"
    name = "django-ssl-redirect-without-proxy-header"
    category = Category.TLS
    severity = Severity.WARNING
    target = DjangoSettings
    fix = 'add SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") and have the proxy set it'

    def check(self, model: DjangoSettings, options: NoOptions) -> Iterator[Violation]:
        if not deployed(model):
            return
        found = effective(model, "SECURE_SSL_REDIRECT")
        if found is None:
            return
        path, setting = found
        if truthy(setting.value) is not True:
            return
        header = model.get("SECURE_PROXY_SSL_HEADER")
        if header is not None and (header[1].value is not None or header[1].conditional):
            return
        default = f" (the default when {', '.join(setting.env)} is unset)" if setting.env else ""
        yield Violation(
            f"{where(path, setting.pos)}: SECURE_SSL_REDIRECT is on{default}{via(model, path)} but "
            "SECURE_PROXY_SSL_HEADER is not set; behind a TLS-terminating proxy every request looks like "
            "http to Django, which redirects it again and again: `ERR_TOO_MANY_REDIRECTS`",
            at(path, setting.pos),
        )
