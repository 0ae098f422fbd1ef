from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.python import DjangoSettings
from deploycheck.rules.python._common import at, where
from deploycheck.rules.python._django import deployed, effective, via


class DjangoAllowedHostsWildcard(Rule[DjangoSettings]):
    """Django's `ALLOWED_HOSTS` contains `"*"`: the Host header is not checked at all.

    ## Why
    `ALLOWED_HOSTS` is Django's defence against forged `Host` headers: password-reset links,
    absolute URLs and cached pages are built from that header. `["*"]` accepts any host, so an
    attacker's host name ends up in e-mails and caches. It is often added to silence
    `Invalid HTTP_HOST header: '10.42.8.201:8000'. You may need to add '10.42.8.201' to
    ALLOWED_HOSTS.` from Kubernetes probes (pitfall L5); probe with a `Host` header instead.

    ## Bad
    ```settings.py
    DEBUG = False
    ALLOWED_HOSTS = ["*"]
    INSTALLED_APPS = ["django.contrib.contenttypes"]
    ```

    ## Good
    ```settings.py
    DEBUG = False
    ALLOWED_HOSTS = ["api.example.com"]
    INSTALLED_APPS = ["django.contrib.contenttypes"]
    ```

    ## Fix
    List the public host names (`ALLOWED_HOSTS = ["api.example.com"]`, from an environment
    variable if they differ per deployment); give Kubernetes probes
    `httpHeaders: [{name: Host, value: api.example.com}]`.
    """

    code = "DC608"
    name = "django-allowed-hosts-wildcard"
    category = Category.SECURITY
    severity = Severity.WARNING
    target = DjangoSettings
    fix = 'list the real host names: ALLOWED_HOSTS = ["api.example.com"]'

    def check(self, model: DjangoSettings, options: NoOptions) -> Iterator[Violation]:
        if not deployed(model):
            return
        found = effective(model, "ALLOWED_HOSTS")
        if found is None:
            return
        path, setting = found
        if not setting.literal or not isinstance(setting.value, tuple) or "*" not in setting.value:
            return
        yield Violation(
            f"{where(path, setting.pos)}: ALLOWED_HOSTS accepts any Host header{via(model, path)}, so "
            "password-reset links, absolute URLs and cached pages can carry an attacker's host name",
            at(path, setting.pos),
        )
