from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import exec_failure, log_evidence, state_evidence


class CommandNotExecutable(Rule[Container]):
    r"""The container's entrypoint exists but is not executable (exit code 126).

    ## Why
    Exit code 126 means the command was found but could not be executed: a script or binary
    copied without its execute bit (checked out on Windows, extracted from a zip, `COPY` from a
    context that lost modes), or a file on a `noexec` mount: `exec /entrypoint.sh: permission
    denied`. The mode read from the container's filesystem (`-rw-r--r--`) shows it.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "2e4f6a8c0b1d", "Name": "/api", "Path": "/entrypoint.sh", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "exited", "ExitCode": 126, "StartedAt": "2024-03-02T10:15:08Z",
                "FinishedAt": "2024-03-02T10:15:08Z"}, "HostConfig": {}},
     "logs": ["exec /entrypoint.sh: permission denied"],
     "exec_target": {"path": "/entrypoint.sh", "exists": true, "mode": 420, "size": 312,
                     "shebang": "#!/bin/sh", "interpreter": "/bin/sh", "interpreter_exists": true}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "2e4f6a8c0b1d", "Name": "/api", "Path": "/entrypoint.sh", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:08Z"},
      "HostConfig": {}},
     "logs": ["starting"]}
    ```

    ## Fix
    Give the file its execute bit in the image (`COPY --chmod=755 entrypoint.sh /` or `RUN
    chmod +x /entrypoint.sh`), or run it through its interpreter (`ENTRYPOINT ["sh",
    "/entrypoint.sh"]`).
    """

    code = "CT005"
    name = "command-not-executable"
    category = Category.BUILD
    severity = Severity.ERROR
    target = Container
    fix = "make the file executable in the image (COPY --chmod=755, or RUN chmod +x)"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        failure = exec_failure(c)
        if failure is None or failure[1] != "permission denied":
            return
        what, _, line = failure
        target = c.exec_target
        evidence = state_evidence(c, "State.ExitCode", "Path")
        if line is not None:
            evidence += log_evidence(c, (line,))
        mode = ""
        if target is not None and target.exists:
            mode = f" (its mode is {target.mode:04o}{', no execute bit' if not target.executable else ''})"
            evidence += (Related(c.at(("path_in_image", target.path)), f"mode {target.mode:04o}"),)
        yield Violation(
            f"container {c.name} could not start: `{what or c.path}` is in the image but may not be "
            f"executed{mode}; exit code {c.exit_code}",
            c.location(("path_in_image", what or c.path)), evidence)
