from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.python import UNKNOWN, DjangoSettings
from deploycheck.rules.python._common import at, where
from deploycheck.rules.python._django import deployed, effective, via


class DjangoDebugEnabled(Rule[DjangoSettings]):
    """Django settings turn `DEBUG` on (literally, by default when a variable is unset, or as a string).

    ## Why
    With `DEBUG = True` every error page shows the settings, environment variables, source code
    and SQL to whoever triggers it, and Django keeps every query in memory. A default of `True`
    when `DJANGO_DEBUG` is unset ships debug mode to any deployment that forgets the variable;
    `DEBUG = os.getenv("DEBUG", "False")` is a string, and any non-empty string, `"False"`
    included, is true. Settings modules named for development or tests (`local.py`, `dev.py`,
    `settings_test.py`) and bases overridden by the module a deployment selects are not reported.

    ## Bad
    ```settings.py
    import os

    DEBUG = os.environ.get("DJANGO_DEBUG", "True") == "True"
    ALLOWED_HOSTS = ["api.example.com"]
    INSTALLED_APPS = ["django.contrib.contenttypes"]
    ```

    ## Good
    ```settings.py
    import os

    DEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"
    ALLOWED_HOSTS = ["api.example.com"]
    INSTALLED_APPS = ["django.contrib.contenttypes"]
    ```

    ## Fix
    Default to off and turn it on explicitly in development:
    `DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"`.
    """

    code = "DC607"
    name = "django-debug-enabled"
    category = Category.SECURITY
    severity = Severity.ERROR
    target = DjangoSettings
    fix = 'default DEBUG to False: DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"'

    def check(self, model: DjangoSettings, options: NoOptions) -> Iterator[Violation]:
        if not deployed(model):
            return
        found = effective(model, "DEBUG")
        if found is None:
            return
        path, setting = found
        value = setting.value
        if value is UNKNOWN or setting.from_cpu_count:
            return
        if isinstance(value, str) and value.strip():
            why = (f"DEBUG is the string {value!r}, and every non-empty string (\"False\" too) is true"
                   + (f" (from {', '.join(setting.env)})" if setting.env else ""))
        elif value is True or (isinstance(value, int) and not isinstance(value, bool) and value):
            why = ("DEBUG defaults to True when " + " and ".join(setting.env) + " is unset"
                   if setting.env else "DEBUG = True")
        else:
            return
        yield Violation(
            f"{where(path, setting.pos)}: {why}{via(model, path)}; in production Django's debug pages show "
            "settings, environment and source to anyone who triggers an error",
            at(path, setting.pos),
        )
