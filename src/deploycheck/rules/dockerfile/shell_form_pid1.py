from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.dockerfile import Dockerfile, Form, split_commands
from deploycheck.rules.dockerfile._common import at, short


class ShellFormPid1(Rule[Dockerfile]):
    """A shell-form CMD/ENTRYPOINT that keeps the shell as PID 1, so SIGTERM never reaches the app.

    ## Why
    `CMD ./migrate && gunicorn app:app` runs `/bin/sh -c "..."`: the shell is PID 1 and the app
    is its child. The shell neither handles nor forwards SIGTERM, and PID 1 ignores signals it
    has no handler for, so `docker stop` and pod deletion wait the whole grace period (10 s /
    30 s) and then SIGKILL everything (exit 137): in-flight requests are cut and shutdown hooks
    never run (pitfall O6; moby/moby#33319). A single simple command is exec'd by modern
    `sh`, so the rule reports only lines where the shell must stay.

    ## Bad
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    CMD python manage.py migrate && gunicorn -b 0.0.0.0:8000 app.wsgi
    ```

    ## Good
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    CMD python manage.py migrate && exec gunicorn -b 0.0.0.0:8000 app.wsgi
    ```

    ## Fix
    End the line with `exec app ...` so the app replaces the shell, move the steps into an
    entrypoint script that ends with `exec "$@"`, or use the exec form with an init
    (`docker run --init`, tini).
    """

    code = "DC112"
    name = "shell-form-pid1"
    category = Category.CONFIG
    severity = Severity.WARNING
    target = Dockerfile
    fix = "make the last command `exec app ...`, or use the exec form"

    def check(self, model: Dockerfile, options: NoOptions) -> Iterator[Violation]:
        stage = model.final
        if stage is None or stage.traits.has_shell is False:
            return
        ep = stage.entrypoint
        spec = ep if ep is not None else stage.cmd
        if spec is None or spec.form is not Form.SHELL:
            return
        text = spec.raw.strip()
        commands = split_commands(text)
        # One simple command is exec'd by modern sh; only a compound line keeps the shell.
        if len(commands) < 2 or commands[-1].words[0] == "exec" or commands[0].words[0] == "exec":
            return
        last = " ".join(commands[-1].words)
        shell = " ".join(stage.shell)
        yield Violation(
            f"{spec.keyword} {short(text)} runs as `{shell} \"...\"` with the shell as PID 1; "
            "it does not forward SIGTERM, so every stop waits the full grace period and ends "
            "in SIGKILL (exit 137), cutting in-flight requests",
            at(model, spec.pos),
            fix=f"start the last command with `exec` ({short('exec ' + last, 50)}), or use "
                "the exec form",
        )
