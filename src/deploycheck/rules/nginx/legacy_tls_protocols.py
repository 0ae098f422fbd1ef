from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, TextEdit, Violation
from deploycheck.model.nginx import Directive, NginxFile

_WHY = {
    "sslv2": "SSLv2 (DROWN)",
    "sslv3": "SSLv3 (POODLE)",
    "tlsv1": "TLSv1.0 (BEAST, deprecated by RFC 8996)",
    "tlsv1.1": "TLSv1.1 (deprecated by RFC 8996)",
}


class LegacyTlsProtocols(Rule[NginxFile]):
    """`ssl_protocols` enables SSLv2, SSLv3, TLSv1 or TLSv1.1.

    ## Why
    Old generators and blog posts still hand out `ssl_protocols TLSv1 TLSv1.1 TLSv1.2;` (T6;
    h5bp/server-configs-nginx#201, digitalocean/nginxconfig.io#42). SSL Labs caps such a host's
    grade, PCI DSS and other scanners fail it, and clients that still speak the old protocols
    can be downgraded to them; current browsers refuse TLS 1.0/1.1 anyway, so nothing is gained.
    nginx's own default has been `TLSv1.2 TLSv1.3` since 1.23.4 (nginx/nginx#252).

    One rule at `warning` covers all four protocols: SSLv2/SSLv3 are broken outright, but the
    OpenSSL 1.1+/3 builds every current nginx image links against cannot negotiate them at all,
    so listing them is as harmful as listing TLSv1/TLSv1.1: a scanner finding and a sign of a
    copied, outdated TLS block. The message names each protocol and its weakness.

    ## Bad
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        ssl_certificate     /etc/letsencrypt/live/example.com/fullchain.pem;
        ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;
        ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
    }
    ```

    ## Good
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        ssl_certificate     /etc/letsencrypt/live/example.com/fullchain.pem;
        ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
    }
    ```

    ## Fix
    `ssl_protocols TLSv1.2 TLSv1.3;` (or drop the line on nginx 1.23.4+, whose default is that).
    """

    code = "DC401"
    name = "nginx-legacy-tls-protocols"
    category = Category.TLS
    severity = Severity.WARNING
    target = NginxFile
    fix = "use `ssl_protocols TLSv1.2 TLSv1.3;`"

    def check(self, model: NginxFile, options: NoOptions) -> Iterator[Violation]:
        for d in model.find("ssl_protocols"):
            weak = [(i, a) for i, a in enumerate(d.args) if a.lower() in _WHY]
            if not weak:
                continue
            names = ", ".join(_WHY[a.lower()] for _, a in weak)
            yield Violation(
                f"`ssl_protocols` enables {names}: SSL Labs caps the grade, compliance scanners "
                f"fail the host and clients can be downgraded to a broken protocol",
                d.arg_location(weak[0][0]),
                edits=_modern(d),
            )


def _modern(d: Directive) -> tuple[TextEdit, ...]:
    """The arguments, when written on one line, become `TLSv1.2 TLSv1.3`."""
    if len(d.arg_pos) != len(d.args) or not d.args or len({p.line for p in d.arg_pos}) != 1:
        return ()
    if any(not a or not a.replace(".", "").isalnum() for a in d.args):
        return ()
    first, last = d.arg_pos[0], d.arg_pos[-1]
    return (TextEdit(d.path, first.line, first.column, last.line, last.column + len(d.args[-1]),
                     "TLSv1.2 TLSv1.3"),)
