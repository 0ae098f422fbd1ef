"""nginx/conf.d/app.conf: TLS 1.2/1.3, HSTS, HTTP→HTTPS redirect, forwarded headers, CORS once."""

from __future__ import annotations

from deploycheck.scaffold.detect import AppFacts
from deploycheck.scaffold.generate import PLACEHOLDER_DOMAIN, TODO, Options


def render(facts: AppFacts, options: Options) -> str:
    domain = options.domain or PLACEHOLDER_DOMAIN
    mark = "" if options.domain else f"  # {TODO}: your domain"
    if facts.sets_cors:
        cors = ["# CORS: the app sets Access-Control-* itself, so nginx adds none (two layers send",
                "# the header twice and browsers reject the response)."]
    else:
        cors = ["# CORS: not set here; if the app needs it, set it in one layer only (app or nginx)."]
    trust = _trust_note(facts)
    lines = [
        f"# TLS reverse proxy for {facts.name}, written by `deploycheck init`.",
        *cors,
        *trust,
        "",
        f"upstream {facts.name} {{",
        f"    server {facts.name}:{facts.port};",
        "    keepalive 16;",
        "}",
        "",
        "# Plain HTTP: ACME challenges, everything else goes to HTTPS.",
        "server {",
        "    listen 80;",
        "    listen [::]:80;",
        f"    server_name {domain};{mark}",
        "",
        "    location /.well-known/acme-challenge/ {",
        "        root /var/www/certbot;",
        "    }",
        "",
        "    location / {",
        "        return 301 https://$host$request_uri;",
        "    }",
        "}",
        "",
        "server {",
        "    listen 443 ssl;",
        "    listen [::]:443 ssl;",
        f"    server_name {domain};{mark}",
        "",
        "    # fullchain.pem: the certificate and its intermediates (cert.pem alone fails on",
        "    # clients that do not have the intermediate).",
        "    ssl_certificate     /etc/nginx/certs/fullchain.pem;",
        "    ssl_certificate_key /etc/nginx/certs/privkey.pem;",
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        "    ssl_prefer_server_ciphers off;",
        "    ssl_session_cache shared:SSL:10m;",
        "    ssl_session_timeout 1d;",
        "    ssl_session_tickets off;",
        "",
        '    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
        "    client_max_body_size 10m;",
        "",
        "    location / {",
        f"        proxy_pass http://{facts.name};",
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
        "        proxy_set_header Host $host;",
        "        proxy_set_header X-Real-IP $remote_addr;",
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "        proxy_set_header X-Forwarded-Proto $scheme;",
        "        proxy_set_header X-Forwarded-Host $host;",
        "        proxy_read_timeout 60s;",
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def _trust_note(facts: AppFacts) -> list[str]:
    """Say how the app treats X-Forwarded-*, so the two sides are changed together."""
    if facts.is_go and facts.framework == "gin":
        if facts.trusted_proxies.startswith("SetTrustedProxies("):
            return [f"# The app trusts forwarded headers from: {facts.trusted_proxies}; it must",
                    "# include the nginx container's network (the compose network's subnet)."]
        return ["# The app's client IP (c.ClientIP()) comes from X-Forwarded-For: call",
                "# r.SetTrustedProxies with the compose network's subnet so only nginx is trusted."]
    if not facts.is_go and facts.framework == "django":
        return ["# Django: set SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\") so",
                "# request.is_secure() follows X-Forwarded-Proto from this proxy."]
    if not facts.is_go:
        return ["# The app's server trusts X-Forwarded-* from FORWARDED_ALLOW_IPS (set to * in",
                "# compose.yaml, where only nginx can reach it)."]
    return []
