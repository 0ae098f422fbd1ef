# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container


class PortConnectionFailed(Rule[Container]):
    r"""A real connection from the host to a published port is refused, reset or unanswered.

    ## Why
    deploycheck connects from the host to each published port on loopback, as a user's
    `curl` would, and classifies what happens: *refused* (no proxy and no listener: the port is
    not really published, or a firewall rejects it), *reset* (Docker's proxy accepted, then
    found nothing behind the port), *timeout* (nothing answers: a dropped packet, a hung
    server). This rule reports a failed connection that the socket table does not already
    explain (CT013-CT015), or when the socket table cannot be read (a remote engine, no
    permission).

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "4a5b6c7d8e9f", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 3333, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
      "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}}},
     "sockets_note": "cannot read /proc/3333/net/tcp: Permission denied",
     "connections": [{"port": "8080/tcp", "host_ip": "0.0.0.0", "host_port": 8080,
                      "target": "127.0.0.1:8080", "outcome": "reset", "detail": "closed by the peer before any byte"}]}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "4a5b6c7d8e9f", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 3333, "StartedAt": "2024-03-02T10:15:09Z"},
      "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
      "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}}},
     "connections": [{"port": "8080/tcp", "host_ip": "0.0.0.0", "host_port": 8080,
                      "target": "127.0.0.1:8080", "outcome": "answered", "detail": "HTTP/1.1 200 OK"}]}
    ```

    ## Fix
    Check where the app listens inside the container (all interfaces, the published port):
    run deploycheck as root on the engine's host to read the socket table, or `docker exec
    CONTAINER ss -ltn` where the image has `ss`.
    """

    code = "CT016"
    name = "port-connection-failed"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = Container
    fix = "make the app listen on 0.0.0.0 on the published container port; check firewalls for timeouts"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        if not c.running or c.restarting:
            return
        for conn in c.connections:
            if conn.outcome in ("answered", "error"):
                continue
            port = conn.port
            if c.sockets is not None:
                listening = c.sockets.on_port(port.container_port)
                explained = (not listening or all(s.loopback for s in listening))
                if explained:
                    continue  # CT013, CT014 or CT015 says why
                context = (f"although the process listens on {', '.join(s.label() for s in listening)} "
                           "(a firewall, a proxy, or a server that drops connections)")
            else:
                context = ("and the socket table could not be read to say why"
                           + (f" ({c.sockets_note})" if c.sockets_note else ""))
            yield Violation(
                f"container {c.name}: a connection from the host to {port.label()} via {conn.target} got "
                f"{conn.outcome}{f' ({conn.detail})' if conn.detail else ''}, {context}",
                c.location(("port", port.spec())),
                (Related(c.at(("port", port.spec())), f"connection: {conn.describe()}"),))
