from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.compose import ComposeProject
from deploycheck.model.envfile import RefStatus


class UnsetVariable(Rule[ComposeProject]):
    """A `${VAR}` in a compose file that is set nowhere Compose looks and has no default.

    ## Why
    Compose substitutes `${VAR}` from the shell environment and the project's `.env` file. When
    neither sets it and no default is given, it prints `WARN The "SECRET_KEY" variable is not
    set. Defaulting to a blank string.` and carries on with an empty value: the app starts with
    `SECRET_KEY=` (or an image tag `app:`, a port `:8000`) and fails later, far from the cause,
    with `KeyError`, an authentication error or an invalid reference (O10; docker/python-docker-
    dev#7, mobius-os/mobius#839). The rule reports references that the project's `.env` does not
    set and that have no `:-`/`-` default; `${VAR:?message}` is an intended, loud failure and is
    not reported. A variable exported by the shell or CI is invisible here: give it a default or
    a `:?` message so the file says what it needs.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        environment:
          SECRET_KEY: ${SECRET_KEY}
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        environment:
          SECRET_KEY: ${SECRET_KEY:?set SECRET_KEY in .env}
          LOG_LEVEL: ${LOG_LEVEL:-info}
          DATABASE_URL: ${DATABASE_URL}
    ```

    ```.env
    DATABASE_URL=postgres://app:secret@db:5432/app
    ```

    ## Fix
    Set the variable in the `.env` next to the compose file, give it a default
    (`${VAR:-value}`), or make the requirement loud with `${VAR:?explain what to set}`.
    """

    code = "DC207"
    name = "unset-variable"
    category = Category.CONFIG
    severity = Severity.WARNING
    target = ComposeProject
    fix = "set the variable in .env, give it a default `${VAR:-value}`, or require it with " \
          "`${VAR:?message}`"

    def check(self, model: ComposeProject, options: NoOptions) -> Iterator[Violation]:
        seen: set[tuple[str, int, int, str]] = set()
        env_note = f"not set in {model.env_file}" if model.env_file else \
            "not set in any `.env` next to the compose file"
        for ref in model.refs:
            if ref.status is not RefStatus.MISSING or not model.owns(ref.path):
                continue
            key = (ref.path, ref.pos.line, ref.pos.column, ref.name)
            if key in seen:
                continue
            seen.add(key)
            yield Violation(
                f"`${{{ref.name}}}` is {env_note} and has no default, so unless the shell exports "
                f"it Compose warns `The \"{ref.name}\" variable is not set. Defaulting to a blank "
                "string.` and the value is empty at run time",
                Location.at(ref.path, ref.pos),
                fix=f"set {ref.name} in {model.env_file or '.env'}, write `${{{ref.name}:-default}}`, "
                    f"or `${{{ref.name}:?{ref.name} must be set}}` to fail loudly",
            )
