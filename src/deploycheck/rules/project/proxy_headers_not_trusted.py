from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.model.servercmd import ServerCommand
from deploycheck.rules.project._common_image import proxied

_LOCAL = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class ProxyHeadersNotTrusted(Rule[Project]):
    """nginx terminates TLS for a uvicorn app that does not trust nginx's X-Forwarded-Proto.

    ## Why
    uvicorn (and `fastapi run`, and gunicorn's UvicornWorker) honours `X-Forwarded-Proto` only
    from the addresses in `--forwarded-allow-ips`, which default to `127.0.0.1`. nginx in
    another container (or on the host, reaching a published port) is not 127.0.0.1, so the app
    believes every request came over plain HTTP: FastAPI's trailing-slash redirect answers
    `307 Location: http://...`, `url_for` builds `http://` links, and browsers block them as
    mixed content on the HTTPS page (pitfall T2; evoila/meho#730, fastapi/fastapi#2033).

    ## Bad
    ```nginx/nginx.conf
    events {}
    http {
        server {
            listen 443 ssl;
            ssl_certificate /etc/nginx/certs/fullchain.pem;
            ssl_certificate_key /etc/nginx/certs/privkey.pem;
            location / {
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_pass http://api:8000;
            }
        }
    }
    ```

    ```compose.yaml
    services:
      api:
        build: .
        command: ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
      proxy:
        image: nginx:1.27
        ports:
          - "443:443"
        volumes:
          - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir fastapi uvicorn
    ```

    ```main.py
    from fastapi import FastAPI

    app = FastAPI()
    ```

    ## Good
    ```nginx/nginx.conf
    events {}
    http {
        server {
            listen 443 ssl;
            ssl_certificate /etc/nginx/certs/fullchain.pem;
            ssl_certificate_key /etc/nginx/certs/privkey.pem;
            location / {
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_pass http://api:8000;
            }
        }
    }
    ```

    ```compose.yaml
    services:
      api:
        build: .
        command: uvicorn main:app --host 0.0.0.0 --port 8000 --forwarded-allow-ips "*"
      proxy:
        image: nginx:1.27
        ports:
          - "443:443"
        volumes:
          - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir fastapi uvicorn
    ```

    ```main.py
    from fastapi import FastAPI

    app = FastAPI()
    ```

    ## Fix
    Trust the proxy: `--proxy-headers --forwarded-allow-ips='*'` (or the proxy's network, or
    `FORWARDED_ALLOW_IPS` in the environment) when only the proxy can reach the app; also make
    nginx send `proxy_set_header X-Forwarded-Proto $scheme;`.
    """

    code = "DC733"
    name = "proxy-headers-not-trusted"
    category = Category.TLS
    severity = Severity.WARNING
    target = Project
    fix = "start uvicorn with --proxy-headers --forwarded-allow-ips='*' (or FORWARDED_ALLOW_IPS)"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        seen: set[tuple[str, int, str]] = set()
        for hop in proxied(model):
            target = hop.endpoint.target
            if not target.server.terminates_tls:
                continue
            dep = hop.deployment
            server = dep.server()
            if server is None or dep.command_location is None or not _asgi(server):
                continue
            problem = _untrusted(server)
            if problem is None:
                continue
            where = dep.command_location
            key = (where.path, where.line, dep.name)
            if key in seen:
                continue
            seen.add(key)
            listen = target.server.tls_listens[0] if target.server.tls_listens else None
            related = [Related(target.proxy.location,
                               f"nginx terminates TLS and proxies to {dep.label}")]
            if listen is not None:
                related.insert(0, Related(listen.location, "TLS ends here, in nginx"))
            yield Violation(
                f"{where.short()}: {server.kind} runs behind nginx, which terminates TLS "
                f"({target.proxy.short()}), but {problem}, so the app treats every request as "
                "plain http: redirects (FastAPI's trailing-slash 307) and generated URLs use "
                "`http://`, which browsers block as mixed content",
                where,
                tuple(related),
                fix=_fix(server, dep),
            )


def _asgi(server: ServerCommand) -> bool:
    if server.kind in ("uvicorn", "fastapi"):
        return True
    return server.kind == "gunicorn" and "uvicorn" in server.worker_class.lower()


def _untrusted(server: ServerCommand) -> str | None:
    if not server.proxy_headers:
        return "proxy headers are switched off (--no-proxy-headers)"
    ips = server.forwarded_allow_ips
    if ips is None:
        return None
    entries = {e.strip() for e in ips.split(",") if e.strip()}
    if not entries or entries <= _LOCAL:
        return (f"it trusts X-Forwarded-Proto only from {ips or '127.0.0.1'} (the default of "
                "--forwarded-allow-ips) and nginx connects from another address")
    return None


def _fix(server: ServerCommand, dep: Deployment) -> str:
    if server.kind == "gunicorn":
        return ("add `--forwarded-allow-ips='*'` to the gunicorn command (or FORWARDED_ALLOW_IPS=* "
                "in the environment)")
    place = "the service's `environment`" if dep.kind == "compose" else "the container's env"
    return (f"add `--proxy-headers --forwarded-allow-ips='*'` to the {server.kind} command, or "
            f"set FORWARDED_ALLOW_IPS=* in {place}")
