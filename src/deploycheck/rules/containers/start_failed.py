# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import exec_failure, state_evidence

# Errors with a rule of their own (CT003-CT007, CT017).
_SPECIFIC = re.compile(r"port is already allocated|address already in use|exec[: ]|exec user process")


class StartFailed(Rule[Container]):
    r"""Docker created the container but could not start it (what `docker run` reports as exit 125).

    ## Why
    `docker run` exits 125 when the engine itself fails: the container exists (`Created`) but
    its start was refused, and `State.Error` holds the engine's reason — a missing bind-mount
    source, a device or capability the host lacks, a network that no longer exists, an invalid
    `--user`, a mount over a file with a directory. `docker ps -a` shows only `Created`. Start
    failures with a known cause have their own rules (command not found CT003, shell form CT004,
    not executable CT005, host port taken CT017).

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "8a7b6c5d4e3f", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "created", "ExitCode": 128, "StartedAt": "0001-01-01T00:00:00Z",
                "Error": "error while creating mount source path '/srv/shop/config': mkdir /srv/shop: read-only file system"},
      "HostConfig": {}}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "8a7b6c5d4e3f", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "created", "ExitCode": 0, "StartedAt": "0001-01-01T00:00:00Z", "Error": ""},
      "HostConfig": {}}}
    ```

    ## Fix
    Fix what State.Error names (the mount source, the network, the user, the device), then
    `docker start` the container again or recreate it.
    """

    code = "CT018"
    name = "start-failed"
    category = Category.CONFIG
    severity = Severity.ERROR
    target = Container
    fix = "fix what State.Error names, then start or recreate the container"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        if not c.error or (c.running and not c.restarting):
            return
        if _SPECIFIC.search(c.error) or exec_failure(c) is not None:
            return
        state = "was created but never started" if c.never_started else "failed to start again"
        yield Violation(f"container {c.name} {state}: the engine refused it: {c.error}", c.location(),
                        state_evidence(c, "State.Status", "State.ExitCode", "State.Error"))
