from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, TextEdit, Violation
from deploycheck.model.dockerfile import CommandSpec, Dockerfile, Form, split_commands
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
            edits=_exec_last(model, spec, commands[-1].assigns, commands[-1].words[0]),
        )


_BUILTINS = frozenset({"cd", "export", "set", "unset", "wait", "trap", "source", ".", "eval",
                       "exit", "return", "true", "false", "test", "[", "read", "shift", "ulimit",
                       "umask", "fi", "done", "esac", "}", ")", "then", "do", "else"})


def _exec_last(model: Dockerfile, spec: CommandSpec, assigns: tuple[tuple[str, str], ...],
               program: str) -> tuple[TextEdit, ...]:
    """Insert `exec ` before the last command of a one-line `a && b` / `a; b` command, when the
    line is that simple (no pipes, subshells, `||`, background jobs or line continuations)."""
    if assigns or program in _BUILTINS or not all(c.isalnum() or c in "_./-" for c in program):
        return ()
    ins = next((i for i in model.instructions if i.pos.line == spec.pos.line), None)
    if ins is None or ins.end_line != spec.pos.line or not ins.raw.endswith(spec.raw):
        return ()
    start = _last_command_start(spec.raw)
    if start is None or not spec.raw[start:].startswith(program):
        return ()
    column = spec.pos.column + start
    return (TextEdit(model.path, spec.pos.line, column, spec.pos.line, column, "exec "),)


def _last_command_start(text: str) -> int | None:
    """Where the last command of `text` starts, when commands are joined by `&&` or `;`
    only; None for anything else a shell might read differently."""
    i, after = 0, 0
    quote = ""
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "\\":
            i += 1
        elif text.startswith("&&", i):
            i += 1
            after = i + 1
        elif c == ";":
            after = i + 1
        elif c in "|&()<>`\n#" or text.startswith("$(", i):
            return None
        i += 1
    if quote:
        return None
    while after < len(text) and text[after] in " \t":
        after += 1
    return after if after < len(text) else None
