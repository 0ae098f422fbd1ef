"""Which files `init` writes for an app, and the settings they share (ports, limits, variables).

Templates are plain Python building text (`templates/`), so every value comes from `AppFacts`
and `Options` and nothing is left to a template language. Values nobody can know here (a domain,
a registry, secrets) become marked parameters: `${VAR:?...}` in compose, `TODO(deploycheck)`
comments elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deploycheck.scaffold.detect import AppFacts, EnvNeed

TODO = "TODO(deploycheck)"
PLACEHOLDER_DOMAIN = "example.com"
PLACEHOLDER_REGISTRY = "registry.example.com"


@dataclass(frozen=True, slots=True)
class Options:
    k8s: bool = False
    nginx: bool = False
    ingress: bool = False
    ci: str = "github"  # github | gitlab | none
    domain: str = ""
    registry: str = ""
    cache_mounts: bool = True  # RUN --mount needs BuildKit (Docker 23+ default)


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    path: str  # relative to the project root, POSIX
    content: str
    purpose: str
    mode: int = 0o644


@dataclass(frozen=True, slots=True)
class Limits:
    """Resources the app gets, and what the runtime is told about them."""

    memory_mib: int
    cpus: int

    @property
    def gomemlimit(self) -> str:
        return f"{self.memory_mib * 9 // 10}MiB"  # 10% headroom for what the Go GC cannot see


@dataclass(frozen=True, slots=True)
class EnvValue:
    """A variable in compose (`compose`) and how Kubernetes sets it (`k8s_secret` when it must
    come from a Secret)."""

    name: str
    compose: str
    k8s: str | None  # None: from the Secret
    comment: str = ""


def limits(facts: AppFacts) -> Limits:
    return Limits(256, 1) if facts.is_go else Limits(512, 1)


def workers(facts: AppFacts, cpus: int) -> int:
    """gunicorn's sync workers: 2 x CPUs + 1; async servers (uvicorn): one per CPU."""
    return cpus if facts.server == "uvicorn" else 2 * cpus + 1


def go_needs_gomaxprocs(facts: AppFacts) -> bool:
    """Go reads the cgroup CPU limit itself from 1.25 on; older versions use the host's CPUs."""
    return facts.is_go and facts.go_minor < (1, 25)


def service_host(kind: str, facts: AppFacts) -> str:
    if kind in ("postgres", "mysql"):
        both = {s.kind for s in facts.services} >= {"postgres", "mysql"}
        return kind if both else "db"
    return kind


_URL = re.compile(r"(^|_)(URL|DSN|URI)$|^DATABASE_URL$")


def env_values(facts: AppFacts, options: Options) -> list[EnvValue]:
    """The variables the app gets in compose and Kubernetes, in a stable order."""
    out: list[EnvValue] = []
    if facts.port_env:
        out.append(EnvValue(facts.port_env, str(facts.port), str(facts.port)))
    if facts.addr_env:
        out.append(EnvValue(facts.addr_env, f":{facts.port}", f":{facts.port}",
                            "all interfaces: published ports and Services reach only these"))
    handled = {facts.port_env, facts.addr_env}
    kinds = {s.kind for s in facts.services}
    for need in (*facts.required_env, *facts.optional_env):
        if need.name in handled:
            continue
        value = _service_env(need, kinds, facts)
        if value is not None:
            out.append(value)
            handled.add(need.name)
    for need in facts.required_env:
        if need.name in handled or need.name in ("GIN_MODE", "PORT"):
            continue
        handled.add(need.name)
        out.append(EnvValue(need.name, f"${{{need.name}:?set {need.name} (read at {need.where})}}",
                            None, f"required by the app ({need.where})"))
    for need in facts.optional_env:
        if need.name in handled or need.default is not None or need.name in _SET_ELSEWHERE:
            continue
        handled.add(need.name)
        # No default in the code: passed through from the shell or .env, empty when unset.
        out.append(EnvValue(need.name, f"${{{need.name}:-}}", None if _secret(need.name) else "",
                            f"read at {need.where}"))
    lim = limits(facts)
    if facts.is_go:
        out.append(EnvValue("GOMEMLIMIT", lim.gomemlimit, "",
                            "the Go GC works to stay under the container's memory limit"))
        if go_needs_gomaxprocs(facts):
            out.append(EnvValue("GOMAXPROCS", str(lim.cpus), "",
                                f"Go {facts.go_version} sizes its thread pool from the host's CPUs"))
    else:
        if options.nginx:
            out.append(EnvValue("FORWARDED_ALLOW_IPS", "*", "*",
                                "only nginx reaches the app: trust its X-Forwarded-* headers"))
        out.append(EnvValue("WEB_CONCURRENCY", str(workers(facts, lim.cpus)), "",
                            "workers from the CPU limit, not the host's CPU count"))
    return out


