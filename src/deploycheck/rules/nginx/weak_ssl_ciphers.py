from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.nginx import NginxFile

# OpenSSL cipher-string words (and parts of suite names) that select broken ciphers.
_WEAK = {
    "RC4": "RC4", "DES": "DES", "3DES": "3DES", "CBC3": "3DES", "MD5": "MD5", "NULL": "NULL",
    "ENULL": "NULL", "ANULL": "anonymous (aNULL)", "ADH": "anonymous (ADH)",
    "AECDH": "anonymous (AECDH)", "EXP": "EXPORT", "EXPORT": "EXPORT", "EXPORT40": "EXPORT",
    "EXPORT56": "EXPORT", "LOW": "LOW", "RC2": "RC2", "IDEA": "IDEA",
}
# What an exclusion word removes (`!aNULL` removes ADH and AECDH suites too).
_EXCLUDES = {
    "ANULL": {"anonymous (aNULL)", "anonymous (ADH)", "anonymous (AECDH)"},
    "ADH": {"anonymous (ADH)"}, "AECDH": {"anonymous (AECDH)"},
    "NULL": {"NULL"}, "ENULL": {"NULL"}, "EXP": {"EXPORT"}, "EXPORT": {"EXPORT"},
    "3DES": {"3DES"}, "DES": {"DES"}, "RC4": {"RC4"}, "MD5": {"MD5"}, "LOW": {"LOW", "DES"},
    "RC2": {"RC2"}, "IDEA": {"IDEA"},
}


def _weak_parts(item: str) -> set[str]:
    words = {w.upper() for w in re.split(r"[-+_]", item) if w}
    found = {_WEAK[w] for w in words if w in _WEAK}
    if "3DES" in found or "CBC3" in words:
        found.discard("DES")
    return found


class WeakSslCiphers(Rule[NginxFile]):
    """`ssl_ciphers` lets in broken ciphers (RC4, DES/3DES, MD5, NULL, EXPORT, anonymous).

    ## Why
    Cipher lists copied from old tutorials (`RC4-SHA`, `DES-CBC3-SHA`, `ALL:EXPORT`, no `!aNULL`)
    let clients agree on ciphers broken long ago: RC4 and 3DES (Sweet32) leak plaintext, EXPORT
    ciphers allow FREAK/Logjam downgrades, NULL ciphers do not encrypt and anonymous suites do not
    authenticate the server. SSL Labs grades such hosts C or F and PCI scanners fail them (see T6
    for the protocol side). A word is harmless when the list also excludes it with `!`, as in
    nginx's default `HIGH:!aNULL:!MD5`.

    ## Bad
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        ssl_certificate     /etc/ssl/site/fullchain.pem;
        ssl_certificate_key /etc/ssl/site/privkey.pem;
        ssl_ciphers "ECDHE-RSA-AES128-GCM-SHA256:RC4-SHA:DES-CBC3-SHA";
    }
    ```

    ## Good
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        ssl_certificate     /etc/ssl/site/fullchain.pem;
        ssl_certificate_key /etc/ssl/site/privkey.pem;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:HIGH:!aNULL:!MD5:!3DES;
    }
    ```

    ## Fix
    Use the Mozilla "intermediate" list (ssl-config.mozilla.org), or nginx's default
    `HIGH:!aNULL:!MD5`, and exclude anything else with `!`.
    """

    code = "DC402"
    name = "nginx-weak-ssl-ciphers"
    category = Category.TLS
    severity = Severity.WARNING
    target = NginxFile
    fix = ("use the Mozilla intermediate cipher list (ssl-config.mozilla.org) or `HIGH:!aNULL:!MD5`, "
           "excluding anything weak with `!`")

    def check(self, model: NginxFile, options: NoOptions) -> Iterator[Violation]:
        for d in model.find("ssl_ciphers"):
            if not d.args:
                continue
            items = [i for i in re.split(r"[:,\s]+", " ".join(d.args)) if i]
            excluded: set[str] = set()
            for item in items:
                if item[:1] in "!-":
                    for word in re.split(r"[-+_]", item[1:]):
                        excluded |= _EXCLUDES.get(word.upper(), set())
            weak: dict[str, list[str]] = {}
            for item in items:
                if item[:1] in "!-+@":
                    continue
                for why in _weak_parts(item) - excluded:
                    weak.setdefault(why, []).append(item)
            if not weak:
                continue
            detail = "; ".join(f"{why} ({', '.join(dict.fromkeys(words))})" for why, words in weak.items())
            yield Violation(
                f"`ssl_ciphers` allows broken ciphers: {detail}; clients can be made to use them, "
                f"and SSL Labs and PCI scanners fail the host",
                d.arg_location(0),
            )
