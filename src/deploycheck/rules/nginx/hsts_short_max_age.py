from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.nginx import NginxFile
from deploycheck.rules.nginx._common import HSTS

SIX_MONTHS = 15_768_000
_MAX_AGE = re.compile(r"max-age\s*=\s*\"?\s*(\d+)", re.I)


class HstsShortMaxAge(Rule[NginxFile]):
    """`Strict-Transport-Security` with a max-age under six months, `max-age=0`, or none.

    ## Why
    Browsers remember HSTS only for `max-age` seconds. A short value (`max-age=3600`, often left
    from a first cautious rollout) lapses between visits, reopening the plain-HTTP first request
    HSTS is meant to close (T7); `max-age=0` tells browsers to *forget* HSTS, and a header without
    `max-age` is ignored altogether (RFC 6797). SSL Labs and the preload list want at least
    15768000 seconds (six months); one year (31536000) is usual.

    ## Bad
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        ssl_certificate     /etc/ssl/site/fullchain.pem;
        ssl_certificate_key /etc/ssl/site/privkey.pem;
        add_header Strict-Transport-Security "max-age=3600" always;
    }
    ```

    ## Good
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        ssl_certificate     /etc/ssl/site/fullchain.pem;
        ssl_certificate_key /etc/ssl/site/privkey.pem;
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
    }
    ```

    ## Fix
    `add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;`
    """

    code = "DC410"
    name = "nginx-hsts-short-max-age"
    category = Category.TLS
    severity = Severity.INFO
    target = NginxFile
    fix = 'use `add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;`'

    def check(self, model: NginxFile, options: NoOptions) -> Iterator[Violation]:
        for d in model.find("add_header"):
            if len(d.args) < 2 or d.args[0].lower() != HSTS or "$" in d.args[1]:
                continue
            match = _MAX_AGE.search(d.args[1])
            if match is None:
                what = "has no max-age, so browsers ignore it (RFC 6797) and HSTS is off"
            elif int(match.group(1)) == 0:
                what = "has max-age=0, which tells browsers to forget HSTS for the site"
            elif int(match.group(1)) < SIX_MONTHS:
                seconds = int(match.group(1))
                what = (f"has max-age={seconds} ({_human(seconds)}), under six months: browsers "
                        f"forget it between visits and the first plain-HTTP request is exposed again")
            else:
                continue
            yield Violation(f"Strict-Transport-Security {what}", d.arg_location(1))


def _human(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            amount = seconds / size
            return f"{amount:.3g} {unit}{'' if amount == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"
