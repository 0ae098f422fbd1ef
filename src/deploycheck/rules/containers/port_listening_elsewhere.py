# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers.port_bound_to_loopback import connection_evidence


class PortListeningElsewhere(Rule[Container]):
    r"""A published port reaches nothing: the process listens on another port.

    ## Why
    `-p 9090:9090` (compose `ports: ["9090:9090"]`) forwards to port 9090 *inside* the
    container; when the app listens on 8080 (its default, a `PORT` variable not set, an
    `EXPOSE` that lies), Docker's proxy accepts the connection and finds nothing behind it:
    `curl: (52) Empty reply from server` or a reset, while `docker ps` looks right (pitfall
    P6; dyvenia/timeflow#98). The socket table of the container names the port the app does
    use.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "361618f68e67", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4", "ExposedPorts": {"8080/tcp": {}, "9090/tcp": {}}},
      "State": {"Status": "running", "Running": true, "Pid": 3001, "StartedAt": "2024-03-02T10:15:07Z"},
      "HostConfig": {"PortBindings": {"9090/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}},
      "NetworkSettings": {"Ports": {"9090/tcp": [{"HostIp": "127.0.0.1", "HostPort": "32769"}]}}},
     "proc_net": {"tcp6": "  sl  local_address                         remote_address                        st\n   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 117045 1\n"},
     "proc_net_source": "/proc/3001/net/tcp6",
     "connections": [{"port": "9090/tcp", "host_ip": "127.0.0.1", "host_port": 32769,
                      "target": "127.0.0.1:32769", "outcome": "reset"}]}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "361618f68e67", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4", "ExposedPorts": {"8080/tcp": {}}},
      "State": {"Status": "running", "Running": true, "Pid": 3001, "StartedAt": "2024-03-02T10:15:07Z"},
      "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}},
      "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "32769"}]}}},
     "proc_net": {"tcp6": "  sl  local_address                         remote_address                        st\n   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 117045 1\n"},
     "proc_net_source": "/proc/3001/net/tcp6"}
    ```

    ## Fix
    Publish the port the app listens on (`-p 9090:8080`: host 9090 to container 8080), or
    make the app listen on the published container port (`PORT=9090`). Derive both from one
    variable.
    """

    code = "CT014"
    name = "port-listening-elsewhere"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = Container
    fix = "publish the port the app listens on (-p HOST:APP_PORT), or make the app listen on the published port"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        if c.sockets is None or not c.running or c.restarting:
            return
        seen: set[int] = set()
        for port in c.ports:
            if port.container_port in seen or port.protocol != "tcp":
                continue
            seen.add(port.container_port)
            if c.sockets.on_port(port.container_port):
                continue
            published = {p.container_port for p in c.ports}
            elsewhere = [s for s in c.sockets.sockets if s.protocol == "tcp" and s.port not in published]
            if not elsewhere:
                continue  # nothing listens at all: CT015
            others = sorted({s.port for s in elsewhere})
            used = ", ".join(sorted({s.label().removesuffix("/tcp") for s in elsewhere}))
            if all(s.loopback for s in elsewhere):
                used += " (and on the container's loopback only)"
            host = f"{port.host_ip or '0.0.0.0'}:{port.host_port}" if port.host_port else "the host port"
            yield Violation(
                f"container {c.name} publishes container port {port.container_port} ({port.label()}), but "
                f"the process listens on {used}, not {port.container_port}: connections to {host} reach "
                "nothing",
                c.location(("port", port.spec())),
                (Related(c.at(), f"sockets ({c.sockets.source}): {c.sockets.describe()}"),
                 *connection_evidence(c, port.spec())),
                fix=f"publish the port the app uses (-p {port.host_port or 'HOST'}:{others[0]}) or make the app "
                    f"listen on {port.container_port}")
