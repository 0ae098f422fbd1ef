from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.envfile import RefStatus
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_ports import env_like_files, required_env

# Reads whose "required" check treats an empty value as missing (`if os.Getenv("X") == ""`).
_EMPTY_IS_MISSING = frozenset({"getenv", "helper", "cmp-or"})


class EnvEmptyAtRuntime(Rule[Project]):
    """A variable the app requires is set, but to an empty value, so the app's check still fails.

    ## Why
    Compose replaces `${TOKEN}` with an empty string when the variable is set neither in the
    shell nor in `.env` (it only prints `The "TOKEN" variable is not set. Defaulting to a blank
    string.`), and `TOKEN=` in an env file sets it to empty too. A Go app that checks
    `if os.Getenv("TOKEN") == "" { log.Fatal(...) }` then stops at start-up although the
    variable looks provided, and restarts in a loop (O10; mobius-os/mobius#839). Only reads
    whose check treats an empty value as missing are reported.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        environment:
          - API_TOKEN=${API_TOKEN}
    ```

    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=build /app /app
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import (
        "log"
        "net/http"
        "os"
    )

    func main() {
        token := os.Getenv("API_TOKEN")
        if token == "" {
            log.Fatal("API_TOKEN is required")
        }
        http.ListenAndServe(":8080", nil)
    }
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        environment:
          - API_TOKEN=${API_TOKEN:?set API_TOKEN in .env}
    ```

    ```.env
    API_TOKEN=s3cr3t
    ```

    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=build /app /app
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import (
        "log"
        "net/http"
        "os"
    )

    func main() {
        token := os.Getenv("API_TOKEN")
        if token == "" {
            log.Fatal("API_TOKEN is required")
        }
        http.ListenAndServe(":8080", nil)
    }
    ```

    ## Fix
    Give the variable a value in `.env` or the environment `docker compose` runs in, and write
    `${VAR:?message}` so a missing value stops `docker compose up` with a clear error instead
    of starting a container that exits.
    """

    code = "DC709"
    name = "env-empty-at-runtime"
    category = Category.CONFIG
    severity = Severity.WARNING
    target = Project
    fix = "give the variable a value, and write `${VAR:?message}` so a missing one fails loudly"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        seen: set[tuple[str, int, str]] = set()
        env_files = env_like_files(model)
        for dep in model.of(Deployment):
            if dep.kind == "docker":
                continue
            needs = required_env(dep, env_files)
            for need in needs or ():
                if need.language != "go" or need.via not in _EMPTY_IS_MISSING:
                    continue
                setting = dep.env_setting(need.name)
                if setting is None or setting.value != "" or _stops_compose(dep, need.name):
                    continue
                key = (setting.location.path, setting.location.line, need.name)
                if key in seen:
                    continue
                seen.add(key)
                yield Violation(
                    f"{setting.location.short()} gives {need.name} an empty value ({setting.source} "
                    f"of {dep.label}{_why(dep, need.name)}), but the app at {need.location.short()} "
                    f"requires a non-empty {need.name}: it stops at start-up with {need.crash()} "
                    "and restarts in a loop",
                    setting.location,
                    related=(Related(need.location, f"the app requires {need.name} here"),),
                    fix=f"set {need.name} to a value (in .env or the shell running compose), and "
                        f"write `${{{need.name}:?{need.name} is required}}` to fail loudly",
                )


def _stops_compose(dep: Deployment, name: str) -> bool:
    """`${VAR:?message}` with VAR unset: `docker compose up` stops with the message (intended)."""
    var = dep.service.env(name) if dep.service is not None else None
    return var is not None and any(r.status is RefStatus.REQUIRED for r in var.refs)


def _why(dep: Deployment, name: str) -> str:
    if dep.service is None:
        return ""
    var = dep.service.env(name)
    missing = [r for r in var.refs if r.status is RefStatus.MISSING] if var is not None else []
    if var is not None and missing and not var.from_env_file:
        ref = missing[0]
        return f"; `${{{ref.name}}}` is set neither in .env nor with a default, so Compose " \
               "substitutes an empty string unless the shell exports it"
    return ""
