from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.compose import (
    BACKING_PORTS,
    BACKING_SCHEMES,
    ComposeProject,
    ComposeService,
    EnvVar,
)
from deploycheck.rules.compose._common import KIND_LABEL, where

_LOOPBACK = r"(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)"
_URL = re.compile(r"\b([a-z][a-z0-9+.-]*)://(?:[^@/\s]*@)?(" + _LOOPBACK + r")(?::(\d+))?(?=[/?#,\s]|$)",
                  re.IGNORECASE)
_TCP = re.compile(r"@tcp\((" + _LOOPBACK + r")(?::(\d+))?\)", re.IGNORECASE)  # Go MySQL DSN
_KEYWORD = re.compile(r"(?:^|\s)host=(" + _LOOPBACK + r")(?=\s|$)(?:.*\bport=(\d+))?", re.IGNORECASE)
_BARE = re.compile(r"^(" + _LOOPBACK + r")(?::(\d+))?$", re.IGNORECASE)

_PORT_KIND = {port: kind for kind, ports in BACKING_PORTS.items() for port in ports}
_NAME_HINTS = (
    ("POSTGRES", "postgres"), ("PG", "postgres"), ("MYSQL", "mysql"), ("MARIADB", "mysql"),
    ("REDIS", "redis"), ("VALKEY", "redis"), ("MONGO", "mongo"), ("RABBIT", "rabbitmq"),
    ("AMQP", "rabbitmq"), ("KAFKA", "kafka"), ("NATS", "nats"), ("MEMCACHE", "memcached"),
    ("ELASTIC", "elasticsearch"), ("OPENSEARCH", "elasticsearch"), ("CLICKHOUSE", "clickhouse"),
    ("MSSQL", "mssql"), ("DATABASE", "db"), ("DB", "db"), ("CACHE", "redis"), ("BROKER", "rabbitmq"),
)
_DATABASES = ("postgres", "mysql", "mongo", "mssql", "clickhouse", "cassandra")
# Variables that name an address to listen on or to advertise, not one to dial.
_NOT_A_TARGET = ("LISTEN", "BIND", "ADVERTISE", "ALLOWED", "CORS", "ORIGIN", "TRUSTED", "NO_PROXY")


@dataclass(frozen=True, slots=True)
class _Target:
    host: str
    port: int | None
    kind: str  # a backing kind, 'db' for any database, or '' when unknown


def _hint(name: str) -> str:
    parts = re.split(r"[^A-Z0-9]+", name.upper())
    for needle, kind in _NAME_HINTS:
        if any(part == needle or part.startswith(needle) for part in parts):
            return kind
    return ""


def _target(var: EnvVar) -> _Target | None:
    value = (var.value or "").strip().strip("'\"")
    lowered = value.lower()
    if "localhost" not in lowered and "127." not in lowered and "::1" not in lowered:
        return None
    if any(word in var.name.upper() for word in _NOT_A_TARGET):
        return None
    hint = _hint(var.name)
    match = _URL.search(value)
    if match:
        port = int(match.group(3)) if match.group(3) else None
        kind = BACKING_SCHEMES.get(match.group(1).lower(), "")
        if not kind and match.group(1).lower() in ("http", "https", "ws", "wss"):
            # An HTTP URL names a backing service only through a well-known port.
            kind = _PORT_KIND.get(port or 0, "")
            if not kind:
                return None
        return _Target(match.group(2), port, kind or _PORT_KIND.get(port or 0, "") or hint)
    for pattern in (_TCP, _KEYWORD, _BARE):
        match = pattern.search(value)
        if match:
            port = int(match.group(2)) if match.group(2) else None
            return _Target(match.group(1), port, _PORT_KIND.get(port or 0, "") or hint)
    return None


def _provider(project: ComposeProject, target: _Target, svc: ComposeService) -> ComposeService | None:
    candidates = [s for s in project.services if s.name != svc.name and s.backing]
    if target.kind == "db":
        candidates = [s for s in candidates if s.backing in _DATABASES]
    elif target.kind:
        candidates = [s for s in candidates if s.backing == target.kind]
    else:
        return None
    if target.port is not None:
        serving = [s for s in candidates if target.port in BACKING_PORTS.get(s.backing, ())
                   or any(target.port in p.container_ports() for p in s.ports)]
        candidates = serving or candidates
    return candidates[0] if candidates else None


