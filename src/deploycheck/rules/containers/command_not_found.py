# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import exec_failure, log_evidence, quoted, state_evidence

_SHELL_NOT_FOUND = re.compile(r"^(?:/bin/)?(?:ba|da)?sh: (?:\d+: )?(?:line \d+: )?(?P<cmd>[\w./-]+): (?:command )?not found")


class CommandNotFound(Rule[Container]):
    r"""The container's command is not in the image (exit code 127).

    ## Why
    Exit code 127 means "command not found": the entrypoint names a program the final image
    does not contain (copied to another path, left in the build stage, a typo, not on `PATH`),
    and the container never runs: `exec: "server": executable file not found in $PATH`, or a
    script's `sh: 1: gunicorn: not found`. `docker run` then exits 127 too. A shell-form
    command on an image without a shell is CT004; a file that exists but cannot be loaded is
    CT006.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "1c7e0a9b3f2d", "Name": "/api", "Path": "server", "Args": [],
      "Config": {"Image": "shop/api:1.4", "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"]},
      "State": {"Status": "created", "ExitCode": 127,
                "Error": "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"server\": executable file not found in $PATH: unknown"},
      "HostConfig": {}},
     "exec_target": {"path": "server", "exists": false}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "1c7e0a9b3f2d", "Name": "/api", "Path": "/usr/local/bin/server", "Args": [],
      "Config": {"Image": "shop/api:1.4", "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"]},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "ExitCode": 0,
                "StartedAt": "2024-03-02T10:15:08.023Z"}, "HostConfig": {}},
     "logs": []}
    ```

    ## Fix
    Copy the program into the final stage at the path the command names (`COPY --from=build
    /out/server /usr/local/bin/server`), use its absolute path in `ENTRYPOINT`/`CMD`, and
    install the tools an entrypoint script calls.
    """

    code = "CT003"
    name = "command-not-found"
    category = Category.BUILD
    severity = Severity.ERROR
    target = Container
    fix = "copy the program into the final image at the path the command names, or fix the command"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        if c.running and not c.restarting:
            return
        failure = exec_failure(c)
        if failure is not None:
            what, why, line = failure
            missing_file = why == "no such file or directory" and c.exec_target is not None \
                and not c.exec_target.exists
            if why.startswith("executable file not found") or missing_file:
                evidence = state_evidence(c, "State.ExitCode", "State.Error", "Path")
                if line is not None:
                    evidence += log_evidence(c, (line,))
                yield Violation(
                    f"container {c.name} could not start: `{what or c.path}` is not in the image"
                    f"{' (or not on its PATH)' if '/' not in (what or c.path) else ''}, so the runtime "
                    f"cannot execute it (exit code {c.exit_code or 127})",
                    c.location(), evidence)
            return
        if c.exit_code != 127:
            return
        for line in reversed(c.logs[-20:]):
            match = _SHELL_NOT_FOUND.match(line.text.strip())
            if match:
                yield Violation(
                    f"container {c.name} exited with 127: its command runs `{match.group('cmd')}`, which "
                    f"is not installed in the image: {quoted(line.text)} (log line {line.number})",
                    c.location(), state_evidence(c, "State.ExitCode", "Path") + log_evidence(c, (line,)),
                    fix=f"install `{match.group('cmd')}` in the final stage or fix the command that calls it")
                return
