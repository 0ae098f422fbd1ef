# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container

_DEPENDENCY_NAME = re.compile(
    r"DB|DATABASE|POSTGRES|PG|MYSQL|MARIADB|MONGO|REDIS|CACHE|AMQP|RABBIT|BROKER|CELERY|KAFKA|ELASTIC|"
    r"OPENSEARCH|NATS|SMTP|MAIL|MEMCACHE|ETCD|CONSUL|VAULT|MINIO|S3_ENDPOINT|QUEUE|SEARCH|UPSTREAM|BACKEND|API_URL",
    re.I)
_SELF_NAME = re.compile(
    r"(?:^|_)(?:PUBLIC|BASE_URL|APP_URL|SITE_URL|SITE|CALLBACK|REDIRECT|ALLOWED|CORS|ORIGINS?|FRONTEND|LISTEN|"
    r"BIND|SERVER_NAME|EXTERNAL|ADVERTISED?)(?:_|$)|^(?:HOST|PORT|ADDR)$", re.I)
_LOCAL = ("localhost", "127.0.0.1", "::1", "0.0.0.0")
_DEFAULT_PORTS = {"postgres": 5432, "postgresql": 5432, "mysql": 3306, "mariadb": 3306, "redis": 6379,
                  "rediss": 6379, "mongodb": 27017, "amqp": 5672, "amqps": 5671, "nats": 4222, "kafka": 9092,
                  "http": 80, "https": 443, "smtp": 25, "memcached": 11211}


def local_target(name: str, value: str) -> tuple[str, int | None] | None:
    """(host, port) when the variable points a dependency at the container's own loopback."""
    if not _DEPENDENCY_NAME.search(name) or _SELF_NAME.search(name) or not value:
        return None
    text = value.strip()
    if "://" in text:
        try:
            parts = urlsplit(text)
            url_host = parts.hostname or ""
            url_port = parts.port or _DEFAULT_PORTS.get(parts.scheme.split("+")[0])
        except ValueError:
            return None
        return (url_host, url_port) if url_host in _LOCAL else None
    host, sep, digits = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    host = host if sep else text
    named = name.upper().endswith(("HOST", "ADDR", "ADDRESS", "SERVER", "URL", "DSN"))
    if host in _LOCAL and (not sep or digits.isdigit()) and named:
        return host, int(digits) if digits.isdigit() else None
    return None


class LocalhostDependency(Rule[Container]):
    r"""The container points a dependency (database, cache, broker) at localhost, which is the container itself.

    ## Why
    Each container has its own network namespace: `localhost` and `127.0.0.1` inside it are
    the container, not the host and not the database container. A `.env` written for running
    on the developer's machine (`DATABASE_URL=postgres://app@localhost:5432/app`,
    `REDIS_HOST=127.0.0.1`) makes every connection fail with `connection refused` (pitfall O11;
    laradock/laradock#526). Containers sharing a network namespace (`network_mode: host` or
    `container:...`) and variables naming the app's own address are not reported; a log line
    with the refused connection, or the socket table showing nothing on that port, is quoted.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "3f3898991e06", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4", "Env": ["DATABASE_URL=postgres://app:secret@localhost:5432/app"]},
      "State": {"Status": "running", "Running": true, "Pid": 2966, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"NetworkMode": "shop_default"}},
     "logs": ["waiting for database: dial tcp 127.0.0.1:5432: connect: connection refused"]}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "3f3898991e06", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4",
                 "Env": ["DATABASE_URL=postgres://app:secret@db:5432/app", "PUBLIC_URL=http://localhost:8080"]},
      "State": {"Status": "running", "Running": true, "Pid": 2966, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"NetworkMode": "shop_default"}},
     "logs": ["connected to postgres at db:5432"]}
    ```

    ## Fix
    Use the dependency's compose service name (or Kubernetes Service name) as the host:
    `DATABASE_URL=postgres://app:secret@db:5432/app`.
    """

    code = "CT023"
    name = "localhost-dependency"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = Container
    fix = "use the dependency's compose service (or Kubernetes Service) name instead of localhost"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        if c.network_mode == "host" or c.network_mode.startswith("container:"):
            return
        for name, value in c.env:
            target = local_target(name, value)
            if target is None:
                continue
            host, port = target
            if port is not None and c.sockets is not None and c.sockets.on_port(port):
                continue  # something in this very container serves it (a sidecar process)
            related = [Related(c.at(("env", name)), f"Config.Env {name} points at {host}"
                               + (f":{port}" if port else ""))]
            evidence = ""
            if port is not None:
                needle = f":{port}"
                for line in reversed(c.logs[-200:]):
                    if needle in line.text and ("refused" in line.text or "ECONNREFUSED" in line.text):
                        related.append(Related(c.log_location(line.number), f"log: {line.text}"))
                        evidence = f"; its log shows the refused connection (log line {line.number})"
                        break
                if c.sockets is not None and not evidence:
                    evidence = f"; nothing in the container listens on port {port}"
            yield Violation(
                f"container {c.name} sets {name} to {host}{':' + str(port) if port else ''}: inside the "
                f"container that is the container itself, not the service it depends on{evidence}",
                c.location(("env", name)), tuple(related),
                fix=f"set {name} with the dependency's service name instead of {host}")
