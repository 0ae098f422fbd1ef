from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import (
    Category,
    Location,
    NoOptions,
    Related,
    Rule,
    Severity,
    TextEdit,
    Violation,
)
from deploycheck.model.compose import ComposeProject, ComposeService, is_official_image
from deploycheck.rules.compose._common import HEALTH_TESTS, KIND_LABEL

# Off-the-shelf tools that wait for their backend themselves.
_TOOLS = frozenset({"grafana", "pgadmin4", "kafka-ui", "redis-commander", "redisinsight", "metabase"})


def _own_app(svc: ComposeService) -> bool:
    """Built here or an image of one's own: official images (kibana, adminer, nextcloud) and
    known admin tools retry their connection and are left alone."""
    if svc.build is not None:
        return True
    return not is_official_image(svc.image) and svc.image_name.rpartition("/")[2] not in _TOOLS


class DependsOnNotReady(Rule[ComposeProject]):
    """`depends_on` a database, cache or broker without waiting for it to be healthy.

    ## Why
    The short form `depends_on: [db]` (and `condition: service_started`) only waits until the
    `db` container has *started*, not until the server inside accepts connections. PostgreSQL,
    MySQL, MongoDB or RabbitMQ take seconds to initialise, so an app that connects at start-up
    fails with `connection refused` (`could not connect to server: Connection refused`,
    `dial tcp 172.18.0.2:5432: connect: connection refused`) and exits or restart-loops; starting
    it again by hand "fixes" it (O1; docker-library/postgres#256, mitre/heimdall2#4177). The rule
    looks only at dependencies whose image is a known database, cache or broker, and only at
    dependents that are your app (built here, or an image that is not a Docker Official Image or
    a known admin tool such as Grafana or pgAdmin, which retry on their own).

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        depends_on:
          - db
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
    Give the dependency a `healthcheck:` (`pg_isready`, `mysqladmin ping`, `redis-cli ping`) and
    depend on it with `condition: service_healthy`; also let the app retry its first connection
    with backoff.
    """

    code = "DC206"
    name = "depends-on-not-ready"
    category = Category.STARTUP_ORDER
    severity = Severity.WARNING
    target = ComposeProject
    fix = "add a healthcheck to the dependency and use `depends_on: {NAME: {condition: " \
          "service_healthy}}`"

    def check(self, model: ComposeProject, options: NoOptions) -> Iterator[Violation]:
        for svc in model.services:
            if not _own_app(svc):
                continue
            for dep in svc.depends_on:
                if dep.condition != "service_started":
                    continue
                target = model.service(dep.name)
                if target is None or not target.backing or target.backing == svc.backing:
                    continue
                if not model.owns(dep.path):
                    continue
                kind = KIND_LABEL.get(target.backing, target.backing)
                form = "`depends_on` short form" if not dep.long_syntax else \
                    "`condition: service_started`"
                has_health = target.healthcheck is not None and bool(target.healthcheck.test)
                test = HEALTH_TESTS.get(target.backing, "[\"CMD\", ...]")
                fix = (f"use `depends_on: {{{dep.name}: {{condition: service_healthy}}}}`"
                       if has_health else
                       f"add `healthcheck: {{test: {test}}}` to `{dep.name}` and use "
                       f"`depends_on: {{{dep.name}: {{condition: service_healthy}}}}`")
                yield Violation(
                    f"service `{svc.name}` depends on `{dep.name}` ({kind}, image `{target.image}`) "
                    f"with the {form}, which waits only until the container starts, not until "
                    f"{kind} accepts connections; `{svc.name}` connecting at start-up gets "
                    "`connection refused` and exits or restart-loops",
                    Location.at(dep.path, dep.pos),
                    related=(Related(target.location(), f"service `{dep.name}` runs "
                                                        f"`{target.image}`"),),
                    fix=fix + ", and retry the first connection in the app",
                    edits=_long_form(model, svc) if has_health else (),
                )


def _healthy(model: ComposeProject, name: str) -> bool:
    target = model.service(name)
    return (target is not None and bool(target.backing) and target.healthcheck is not None
            and bool(target.healthcheck.test) and not target.healthcheck.disable)


def _long_form(model: ComposeProject, svc: ComposeService) -> tuple[TextEdit, ...]:
    """A block list `depends_on: [- db, - cache]` (one item a line, nothing between them)
    rewritten as a mapping: `condition: service_healthy` for every backing service with a
    healthcheck, `service_started` (the short form's meaning) for the others. Trailing comments
    stay on the last line; flow lists and the long form are left alone."""
    deps = svc.depends_on
    if not deps or any(d.long_syntax or d.path != deps[0].path for d in deps):
        return ()
    first, last = deps[0], deps[-1]
    if [d.pos.line for d in deps] != list(range(first.pos.line, first.pos.line + len(deps))):
        return ()
    if any(d.pos.column != first.pos.column for d in deps) or first.pos.column < 3:
        return ()
    # Block items sit two columns right of their dash, a step or two under the service key;
    # a flow list (`depends_on: [db]`) puts them a whole key name further right.
    if svc.path != first.path or first.pos.column - svc.pos.column > 10:
        return ()
    indent = " " * (first.pos.column - 3)  # the items are `- name`: the dash two columns left
    lines = []
    for i, dep in enumerate(deps):
        condition = "service_healthy" if _healthy(model, dep.name) else "service_started"
        lines.append(f"{indent if i else ''}{dep.name}:\n{indent}  condition: {condition}")
    return (TextEdit(first.path, first.pos.line, first.pos.column - 2, last.pos.line,
                     last.pos.column + len(last.name), "\n".join(lines)),)
