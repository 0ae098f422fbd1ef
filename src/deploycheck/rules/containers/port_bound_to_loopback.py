# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container


def connection_evidence(c: Container, spec: str) -> tuple[Related, ...]:
    return tuple(Related(c.at(("port", spec)), f"connection from the host to {conn.describe()}")
                 for conn in c.connections if conn.port.spec() == spec)


class PortBoundToLoopback(Rule[Container]):
    r"""A published port reaches nothing: the process listens on 127.0.0.1 (or ::1) only.

    ## Why
    Docker forwards a published port to the container's network interface (its eth0 address),
    never to its loopback. A server bound to `127.0.0.1:8080` or `localhost:8080` — uvicorn's,
    gunicorn's and Flask's default, a Go `ListenAndServe("localhost:8080")` — is invisible from
    outside: the host's connection is accepted by Docker's proxy and reset at once
    (`curl: (56) Recv failure: Connection reset by peer`, `(52) Empty reply from server`),
    while `docker ps` shows the port mapped (pitfalls P1-P5). The socket table of the
    container's network namespace, read from the host, shows the bind address.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "bae13b3b5aec", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4", "Env": ["ADDR=127.0.0.1:8080"], "ExposedPorts": {"8080/tcp": {}}},
      "State": {"Status": "running", "Running": true, "Pid": 2911, "StartedAt": "2024-03-02T10:15:07Z"},
      "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}},
      "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "32768"}]}}},
     "proc_net": {"tcp": "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 114555 1 0000000042a4ab37 100 0 0 10 0\n"},
     "proc_net_source": "/proc/2911/net/tcp",
     "connections": [{"port": "8080/tcp", "host_ip": "127.0.0.1", "host_port": 32768,
                      "target": "127.0.0.1:32768", "outcome": "reset", "detail": "closed by the peer before any byte"}]}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "bae13b3b5aec", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4", "ExposedPorts": {"8080/tcp": {}}},
      "State": {"Status": "running", "Running": true, "Pid": 2911, "StartedAt": "2024-03-02T10:15:07Z"},
      "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}},
      "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "32768"}]}}},
     "proc_net": {"tcp6": "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 117045 1 000000000ada3342 100 0 0 10 0\n"},
     "proc_net_source": "/proc/2911/net/tcp6",
     "connections": [{"port": "8080/tcp", "host_ip": "127.0.0.1", "host_port": 32768,
                      "target": "127.0.0.1:32768", "outcome": "answered", "detail": "HTTP/1.0 404 Not Found"}]}
    ```

    ## Fix
    Listen on all interfaces inside the container: `0.0.0.0:8080` or `:8080` (uvicorn/gunicorn
    `--host 0.0.0.0`/`-b 0.0.0.0:8080`, Flask `--host 0.0.0.0`, Go `":8080"`). Restricting
    access belongs to the host side of the mapping (`-p 127.0.0.1:8080:8080`).
    """

    code = "CT013"
    name = "port-bound-to-loopback"
    category = Category.BIND
    severity = Severity.ERROR
    target = Container
    fix = "listen on 0.0.0.0 (or :PORT) inside the container; restrict access on the host side of -p instead"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        if c.sockets is None or not c.running or c.restarting:
            return
        seen: set[int] = set()
        for port in c.ports:
            if port.container_port in seen:
                continue
            seen.add(port.container_port)
            listening = c.sockets.on_port(port.container_port, port.protocol)
            if not listening or any(not s.loopback for s in listening):
                continue
            where = " and ".join(s.label() for s in listening)
            related = (Related(c.at(), f"sockets ({c.sockets.source}): {c.sockets.describe(port.protocol)}"),
                       *connection_evidence(c, port.spec()))
            failed = [conn for conn in c.connections if conn.port.spec() == port.spec() and conn.outcome != "answered"]
            effect = (f"; a connection from the host to {failed[0].target} got: {failed[0].outcome}"
                      if failed else "")
            yield Violation(
                f"container {c.name} publishes {port.label()}, but the process listens on {where} only, "
                f"the container's loopback: traffic through the published port arrives on the container's "
                f"network interface and finds nothing{effect}",
                c.location(("port", port.spec())), related)
