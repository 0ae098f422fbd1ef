# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

import shlex
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import exec_failure, state_evidence


class ShellFormWithoutShell(Rule[Container]):
    r"""The container's command is in shell form, and the image has no /bin/sh.

    ## Why
    A shell-form `CMD ./server --port 8080` (or a compose `command:` string on an image whose
    entrypoint is a shell) runs `/bin/sh -c "./server --port 8080"`. `scratch` and distroless
    images have no shell, so the container is created but never starts: `exec: "/bin/sh": stat
    /bin/sh: no such file or directory`, exit code 127, and `docker run` exits 125/127
    (pitfall O5; GoogleContainerTools/distroless#745).

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "b88eb51ab15e", "Name": "/api", "Path": "/bin/sh", "Args": ["-c", "/app --port 8080"],
      "Config": {"Image": "shop/api:1.4", "Cmd": ["/bin/sh", "-c", "/app --port 8080"]},
      "State": {"Status": "created", "ExitCode": 127,
                "Error": "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/bin/sh\": stat /bin/sh: no such file or directory: unknown"},
      "HostConfig": {}}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "b88eb51ab15e", "Name": "/api", "Path": "/app", "Args": ["--port", "8080"],
      "Config": {"Image": "shop/api:1.4", "Cmd": ["/app", "--port", "8080"]},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:08Z"},
      "HostConfig": {}}}
    ```

    ## Fix
    Write the command in exec (JSON) form: `CMD ["/app", "--port", "8080"]` (in compose, a
    YAML list: `command: ["/app", "--port", "8080"]`).
    """

    code = "CT004"
    name = "shell-form-cannot-start"
    category = Category.BUILD
    severity = Severity.ERROR
    target = Container
    fix = 'use the exec (JSON) form: CMD ["/app", "--port", "8080"]'

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        failure = exec_failure(c)
        if failure is None:
            return
        what, why, _ = failure
        if not why.startswith("stat ") or what not in ("/bin/sh", "/bin/bash", "sh", "bash"):
            return
        shown = shlex.join((c.path, *c.args)) if c.path else what
        exec_form = ""
        if c.shell_form and len(c.args) >= 2:
            try:
                exec_form = "[" + ", ".join(f'"{w}"' for w in shlex.split(c.args[1])) + "]"
            except ValueError:
                exec_form = ""
        yield Violation(
            f"container {c.name} could not start: its command `{shown}` runs through {what}, which the "
            "image does not have (a shell-form CMD/ENTRYPOINT on scratch or distroless)",
            c.location(), state_evidence(c, "State.Error", "Path"),
            fix=f"use the exec form: CMD {exec_form}" if exec_form else "")
