from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import (
    explaining_lines,
    log_evidence,
    ran_for,
    state_evidence,
    stop_request,
)


class ExitedZero(Rule[Container]):
    r"""A server container exited with code 0: its main process ended, nothing stays in the foreground.

    ## Why
    A container lives as long as its PID 1. Exit code 0 from a container that publishes ports,
    declares a healthcheck or has a restart policy means the server process *returned*: it
    daemonized (`nginx` without `daemon off;`, `service postgresql start`, `gunicorn --daemon`),
    the command only started something in the background (`app &`), or an entrypoint script
    ran its last line without `exec`. `docker ps -a` shows `Exited (0)`; with `restart: always`
    it restarts forever (pitfall O6 family). A one-shot job (a migration) exiting 0 is fine and
    is not reported, nor is an exit that followed a `docker stop`.

    ## Bad
    ```web.container.json
    {"inspect": {"Id": "5b1e9f0c2d7a", "Name": "/web", "Path": "/usr/sbin/nginx", "Args": [],
      "Config": {"Image": "shop/web:1.0", "ExposedPorts": {"80/tcp": {}}},
      "State": {"Status": "exited", "ExitCode": 0, "StartedAt": "2024-03-02T10:15:01.100Z",
                "FinishedAt": "2024-03-02T10:15:01.350Z"},
      "HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}},
     "logs": [], "events": []}
    ```

    ## Good
    ```web.container.json
    {"inspect": {"Id": "5b1e9f0c2d7a", "Name": "/web", "Path": "/usr/sbin/nginx",
      "Args": ["-g", "daemon off;"],
      "Config": {"Image": "shop/web:1.0", "ExposedPorts": {"80/tcp": {}}},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "ExitCode": 0,
                "StartedAt": "2024-03-02T10:15:01.100Z"},
      "HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}},
     "logs": []}
    ```

    ```migrate.container.json
    {"inspect": {"Id": "7c2d1e0f3a4b", "Name": "/migrate", "Path": "/app", "Args": ["migrate"],
      "Config": {"Image": "shop/api:1.0"},
      "State": {"Status": "exited", "ExitCode": 0}, "HostConfig": {}},
     "logs": ["applied 3 migrations"]}
    ```

    ## Fix
    Run the server in the foreground as PID 1: `nginx -g 'daemon off;'`, `gunicorn` without
    `--daemon`, no trailing `&`, and `exec "$@"` (or `exec app`) as the last line of an
    entrypoint script.
    """

    code = "CT001"
    name = "container-exited-zero"
    category = Category.HEALTH
    severity = Severity.ERROR
    target = Container
    fix = "run the server in the foreground as PID 1 (no daemon mode, no `&`, `exec` in entrypoint scripts)"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        if not c.exited or c.exit_code != 0 or c.never_started or stop_request(c) is not None:
            return
        server = bool(c.ports or c.exposed or c.health is not None
                      or c.restart_policy in ("always", "unless-stopped"))
        if not server:
            return
        why = []
        if c.ports:
            why.append("publishes " + ", ".join(p.spec() for p in c.ports))
        elif c.exposed:
            why.append("exposes " + ", ".join(c.exposed))
        if c.health is not None:
            why.append("has a healthcheck")
        if c.restart_policy in ("always", "unless-stopped"):
            why.append(f"restarts `{c.restart_policy}`")
        lines = explaining_lines(c, 1)
        yield Violation(
            f"container {c.name} ({'; '.join(why)}) exited with code 0 {ran_for(c)}: its main process "
            f"`{c.command_line() or c.path}` ended by itself, so nothing serves; a server that "
            "daemonizes or is started in the background leaves PID 1 with nothing to do",
            c.location(),
            state_evidence(c, "State.ExitCode", "Path", "State.StartedAt", "State.FinishedAt")
            + log_evidence(c, lines),
        )
