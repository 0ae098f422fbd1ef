# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import (
    exec_failure,
    explaining_lines,
    log_evidence,
    quoted,
    ran_for,
    state_evidence,
    stop_request,
)

_MEANING = {
    1: "a general error: the program reported a failure and stopped",
    2: "a Go panic, a shell builtin misuse or a command-line usage error",
    3: "an error code of the program itself",
}


class ExitedWithError(Rule[Container]):
    r"""The container's main process exited with an error code; the finding quotes the log line that explains it.

    ## Why
    Exit codes below 126 are the program's own: 1 is a general failure (a Python exception,
    `log.Fatal`), 2 a Go panic or a usage error, others the program's choice. The reason is in
    the last lines of its log: a missing variable, a dependency that refused the connection, a
    file that is not in the image. `docker ps -a` shows only `Exited (1)`. The finding quotes
    the line that explains the exit (a panic, an exception, the last error), so nobody has to
    scroll through `docker logs`. Exits the runtime causes (`exec ...` failures, 126, 127,
    signals) have rules of their own.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "7329144d183a", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4", "Env": ["PATH=/usr/bin:/bin"]},
      "State": {"Status": "exited", "ExitCode": 1, "StartedAt": "2024-03-02T10:15:08.023Z",
                "FinishedAt": "2024-03-02T10:15:08.031Z"}, "HostConfig": {}},
     "logs": ["config: required environment variable DATABASE_URL is not set"]}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "7329144d183a", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4",
                 "Env": ["PATH=/usr/bin:/bin", "DATABASE_URL=postgres://app@db:5432/app"]},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "ExitCode": 0,
                "StartedAt": "2024-03-02T10:15:08.023Z"}, "HostConfig": {}},
     "logs": ["listening on :8080"]}
    ```

    ## Fix
    Fix the cause the log line names (a variable, a dependency's address, a missing file), then
    recreate the container. `deploycheck logs` on the full log names known causes.
    """

    code = "CT002"
    name = "container-exited-with-error"
    category = Category.HEALTH
    severity = Severity.ERROR
    target = Container
    fix = "fix the cause named by the quoted log line, then recreate the container"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        code = c.exit_code
        if not (c.exited or c.restarting) or not 0 < code < 126 or c.never_started:
            return
        if exec_failure(c) is not None or stop_request(c) is not None or c.restarting or c.restart_count >= 3:
            return  # the runtime could not start it (CT003-CT007), it was asked to stop, or CT010 (loop)
        lines = explaining_lines(c)
        meaning = _MEANING.get(code, "an error code of the program itself")
        if code == 2 and lines and lines[0].text.strip().startswith("panic: "):
            meaning = "the Go program panicked"
        if lines:
            first = lines[-1] if len(lines) > 1 and not lines[0].text.strip().startswith("panic") else lines[0]
            said = f"; its log says {quoted(first.text)} (log line {first.number})"
        elif not c.logs:
            said = "; it wrote nothing to stdout or stderr (for Python, set PYTHONUNBUFFERED=1)"
        else:
            said = ""
        when = f" {ran_for(c)}" if ran_for(c) else ""
        yield Violation(
            f"container {c.name} exited with code {code} ({meaning}){when}{said}",
            c.location(),
            state_evidence(c, "State.ExitCode", "Path") + log_evidence(c, lines),
        )
