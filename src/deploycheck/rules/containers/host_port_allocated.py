# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import state_evidence

_ALLOCATED = re.compile(r"Bind for (?P<addr>\S+) failed: port is already allocated"
                        r"|listen tcp[46]? (?P<addr2>\S+): bind: address already in use")


class HostPortAllocated(Rule[Container]):
    r"""The container was created but never started: its host port is held by another container or process.

    ## Why
    Publishing a host port that another container (or a host service) already holds makes the
    start fail: the container stays `Created`, `docker run` exits 125, and State.Error says
    `driver failed programming external connectivity on endpoint web-2: Bind for 0.0.0.0:8080
    failed: port is already allocated` (or `Error starting userland proxy: listen tcp4
    0.0.0.0:80: bind: address already in use` for a host process). Two compose projects, a
    leftover `docker run`, a scaled service with a fixed host port (pitfall P10;
    docker/compose#4950). The finding names the container holding the port.

    ## Bad
    ```web-2.container.json
    {"inspect": {"Id": "d9e095e5bd52", "Name": "/web-2", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/web:1.0"},
      "State": {"Status": "created", "ExitCode": 128,
                "Error": "driver failed programming external connectivity on endpoint web-2 (12f172fa396f): Bind for 127.0.0.1:18181 failed: port is already allocated",
                "StartedAt": "0001-01-01T00:00:00Z"},
      "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18181"}]}}},
     "port_holders": [["127.0.0.1:18181", "web-1"]]}
    ```

    ## Good
    ```web-2.container.json
    {"inspect": {"Id": "d9e095e5bd52", "Name": "/web-2", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/web:1.0"},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}},
      "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "32771"}]}}}}
    ```

    ## Fix
    Publish another host port (`-p 18182:8080`, or let Docker choose with `-p 8080`), or stop
    what holds it (`docker ps --filter publish=18181`, `ss -ltnp 'sport = :18181'` on the host).
    """

    code = "CT017"
    name = "host-port-allocated"
    category = Category.BIND
    severity = Severity.ERROR
    target = Container
    fix = "publish another host port (or let Docker choose one), or stop what holds it"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        match = _ALLOCATED.search(c.error)
        if match is None or (c.running and not c.restarting):
            return
        addr = match.group("addr") or match.group("addr2") or "?"
        holders = [name for binding, name in c.port_holders if binding == addr or binding.endswith(addr.rpartition(":")[2])]
        if holders:
            who = f"container {', '.join(holders)} already publishes it"
        elif match.group("addr2"):
            who = "a process on the host holds it"
        else:
            who = "another container holds it"
        evidence = state_evidence(c, "State.Status", "State.Error")
        evidence += tuple(Related(Location(extra=(("container", name),)), f"publishes {addr}") for name in holders)
        yield Violation(
            f"container {c.name} was created but could not start: host port {addr} is taken ({who}), so "
            "Docker could not publish it",
            c.location(("host_port", addr)), evidence,
            fix=f"publish another host port for {c.name}, or stop {holders[0] if holders else 'what holds ' + addr}")

