from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.compose import ComposeProject, ComposeService, PortMapping
from deploycheck.rules.compose._common import port_text, where

# Longer host ranges are compared by their ends only, to keep the check linear.
_MAX_EXPAND = 2048


def _family(ip: str) -> str:
    return "6" if ":" in ip else "4"


def _ips_conflict(a: str, b: str) -> bool:
    """Whether binding both host IPs on one port collides (a wildcard takes every address)."""
    a, b = a.strip("[]"), b.strip("[]")
    if a == b or not a or not b:
        return True
    wild = {"0.0.0.0": "4", "::": "6"}
    if a in wild:
        return wild[a] == _family(b)
    if b in wild:
        return wild[b] == _family(a)
    return False


def _profiles_disjoint(a: ComposeService, b: ComposeService) -> bool:
    return bool(a.profiles) and bool(b.profiles) and not set(a.profiles) & set(b.profiles)


def _fixed_ports(port: PortMapping) -> list[int]:
    """Host ports the mapping always takes. A host range wider than the container range is a
    pool Docker picks a free port from, so it takes none for sure."""
    if port.host_start is None or port.container_start is None:
        return []
    host = port.host_ports()
    if len(host) > len(port.container_ports()):
        return []
    if len(host) > _MAX_EXPAND:
        return [host.start, host.stop - 1]
    return list(host)


def _desc(port: PortMapping) -> str:
    ip = f"{port.host_ip}:" if port.host_ip else ""
    return f"`{ip}{port_text(port.host_start, port.host_end)}->" \
           f"{port_text(port.container_start, port.container_end)}/{port.protocol}`"


class DuplicateHostPort(Rule[ComposeProject]):
    """Two services (or replicas) publish the same host port, so the second cannot start.

    ## Why
    A host port can be bound once per address. When two services of a project publish the same
    host port with overlapping host IPs and the same protocol, `docker compose up` starts the first
    and fails on the second with `Bind for 0.0.0.0:8080 failed: port is already allocated` (or
    `Error starting userland proxy: listen tcp4 0.0.0.0:8080: bind: address already in use`)
    (P10; docker/compose#4950, microrealestate/microrealestate#229). The same happens when a
    service with a fixed host port is scaled (`deploy.replicas: 2`, `scale: 2`): the second
    replica cannot bind. Services in profiles that are never enabled together, different
    specific host IPs, and host port ranges wider than the container range (a pool Docker picks
    a free port from) do not conflict and are not reported.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: ./api
        ports:
          - "8080:8080"
      admin:
        build: ./admin
        ports:
          - "8080:3000"
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: ./api
        ports:
          - "8080:8080"
      admin:
        build: ./admin
        ports:
          - "8081:3000"
    ```

    ## Fix
    Give each service its own host port (the left side of `HOST:CONTAINER`), or leave the host
    port out (`"3000"`) to let Docker pick one. For scaled services publish a host range at least
    as long as the number of replicas (`"8080-8083:80"`) or put a load balancer in front.
    """

    code = "DC201"
    name = "duplicate-host-port"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = ComposeProject
    fix = "give each service its own host port, or drop the host port so Docker picks one"

    def check(self, model: ComposeProject, options: NoOptions) -> Iterator[Violation]:
        taken: dict[tuple[str, int], list[tuple[ComposeService, PortMapping]]] = {}
        for svc in model.services:
            if svc.network_mode == "host":
                continue  # Docker ignores `ports` with host networking.
            yield from self._replicas(model, svc)
            reported: set[tuple[int, int]] = set()
            for port in svc.ports:
                for number in _fixed_ports(port):
                    owners = taken.setdefault((port.protocol, number), [])
                    clash = next((o for o in owners if self._clash(o, svc, port)), None)
                    owners.append((svc, port))
                    key = (port.pos.line, port.pos.column)
                    if clash is None or key in reported:
                        continue
                    reported.add(key)
                    first_svc, first = clash
                    if not model.owns(first.path, port.path):
                        continue
                    yield self._violation(svc, port, first_svc, first, number)

    @staticmethod
    def _clash(owner: tuple[ComposeService, PortMapping], svc: ComposeService,
               port: PortMapping) -> bool:
        other_svc, other = owner
        if other_svc.name == svc.name and other.key() == port.key():
            return False
        if _profiles_disjoint(other_svc, svc):
            return False
        return _ips_conflict(other.host_ip, port.host_ip)

    @staticmethod
    def _violation(svc: ComposeService, port: PortMapping, first_svc: ComposeService,
                   first: PortMapping, number: int) -> Violation:
        ip = port.host_ip or first.host_ip or "0.0.0.0"
        same = first_svc.name == svc.name
        owner = "this service already publishes" if same else \
            f"service `{first_svc.name}` already publishes"
        return Violation(
            f"service `{svc.name}` publishes host port {number} ({_desc(port)}), but {owner} it at "
            f"{where(first.path, first.pos)} ({_desc(first)}); `docker compose up` fails with "
            f"`Bind for {ip}:{number} failed: port is already allocated`",
            Location.at(port.path, port.pos),
            related=(Related(Location.at(first.path, first.pos),
                             f"host port {number} first published by `{first_svc.name}`"),),
            fix=f"change the host port (left of the colon) of `{svc.name}` to a free one, or remove "
                "it so Docker picks one",
        )

    @staticmethod
    def _replicas(model: ComposeProject, svc: ComposeService) -> Iterator[Violation]:
        count = svc.replicas or 1
        if count < 2:
            return
        for port in svc.ports:
            if port.host_start is None or port.container_start is None:
                continue
            if len(port.host_ports()) >= count * len(port.container_ports()):
                continue
            if not model.owns(port.path, svc.path):
                continue
            ip = port.host_ip or "0.0.0.0"
            yield Violation(
                f"service `{svc.name}` runs {count} replicas but publishes the fixed host port "
                f"{port_text(port.host_start, port.host_end)} ({_desc(port)}); only the first "
                f"replica can bind it, the others fail with `Bind for {ip}:{port.host_start} "
                "failed: port is already allocated`",
                Location.at(port.path, port.pos),
                fix=f"publish a host range with one port per replica (`\"{port.host_start}-"
                    f"{port.host_start + count - 1}:{port.container_start}\"`), drop the host port, "
                    "or put a load balancer in front of the replicas",
            )
