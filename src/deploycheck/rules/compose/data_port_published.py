from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.compose import ComposeProject
from deploycheck.rules.compose._common import DATA_PORTS, port_text


class DataPortPublished(Rule[ComposeProject]):
    """A database, cache or broker port published on every interface of the host.

    ## Why
    `ports: ["5432:5432"]` binds the host's port on all addresses (`0.0.0.0` and `::`). Docker
    inserts its own iptables/nftables rules ahead of host firewalls such as ufw or firewalld, so
    the port is reachable from every network the machine is on even when the firewall "denies"
    it. Redis, Memcached, MongoDB and Elasticsearch commonly run without authentication, and
    exposed databases are scanned and ransomed within hours. Other services of the project reach
    the database over the project network and need no published port at all. Ports bound to
    `127.0.0.1` are not reported.

    ## Bad
    ```compose.yaml
    services:
      cache:
        image: redis:7
        ports:
          - "6379:6379"
    ```

    ## Good
    ```compose.yaml
    services:
      cache:
        image: redis:7
        ports:
          - "127.0.0.1:6379:6379"
    ```

    ## Fix
    Remove the `ports:` entry (other services use `cache:6379` on the project network), or bind
    it to loopback for local tools: `"127.0.0.1:6379:6379"`.
    """

    code = "DC209"
    name = "data-port-published"
    category = Category.SECURITY
    severity = Severity.WARNING
    target = ComposeProject
    fix = "drop the published port, or bind it to loopback: `\"127.0.0.1:HOST:CONTAINER\"`"

    def check(self, model: ComposeProject, options: NoOptions) -> Iterator[Violation]:
        for svc in model.services:
            if svc.network_mode == "host":
                continue
            for port in svc.ports:
                if not port.published or not port.all_interfaces or port.protocol != "tcp":
                    continue
                hit = next((p for p in port.container_ports() if p in DATA_PORTS), None)
                if hit is None or not model.owns(port.path):
                    continue
                host = port_text(port.host_start, port.host_end)
                yield Violation(
                    f"service `{svc.name}` publishes {DATA_PORTS[hit]}'s port {hit} on all host "
                    f"interfaces (host port {host}); Docker's port rules bypass ufw/firewalld, so it "
                    "is reachable from any network the host is on",
                    Location.at(port.path, port.pos),
                    fix=f"remove this `ports:` entry (other services reach `{svc.name}:{hit}` on the "
                        f"project network) or bind it to loopback: `\"127.0.0.1:{host}:{hit}\"`",
                )
