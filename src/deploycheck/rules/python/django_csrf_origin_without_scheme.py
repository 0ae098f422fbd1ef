from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.python import DjangoSettings
from deploycheck.rules.python._common import at, where


class DjangoCsrfOriginWithoutScheme(Rule[DjangoSettings]):
    """`CSRF_TRUSTED_ORIGINS` entries without a scheme: Django 4+ rejects every form POST from them.

    ## Why
    Since Django 4.0 `CSRF_TRUSTED_ORIGINS` holds origins (`https://app.example.com`) and is
    compared with the browser's `Origin` header; a bare `app.example.com` or `.example.com`
    (Django 3 style) matches nothing. The system check says `(4_0.E001) As of Django 4.0, the
    values in the CSRF_TRUSTED_ORIGINS setting must start with a scheme`, and logins and form
    posts fail with `Forbidden (Origin checking failed - https://app.example.com does not match
    any trusted origins.)` (pitfall C8; wger-project/wger#1203, TandoorRecipes/recipes#1948).

    ## Bad
    ```settings.py
    ALLOWED_HOSTS = ["app.example.com"]
    CSRF_TRUSTED_ORIGINS = ["app.example.com"]
    ```

    ## Good
    ```settings.py
    ALLOWED_HOSTS = ["app.example.com"]
    CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]
    ```

    ## Fix
    Write each entry with its scheme: `"https://app.example.com"`, `"https://*.example.com"`.
    """

    code = "DC610"
    name = "django-csrf-origin-without-scheme"
    category = Category.CONFIG
    severity = Severity.ERROR
    target = DjangoSettings
    fix = 'write each trusted origin with its scheme: "https://app.example.com"'

    def check(self, model: DjangoSettings, options: NoOptions) -> Iterator[Violation]:
        for setting in model.own:
            if setting.name != "CSRF_TRUSTED_ORIGINS" or not setting.literal:
                continue
            value = setting.value
            entries = value if isinstance(value, tuple) else (value,) if isinstance(value, str) else ()
            bad = [e for e in entries if isinstance(e, str) and e.strip() and "://" not in e]
            if not bad:
                continue
            shown = ", ".join(f'"{e}"' for e in bad)
            fixed = ", ".join(f'"https://{e.lstrip(".") if not e.startswith(".") else "*" + e}"' for e in bad)
            yield Violation(
                f"{where(model.path, setting.pos)}: CSRF_TRUSTED_ORIGINS has {shown} without a scheme; "
                "Django 4+ compares entries with the browser's Origin header, so POSTs from there fail "
                "with `Forbidden (Origin checking failed - ... does not match any trusted origins.)`",
                at(model.path, setting.pos),
                fix=f"write them with the scheme: {fixed}",
            )