_SET_ELSEWHERE = frozenset({"GIN_MODE", "PORT", "GOMEMLIMIT", "GOMAXPROCS", "WEB_CONCURRENCY",
                            "PYTHONUNBUFFERED", "FORWARDED_ALLOW_IPS", "HOME", "PATH", "HOSTNAME",
                            "TZ", "DEBUG"})


def _secret(name: str) -> bool:
    return bool(re.search(r"SECRET|PASSWORD|TOKEN|KEY|CREDENTIAL|DSN|URL", name.upper()))


def _service_env(need: EnvNeed, kinds: set[str], facts: AppFacts) -> EnvValue | None:
    name = need.name.upper()
    kind = ""
    if name.startswith(("POSTGRES", "PG")) and "postgres" in kinds:
        kind = "postgres"
    elif name.startswith("MYSQL") and "mysql" in kinds:
        kind = "mysql"
    elif name.startswith("REDIS") and "redis" in kinds:
        kind = "redis"
    elif name.startswith(("DATABASE", "DB_")):
        kind = "postgres" if "postgres" in kinds else "mysql" if "mysql" in kinds else ""
    if not kind:
        return None
    host = service_host(kind, facts)
    password = "POSTGRES_PASSWORD" if kind == "postgres" else "MYSQL_PASSWORD"
    secret = f"${{{password}:?set {password}}}"
    if kind == "redis":
        values = {"URL": f"redis://{host}:6379/0", "ADDR": f"{host}:6379", "HOST": host,
                  "PORT": "6379"}
        for suffix, value in values.items():
            if name.endswith(suffix):
                return EnvValue(need.name, value, value)
        return None
    port = "5432" if kind == "postgres" else "3306"
    if _URL.search(name):
        if kind == "postgres":
            url = f"postgres://app:{secret}@{host}:5432/app?sslmode=disable"
        elif facts.is_go:
            url = f"app:{secret}@tcp({host}:3306)/app?parseTime=true"
        else:
            url = f"mysql://app:{secret}@{host}:3306/app"
        note = "" if kind == "postgres" else f"{TODO}: the URL format your driver expects"
        return EnvValue(need.name, url, None, note)
    for suffixes, value in ((("HOST",), host), (("PORT",), port), (("USER", "USERNAME"), "app"),
                            (("NAME", "DB", "DATABASE"), "app")):
        if name.endswith(suffixes) or name in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE"):
            if name.startswith("PG") and not name.endswith(suffixes):
                continue
            return EnvValue(need.name, value, value)
    if name.endswith(("PASSWORD", "PASS", "PWD")):
        return EnvValue(need.name, secret, None)
    return None


def secret_names(values: list[EnvValue]) -> list[str]:
    return [v.name for v in values if v.k8s is None]


def generate(facts: AppFacts, options: Options) -> tuple[GeneratedFile, ...]:
    """Every file init writes for the app, Dockerfile first."""
    from deploycheck.scaffold.templates import ci, compose, dockerfile, extras, kubernetes, nginx

    base = facts.app_dir + "/" if facts.app_dir else ""
    files = [
        GeneratedFile(base + "Dockerfile", dockerfile.render(facts, options),
                      "multi-stage image build"),
        GeneratedFile(base + ".dockerignore", extras.dockerignore(facts), "build context filter"),
    ]
    if facts.is_go:
        files.append(GeneratedFile(base + extras.PROBE_DIR + "/main.go", extras.go_probe(),
                                   "health probe for images without curl"))
    files.append(GeneratedFile(base + "compose.yaml", compose.render(facts, options),
                               "app and the services it talks to"))
    if options.nginx:
        files.append(GeneratedFile(base + "nginx/conf.d/app.conf", nginx.render(facts, options),
                                   "TLS reverse proxy"))
    if options.k8s:
        files.extend(GeneratedFile(base + path, text, purpose)
                     for path, text, purpose in kubernetes.render(facts, options))
    if facts.metrics_path:
        files.append(GeneratedFile(base + "prometheus/prometheus.yml", extras.prometheus(facts, options),
                                   "Prometheus scrape configuration"))
    if options.ci == "github":
        files.append(GeneratedFile(".github/workflows/deploy.yml", ci.github(facts, options),
                                   "CI: build the image, check the deployment"))
    elif options.ci == "gitlab":
        files.append(GeneratedFile(".gitlab-ci.yml", ci.gitlab(facts, options),
                                   "CI: build the image, check the deployment"))
    return tuple(files)
