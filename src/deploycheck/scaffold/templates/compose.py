"""compose.yaml: the app, the services its code talks to, and (with --nginx) the TLS proxy."""

from __future__ import annotations

import json

from deploycheck.scaffold.detect import AppFacts
from deploycheck.scaffold.generate import (
    EnvValue,
    Options,
    env_values,
    limits,
    service_host,
)
from deploycheck.scaffold.templates.dockerfile import python_probe

_IMAGES = {"postgres": "postgres:16", "mysql": "mysql:8.4", "redis": "redis:7"}


def _q(value: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted (JSON strings are valid YAML)."""
    if value and all(c.isalnum() or c in "-_./" for c in value) and not value[0].isdigit() and \
            value.lower() not in ("true", "false", "yes", "no", "on", "off", "null", "y", "n"):
        return value
    return json.dumps(value)


def _health_test(facts: AppFacts) -> list[str]:
    if facts.is_go:
        url = (f"http://127.0.0.1:{facts.port}{facts.health_path}" if facts.health_path
               else f"tcp://127.0.0.1:{facts.port}")
        return ["CMD", "/usr/local/bin/healthcheck", url]
    return ["CMD", "python", "-c", python_probe(facts)]


def _limits(memory: str, cpus: str | None = None) -> list[str]:
    out = ["    deploy:", "      resources:", "        limits:"]
    if cpus:
        out.append(f'          cpus: "{cpus}"')
    out.append(f"          memory: {memory}")
    return out


def render(facts: AppFacts, options: Options) -> str:
    lim = limits(facts)
    out = [
        f"# The {facts.name} app and what it talks to, written by `deploycheck init`.",
        "# Required variables are `${NAME:?...}`: put them in .env next to this file (not in git).",
        "services:",
        f"  {facts.name}:",
        "    build: .",
        f"    image: {facts.name}:local",
    ]
    if options.nginx:
        out += ["    # Only nginx is published; the app is reachable inside the compose network.",
                "    expose:", f'      - "{facts.port}"']
    else:
        out += ["    ports:", f'      - "{facts.port}:{facts.port}"']
    values = env_values(facts, options)
    if values:
        out.append("    environment:")
        for value in values:
            out.append(_env_line(value))
    if facts.services:
        out.append("    depends_on:")
        for service in facts.services:
            out += [f"      {service_host(service.kind, facts)}:",
                    "        condition: service_healthy"]
    out += ["    healthcheck:",
            f"      test: {json.dumps(_health_test(facts))}",
            "      interval: 10s", "      timeout: 3s", "      retries: 3",
            "      start_period: 15s"]
    out += _limits(f"{lim.memory_mib}M", str(lim.cpus))
    out.append("    restart: unless-stopped")
    for service in facts.services:
        out += _backing(service.kind, facts, service.evidence)
    if options.nginx:
        out += _proxy(facts)
    volumes = [f"{service_host(s.kind, facts)}-data" for s in facts.services
               if s.kind in ("postgres", "mysql")]
    if volumes:
        out.append("volumes:")
        out += [f"  {v}:" for v in volumes]
    return "\n".join(out) + "\n"


def _env_line(value: EnvValue) -> str:
    comment = f"  # {value.comment}" if value.comment else ""
    return f"      {value.name}: {_q(value.compose)}{comment}"


def _backing(kind: str, facts: AppFacts, why: str) -> list[str]:
    host = service_host(kind, facts)
    out = [f"  {host}:", f"    # {why}", f"    image: {_IMAGES[kind]}"]
    if kind == "postgres":
        out += ["    environment:", "      POSTGRES_USER: app", "      POSTGRES_DB: app",
                '      POSTGRES_PASSWORD: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"',
                "    volumes:", f"      - {host}-data:/var/lib/postgresql/data",
                "    healthcheck:",
                '      test: ["CMD-SHELL", "pg_isready -U app -d app"]']
    elif kind == "mysql":
        out += ["    environment:", "      MYSQL_USER: app", "      MYSQL_DATABASE: app",
                '      MYSQL_PASSWORD: "${MYSQL_PASSWORD:?set MYSQL_PASSWORD}"',
                '      MYSQL_ROOT_PASSWORD: "${MYSQL_ROOT_PASSWORD:?set MYSQL_ROOT_PASSWORD}"',
                "    volumes:", f"      - {host}-data:/var/lib/mysql",
                "    healthcheck:",
                '      test: ["CMD", "mysqladmin", "ping", "-h", "127.0.0.1", "--silent"]']
    else:
        out += ["    healthcheck:", '      test: ["CMD", "redis-cli", "ping"]']
    out += ["      interval: 5s", "      timeout: 3s", "      retries: 10",
            "      start_period: 10s"]
    out += _limits("512M" if kind != "redis" else "256M")
    out.append("    restart: unless-stopped")
    return out


def _proxy(facts: AppFacts) -> list[str]:
    return [
        "  nginx:",
        "    image: nginx:1.27",
        "    ports:",
        '      - "80:80"',
        '      - "443:443"',
        "    volumes:",
        "      - ./nginx/conf.d:/etc/nginx/conf.d:ro",
        "      # TLS certificate and key (fullchain.pem, privkey.pem), e.g. from certbot",
        "      - ./nginx/certs:/etc/nginx/certs:ro",
        "    depends_on:",
        f"      {facts.name}:",
        "        condition: service_healthy",
        "    healthcheck:",
        '      test: ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1/"]',
        "      interval: 30s",
        "      timeout: 5s",
        "      retries: 3",
        *_limits("128M"),
        "    restart: unless-stopped",
    ]

