# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

import time
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import explaining_lines, log_evidence, quoted, seconds
from deploycheck.rules.containers.port_bound_to_loopback import connection_evidence


def _uptime(c: Container) -> float | None:
    from datetime import datetime

    try:
        started = datetime.fromisoformat(c.started_at[:19] + "+00:00").timestamp()
    except ValueError:
        return None
    return max(time.time() - started, 0.0)


class PortNothingListening(Rule[Container]):
    r"""A published port reaches nothing: nothing in the container listens on any port (yet).

    ## Why
    The container runs and publishes a port, but its network namespace has no listening
    socket at all: the server has not started yet (a long migration or warm-up, a dependency
    it waits for), it crashed in a thread while PID 1 lives on, or the process is not a server
    (a worker image run as the web service). Connections through the published port are
    accepted by Docker's proxy and reset.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "3f3898991e06", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 2966, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
      "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}}},
     "logs": ["waiting for database: dial tcp 127.0.0.1:5432: connect: connection refused"],
     "proc_net": {"tcp": "  sl  local_address rem_address   st\n", "tcp6": "  sl  local_address remote_address st\n"},
     "proc_net_source": "/proc/2966/net/tcp, /proc/2966/net/tcp6"}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "3f3898991e06", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 2966, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
      "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}}},
     "proc_net": {"tcp": "  sl  local_address rem_address   st\n   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n"},
     "proc_net_source": "/proc/2966/net/tcp"}
    ```

    ## Fix
    Find what the process is waiting for in its log (a dependency, a migration); make the
    server start listening early (and report readiness through a health endpoint), or publish
    ports only for the container that serves them.
    """

    code = "CT015"
    name = "port-nothing-listening"
    category = Category.HEALTH
    severity = Severity.WARNING
    target = Container
    fix = "find what the process waits for in its log; a server should listen early and report readiness"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        if c.sockets is None or not c.running or c.restarting or not c.ports:
            return
        if any(s.protocol == "tcp" for s in c.sockets.sockets):
            return  # listening somewhere: CT013 or CT014 say where
        tcp = [p for p in c.ports if p.protocol == "tcp"]
        if not tcp:
            return
        uptime = _uptime(c)
        since = f"{seconds(uptime)} after it started" if uptime is not None else "while it runs"
        lines = explaining_lines(c, 1)
        said = f"; its log ends with {quoted(lines[0].text)}" if lines else ""
        ports = ", ".join(p.label() for p in tcp)
        yield Violation(
            f"container {c.name} publishes {ports}, but nothing in it listens on any TCP port {since}: "
            f"the server has not started (or is not a server){said}",
            c.location(),
            (Related(c.at(), f"sockets ({c.sockets.source}): {c.sockets.describe()}"),
             *[r for p in tcp for r in connection_evidence(c, p.spec())], *log_evidence(c, lines)))
