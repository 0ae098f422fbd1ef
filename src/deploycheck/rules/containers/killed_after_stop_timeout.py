# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import sigkill_event, state_evidence, stop_request


class KilledAfterStopTimeout(Rule[Container]):
    r"""Exit 137 without OOMKilled: PID 1 ignored SIGTERM and was killed after the stop timeout.

    ## Why
    `docker stop` (and `compose down`, a rolling update, a pod deletion) sends SIGTERM, waits
    the stop timeout (10 s by default, `-t`/`stop_grace_period`), then sends SIGKILL: exit code
    137 with `OOMKilled: false`. PID 1 ignored SIGTERM: a shell-form command (`/bin/sh -c ...`
    does not forward signals), an entrypoint script without `exec`, or a program that installs
    no handler and runs as PID 1 (which the kernel spares from default-fatal signals). Every
    stop then takes the full timeout and in-flight requests are cut off (pitfall O6, R3 caveat;
    coderaiser/cloudcmd#440). The engine's event log shows the SIGTERM and the SIGKILL.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "6f50d86babf3", "Name": "/api", "Path": "/bin/sh", "Args": ["-c", "/app"],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "exited", "ExitCode": 137, "OOMKilled": false,
                "StartedAt": "2024-03-02T10:15:15.373Z", "FinishedAt": "2024-03-02T10:15:22.910Z"},
      "HostConfig": {}},
     "events": [
      {"Action": "kill", "Actor": {"ID": "6f50d86babf3", "Attributes": {"signal": "15"}}, "timeNano": 1709374521900000000},
      {"Action": "kill", "Actor": {"ID": "6f50d86babf3", "Attributes": {"signal": "9"}}, "timeNano": 1709374522905000000},
      {"Action": "die", "Actor": {"ID": "6f50d86babf3", "Attributes": {"exitCode": "137"}}, "timeNano": 1709374522910000000}]}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "6f50d86babf3", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "exited", "ExitCode": 0, "OOMKilled": false,
                "StartedAt": "2024-03-02T10:15:15.373Z", "FinishedAt": "2024-03-02T10:15:21.950Z"},
      "HostConfig": {}},
     "events": [
      {"Action": "kill", "Actor": {"ID": "6f50d86babf3", "Attributes": {"signal": "15"}}, "timeNano": 1709374521900000000},
      {"Action": "die", "Actor": {"ID": "6f50d86babf3", "Attributes": {"exitCode": "0"}}, "timeNano": 1709374521950000000}]}
    ```

    ## Fix
    Let PID 1 receive SIGTERM: exec-form `CMD ["/app"]`, `exec "$@"` at the end of entrypoint
    scripts, `--init` (tini) for programs that install no handler, and handle SIGTERM in the
    app (Go: `signal.NotifyContext` + `http.Server.Shutdown`; gunicorn and uvicorn do it).
    """

    code = "CT009"
    name = "killed-after-stop-timeout"
    category = Category.HEALTH
    severity = Severity.WARNING
    target = Container
    fix = 'let PID 1 handle SIGTERM: exec-form CMD ["/app"], `exec` in entrypoint scripts, or --init'

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        if c.exit_code != 137 or c.oom_killed or c.running:
            return
        term = stop_request(c)
        kill = sigkill_event(c)
        if c.events is not None and term is None and kill is not None:
            return  # an explicit `docker kill`: nothing to diagnose
        evidence = state_evidence(c, "State.ExitCode", "State.OOMKilled", "Path")
        if term is not None:
            evidence += (Related(c.at(), f"event {term.time}: kill signal {term.signal} (SIGTERM)"),)
        if kill is not None:
            evidence += (Related(c.at(), f"event {kill.time}: kill signal 9 (SIGKILL)"),)
        why = "PID 1 "
        if c.shell_form:
            why += f"is the shell `{c.command_line()}`, which does not pass SIGTERM to the program"
        elif c.init:
            why += "(an init) forwarded SIGTERM, and the program did not exit"
        else:
            why += f"`{c.path}` did not exit on SIGTERM (as PID 1 it gets no default handler)"
        if term is not None and kill is not None and kill.at > term.at > 0:
            timeout = f"{kill.at - term.at:.1f} s (the stop timeout)"
        elif c.stop_timeout is not None:
            timeout = f"{c.stop_timeout} s"
        else:
            timeout = "the stop timeout (10 s by default)"
        if term is not None:
            head = f"container {c.name} was stopped (SIGTERM at {term.time}) and, still running after {timeout}, killed with SIGKILL: "
        else:
            head = (f"container {c.name} exited with 137 (SIGKILL) without OOMKilled: the usual cause is "
                    f"`docker stop` killing it after {timeout} because ")
        yield Violation(f"{head}{why}; every stop takes the full timeout and cuts requests off",
                        c.location(), evidence)
