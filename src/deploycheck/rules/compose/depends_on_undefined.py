from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.compose import ComposeProject


class DependsOnUndefined(Rule[ComposeProject]):
    """`depends_on` names a service the project does not define: Compose rejects the project.

    ## Why
    Compose checks the dependency graph before it starts anything: `service "api" depends on
    undefined service "database": invalid compose project`. It happens after a service is
    renamed (`db` → `postgres`) or when a dependency lives in another compose file that is not
    merged in. Files are merged as `docker compose` merges them (`compose.yaml` with its
    `compose.override.yaml`; `docker-compose.<x>.yml` on top of the base), so a dependency
    defined in the base file is found. Dependencies marked `required: false` are not reported.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        depends_on:
          - database
      postgres:
        image: postgres:16
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        depends_on:
          - postgres
      postgres:
        image: postgres:16
    ```

    ## Fix
    Name an existing service in `depends_on`, or add the missing service.
    """

    code = "DC213"
    name = "depends-on-undefined"
    category = Category.STARTUP_ORDER
    severity = Severity.ERROR
    target = ComposeProject
    fix = "name a service the project defines, or add the missing service"

    def check(self, model: ComposeProject, options: NoOptions) -> Iterator[Violation]:
        names = [svc.name for svc in model.services]
        known = set(names)
        for svc in model.services:
            for dep in svc.depends_on:
                if not dep.required or dep.name in known or not model.owns(dep.path):
                    continue
                files = ", ".join(model.files)
                close = [n for n in names if n != svc.name and (n in dep.name or dep.name in n)]
                hint = f" (did you mean `{close[0]}`?)" if close else ""
                others = ", ".join(n for n in names if n != svc.name)
                yield Violation(
                    f"service `{svc.name}` depends on `{dep.name}`, which no file of the project "
                    f"({files}) defines{hint}; Compose stops with `service \"{svc.name}\" depends on "
                    f"undefined service \"{dep.name}\": invalid compose project`",
                    Location.at(dep.path, dep.pos),
                    fix=f"depend on an existing service ({others or 'none'}) or define "
                        f"`{dep.name}`",
                )
