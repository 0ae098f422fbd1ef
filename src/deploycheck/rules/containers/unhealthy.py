# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import quoted

_NO_TOOL = re.compile(r"exec: \"(?P<cmd>[^\"]+)\": (?:executable file not found|stat [^:]+: no such file)"
                      r"|(?:^|\n)(?:/bin/)?(?:ba|da)?sh: (?:\d+: )?(?P<cmd2>[\w./-]+): (?:command )?not found")
_PORT = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0):(?P<port>\d{2,5})")


class Unhealthy(Rule[Container]):
    r"""The container's healthcheck fails; the finding quotes the last probe outputs.

    ## Why
    Docker runs the image's `HEALTHCHECK` (or compose `healthcheck:`, `--health-cmd`) every
    interval; after `retries` failures in a row the container is `unhealthy`, services that
    depend on it with `condition: service_healthy` never start, and orchestrators replace it.
    The probe's own output says why: the tool is not in the image (`curl: not found`,
    `exec: "/bin/sh": stat /bin/sh: no such file or directory` for a `CMD-SHELL` check on
    scratch — pitfall D11), the port or path is wrong (`Connection refused`, 404), or the app
    is really down.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "9462d94ab720", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4",
                 "Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost:8080/healthz"],
                                 "Interval": 1000000000, "Retries": 2}},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:20Z",
                "Health": {"Status": "unhealthy", "FailingStreak": 14, "Log": [
                  {"Start": "2024-03-02T10:15:25.763Z", "ExitCode": 127, "Output": "/bin/sh: 1: curl: not found\n"},
                  {"Start": "2024-03-02T10:15:26.769Z", "ExitCode": 127, "Output": "/bin/sh: 1: curl: not found\n"}]}},
      "HostConfig": {}}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "9462d94ab720", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4",
                 "Healthcheck": {"Test": ["CMD", "/app", "healthcheck"], "Interval": 1000000000, "Retries": 2}},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:20Z",
                "Health": {"Status": "healthy", "FailingStreak": 0, "Log": [
                  {"Start": "2024-03-02T10:15:26.769Z", "ExitCode": 0, "Output": "ok"}]}},
      "HostConfig": {}}}
    ```

    ## Fix
    Use a check the image can run: an exec-form `HEALTHCHECK CMD ["/app", "healthcheck"]` (a
    subcommand of the app or a tiny static health client) rather than curl/wget on slim and
    scratch images; probe the port and path the app really serves.
    """

    code = "CT012"
    name = "unhealthy"
    category = Category.HEALTH
    severity = Severity.ERROR
    target = Container
    fix = "make the healthcheck run in this image (exec form, a tool it has) and probe the real port and path"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        health = c.health
        if health is None or health.status != "unhealthy" or not c.running:
            return
        probes = health.probes[-3:]
        failing = [p for p in probes if p.exit_code != 0] or list(probes)
        last = failing[-1] if failing else None
        related = [Related(c.at(("health_probe", p.start)), f"exit {p.exit_code}: {p.output or '(no output)'}")
                   for p in failing]
        command = health.command()
        related.insert(0, Related(c.at(), f"Config.Healthcheck.Test={list(health.test)}"))
        cause = ""
        fix = ""
        if last is not None:
            tool = _NO_TOOL.search(last.output)
            if tool:
                missing = tool.group("cmd") or tool.group("cmd2")
                cause = (f": the probe cannot run, `{missing}` is not in the image"
                         + (" (a CMD-SHELL check needs /bin/sh)" if missing in ("/bin/sh", "sh") else ""))
                fix = ('use an exec-form check with a program the image has, e.g. HEALTHCHECK CMD '
                       '["/app", "healthcheck"]')
            elif last.output:
                cause = f": the last probe said {quoted(last.output.splitlines()[-1] if last.output.strip() else last.output)}"
            else:
                cause = f": the last probe exited with {last.exit_code} and printed nothing"
            port = _PORT.search(command)
            if port and c.sockets is not None and not tool:
                number = int(port.group("port"))
                if not c.sockets.on_port(number):
                    cause += (f"; nothing in the container listens on port {number} "
                              f"(it listens on {c.sockets.describe()})")
                    related.append(Related(c.at(), f"sockets ({c.sockets.source}): {c.sockets.describe()}"))
        yield Violation(
            f"container {c.name} is unhealthy: its healthcheck `{command}` failed {health.failing_streak} "
            f"times in a row{cause}",
            c.location(), tuple(related), fix=fix)
