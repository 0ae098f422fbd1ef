from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.compose import ComposeProject, ComposeService, is_official_image
from deploycheck.rules.compose._common import HEALTH_TESTS, where


def _missing_healthcheck(dep: ComposeService) -> str:
    """Why the dependency has no healthcheck, or '' when it may have one."""
    health = dep.healthcheck
    if health is not None and health.disable:
        return f"its healthcheck is disabled at {where(health.path, health.test_pos or health.pos)}"
    if health is not None and health.test:
        return ""
    if dep.build is not None or not is_official_image(dep.image):
        # A Dockerfile or a third-party image may define HEALTHCHECK; not provable here.
        return ""
    return f"it defines no `healthcheck:` and its image `{dep.image}` (a Docker Official Image) has " \
           "no HEALTHCHECK"


class DependsOnHealthyWithoutHealthcheck(Rule[ComposeProject]):
    """`condition: service_healthy` on a service that has no healthcheck: Compose refuses to start.

    ## Why
    `depends_on: {db: {condition: service_healthy}}` makes Compose wait until `db` reports
    healthy. A container without a healthcheck never does, so `docker compose up` stops with
    `dependency failed to start: container app-db-1 has no healthcheck configured` and the
    dependent service is not started (O2). Docker Official Images (`postgres`, `mysql`, `redis`,
    ...) ship no HEALTHCHECK, so the compose file must define one. Services built from a
    Dockerfile, or using third-party images, may define HEALTHCHECK themselves and are not
    reported.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        depends_on:
          db:
            condition: service_healthy
      db:
        image: postgres:16
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        depends_on:
          db:
            condition: service_healthy
      db:
        image: postgres:16
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
          interval: 5s
          retries: 10
    ```

    ## Fix
    Add a `healthcheck:` to the dependency (`pg_isready`, `mysqladmin ping`, `redis-cli ping`), or
    use `condition: service_started` and let the app retry.
    """

    code = "DC205"
    name = "depends-on-healthy-without-healthcheck"
    category = Category.STARTUP_ORDER
    severity = Severity.ERROR
    target = ComposeProject
    fix = "add a healthcheck to the dependency, or use `condition: service_started`"

    def check(self, model: ComposeProject, options: NoOptions) -> Iterator[Violation]:
        for svc in model.services:
            for dep in svc.depends_on:
                if dep.condition != "service_healthy":
                    continue
                target = model.service(dep.name)
                if target is None:
                    continue
                why = _missing_healthcheck(target)
                if not why:
                    continue
                health_path = target.healthcheck.path if target.healthcheck else target.path
                if not model.owns(dep.path, target.path, health_path):
                    continue
                yield Violation(
                    f"service `{svc.name}` waits for `{dep.name}` to be healthy, but {why}; "
                    f"`docker compose up` stops with `dependency failed to start: container "
                    f"<project>-{dep.name}-1 has no healthcheck configured` and `{svc.name}` never "
                    "starts",
                    Location.at(dep.path, dep.pos),
                    related=(Related(target.location(), f"service `{dep.name}` is defined here"),),
                    fix=f"add a `healthcheck:` to `{dep.name}` at {where(target.path, target.pos)}"
                        + (f" (for example `test: {HEALTH_TESTS[target.backing]}`)"
                           if target.backing in HEALTH_TESTS else "")
                        + ", or use `condition: service_started`",
                )