def _origin(var: EnvVar) -> tuple[str, Location]:
    """Where the loopback text is written: a `.env` line the value came from, or the var's line."""
    for ref in var.refs:
        if ref.source and ref.source_pos is not None:
            return ref.source, Location.at(ref.source, ref.source_pos)
    return var.path, Location.at(var.path, var.pos)


class LocalhostServiceAddress(Rule[ComposeProject]):
    """A container is told to reach a database, cache or broker at `localhost`.

    ## Why
    Inside a container, `localhost` and `127.0.0.1` are the container itself, not the host and
    not the other services of the project. An app given `DATABASE_URL=postgres://u:p@localhost:5432/db`
    or `REDIS_HOST=127.0.0.1` fails with `dial tcp 127.0.0.1:5432: connect: connection refused`
    (`could not connect to server: Connection refused. Is the server running on host "localhost"
    (127.0.0.1) ...`) although the database container is up (O11; laradock/laradock#526,
    cookiecutter/cookiecutter-django#2767, knadh/listmonk#21). Other containers are reached by
    service name (`db`), which Compose's network resolves. The rule reads the environment every
    service receives — `environment:`, `env_file:` files and `${VAR}`s filled from `.env` — and
    reports loopback addresses whose scheme, port or variable name points at a database, cache or
    broker, when the project runs such a service or the port is a well-known one. Services with
    `network_mode: host` (where localhost is the host) and the database services' own settings
    are left alone.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        env_file: .env
      db:
        image: postgres:16
    ```

    ```.env
    DATABASE_URL=postgres://app:secret@localhost:5432/app
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        env_file: .env
      db:
        image: postgres:16
    ```

    ```.env
    DATABASE_URL=postgres://app:secret@db:5432/app
    ```

    ## Fix
    Use the service name as the host (`db:5432`). To reach a server running on the Docker host
    itself, use `host.docker.internal` (add `extra_hosts: ["host.docker.internal:host-gateway"]` on
    Linux).
    """

    code = "DC208"
    name = "localhost-service-address"
    category = Category.CONFIG
    severity = Severity.ERROR
    target = ComposeProject
    fix = "address the other service by its compose service name, not localhost"

    def check(self, model: ComposeProject, options: NoOptions) -> Iterator[Violation]:
        reported: set[tuple[str, int, int]] = set()
        for svc in model.services:
            if svc.shares_network_namespace or svc.backing:
                continue
            for var in svc.environment:
                target = _target(var)
                if target is None:
                    continue
                provider = _provider(model, target, svc)
                if provider is None and target.port not in _PORT_KIND:
                    continue
                if not model.owns(var.declared_in):
                    continue
                path, location = _origin(var)
                key = (path, location.line, location.column)
                if key in reported:
                    continue
                reported.add(key)
                yield self._violation(svc, var, target, provider, location)

    @staticmethod
    def _violation(svc: ComposeService, var: EnvVar, target: _Target,
                   provider: ComposeService | None, location: Location) -> Violation:
        port = target.port or (BACKING_PORTS.get(provider.backing, (0,))[0] if provider else 0)
        kind = provider.backing if provider else _PORT_KIND.get(port, target.kind)
        label = KIND_LABEL.get(kind, "the database")
        addr = f"{target.host}:{target.port}" if target.port else target.host
        ip = "127.0.0.1" if target.host.lower() == "localhost" else target.host.strip("[]")
        head = (f"{var.name} tells service `{svc.name}` to reach {label} at {addr}, but inside the "
                f"container that is the container itself, so it fails with `dial tcp {ip}:"
                f"{port or '...'}: connect: connection refused`")
        related: list[Related] = []
        if location.path != var.path or location.line != var.pos.line:
            related.append(Related(Location.at(var.path, var.pos),
                                   f"{var.name} is passed to `{svc.name}` here"))
        if provider is not None:
            related.append(Related(provider.location(),
                                   f"service `{provider.name}` runs `{provider.image}`"))
            return Violation(
                f"{head}; {label} runs in service `{provider.name}` "
                f"({where(provider.path, provider.pos)}), reachable as `{provider.name}`",
                location, tuple(related),
                fix=f"replace `{target.host}` with `{provider.name}` in {var.name}",
            )
        return Violation(
            f"{head}; no service of this project serves port {port}, so if {label} runs on the "
            "Docker host, localhost does not reach it from a container either",
            location, tuple(related),
            fix="use `host.docker.internal` (with `extra_hosts: [\"host.docker.internal:"
                "host-gateway\"]` on Linux) for a server on the Docker host, or add the service to "
                "the project and use its name",
        )
