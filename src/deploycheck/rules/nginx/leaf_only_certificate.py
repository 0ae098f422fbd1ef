from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, TextEdit, Violation
from deploycheck.model.nginx import NginxFile


def _leaf_only(path: str) -> str | None:
    """The chain file to use instead, when `path` is a certbot or acme.sh leaf certificate."""
    low = path.lower()
    folder, _, name = low.rpartition("/")
    if name == "cert.pem" and ("/live/" in f"/{folder}/" or "letsencrypt" in low or "certbot" in low):
        return path[: len(folder) + 1] + "fullchain.pem" if folder else "fullchain.pem"
    if ".acme.sh" in low and name.endswith(".cer") and name not in ("fullchain.cer", "ca.cer"):
        return path[: len(folder) + 1] + "fullchain.cer" if folder else "fullchain.cer"
    return None


class LeafOnlyCertificate(Rule[NginxFile]):
    """`ssl_certificate` points at certbot's leaf-only `cert.pem` instead of `fullchain.pem`.

    ## Why
    certbot writes `cert.pem` (the site's certificate alone) next to `fullchain.pem` (it plus
    the intermediate CA certificates). Served alone, the leaf cannot be linked to a trusted root:
    desktop browsers often cope (they cache or fetch intermediates), but curl, Node, Python
    requests, Go, websockets and mobile apps fail with `unable to verify the first certificate` /
    `certificate verify failed: unable to get local issuer certificate`, SSL Labs says `This
    server's certificate chain is incomplete. Grade capped to B`, and nginx logs `"ssl_stapling"
    ignored, issuer certificate not found` (T5; certbot/certbot#610, nodejs/help#1882). acme.sh's
    `<domain>.cer` is the same leaf-only file (use `fullchain.cer`). Only these well-known
    layouts are flagged, so a self-signed `cert.pem` elsewhere is left alone.

    ## Bad
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        server_name example.com;
        ssl_certificate     /etc/letsencrypt/live/example.com/cert.pem;
        ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;
    }
    ```

    ## Good
    ```nginx/conf.d/site.conf
    server {
        listen 443 ssl;
        server_name example.com;
        ssl_certificate     /etc/letsencrypt/live/example.com/fullchain.pem;
        ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;
    }
    ```

    ## Fix
    Point `ssl_certificate` at `fullchain.pem` (the leaf followed by the intermediates) and
    reload nginx; check with `openssl s_client -connect host:443 -showcerts`.
    """

    code = "DC406"
    name = "nginx-leaf-only-certificate"
    category = Category.TLS
    severity = Severity.WARNING
    target = NginxFile
    fix = "point ssl_certificate at fullchain.pem (leaf + intermediates), not cert.pem"

    def check(self, model: NginxFile, options: NoOptions) -> Iterator[Violation]:
        for d in model.find("ssl_certificate"):
            path = d.arg(0)
            chain = _leaf_only(path) if "$" not in path else None
            if chain is None:
                continue
            yield Violation(
                f"ssl_certificate {path} is the leaf certificate alone, without intermediates: "
                f"curl, Node, Python, Go and mobile clients fail with `unable to verify the first "
                f"certificate` and SSL Labs reports an incomplete chain",
                d.arg_location(0),
                fix=f"use `ssl_certificate {chain};`",
                # certbot writes fullchain.pem next to cert.pem; a quoted path is left alone
                # (the engine refuses the edit: it would unbalance the quotes)
                edits=(TextEdit(d.path, d.arg_pos[0].line, d.arg_pos[0].column, d.arg_pos[0].line,
                                d.arg_pos[0].column + len(path), chain),) if d.arg_pos else (),
            )
