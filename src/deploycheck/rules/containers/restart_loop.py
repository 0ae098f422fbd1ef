# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import (
    explaining_lines,
    log_evidence,
    quoted,
    ran_for,
    restart_delay,
    seconds,
    state_evidence,
)


class RestartLoop(Rule[Container]):
    r"""The container restarts in a loop: each run fails and Docker starts it again, ever more slowly.

    ## Why
    With `--restart always|unless-stopped|on-failure` (compose `restart:`), Docker restarts a
    container that exits: first after 100 ms, then doubling the delay after each run that
    lasted less than 10 s, up to one minute. `docker ps` shows `Restarting (1) 3 seconds ago`
    and a growing RestartCount; the service is down most of the time, and the cause is the same
    every run: the last lines of the log (a missing variable, an unreachable dependency, a
    crash). Kubernetes calls the same thing CrashLoopBackOff.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "3b5b7ba2072d", "Name": "/api", "Path": "/app", "Args": [], "RestartCount": 7,
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "restarting", "Running": true, "Restarting": true, "ExitCode": 3,
                "StartedAt": "2024-03-02T10:15:19.441Z", "FinishedAt": "2024-03-02T10:15:19.469Z"},
      "HostConfig": {"RestartPolicy": {"Name": "always", "MaximumRetryCount": 0}}},
     "logs": ["fatal: cannot open /data/state.db: no such file or directory",
              "fatal: cannot open /data/state.db: no such file or directory"]}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "3b5b7ba2072d", "Name": "/api", "Path": "/app", "Args": [], "RestartCount": 1,
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "ExitCode": 0,
                "StartedAt": "2024-03-02T09:15:19.441Z"},
      "HostConfig": {"RestartPolicy": {"Name": "always", "MaximumRetryCount": 0}}},
     "logs": ["listening on :8080"]}
    ```

    ## Fix
    Fix the failure the log names (the restart policy only repeats it), then recreate the
    container; `docker logs` shows every run, `deploycheck logs` names known causes.
    """

    code = "CT010"
    name = "restart-loop"
    category = Category.HEALTH
    severity = Severity.ERROR
    target = Container
    fix = "fix the failure the log names; the restart policy only repeats it"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        looping = c.restarting or (c.restart_count >= 3 and not (c.running and c.health is not None
                                                                  and c.health.status == "healthy"))
        if not looping or c.restart_count == 0:
            return
        if c.running and not c.restarting and c.ran_seconds is None and c.restart_count < 3:
            return
        lines = explaining_lines(c, 1)
        said = f"; the last run said {quoted(lines[0].text)}" if lines else ""
        policy = c.restart_policy if c.restart_policy != "on-failure" else f"on-failure:{c.restart_max}"
        delay = ""
        if c.ran_seconds is not None and c.ran_seconds < 10:
            delay = (f"; runs last {seconds(c.ran_seconds)}, so Docker waits longer after each one "
                     f"(about {seconds(restart_delay(c.restart_count))} now, up to 1 min)")
        state = "is restarting" if c.restarting else f"is {c.status}"
        yield Violation(
            f"container {c.name} {state} in a loop: restarted {c.restart_count} times (restart policy "
            f"`{policy}`), the last run exited with code {c.exit_code} {ran_for(c)}{delay}{said}",
            c.location(),
            state_evidence(c, "RestartCount", "State.ExitCode", "HostConfig.RestartPolicy") + log_evidence(c, lines))
