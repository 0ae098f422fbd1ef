from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.compose import ComposeProject, PortMapping
from deploycheck.rules.compose._common import port_text


def _web_port(port: PortMapping) -> bool:
    return any(p in (80, 443) or 3000 <= p <= 3999 or 5000 <= p <= 5999 or 8000 <= p <= 8999
               for p in port.container_ports())


class LoopbackPublished(Rule[ComposeProject]):
    """The app's port is published on the host's loopback only, so other machines cannot reach it.

    ## Why
    `ports: ["127.0.0.1:8080:8080"]` binds the host side to loopback: `curl localhost:8080` on
    the host works, but requests from any other machine get `connection refused` (P12;
    exposedev/expose#166). This is right behind a reverse proxy running on the same host, and
    wrong when the service is meant to be public — hence info, not an error. Only services that
    look like the public app (built from source, or publishing a web port such as 80, 443,
    3000-3999, 5000-5999 or 8000-8999) are reported; databases kept on loopback are not.

    ## Bad
    ```compose.yaml
    services:
      web:
        build: .
        ports:
          - "127.0.0.1:8080:8080"
    ```

    ## Good
    ```compose.yaml
    services:
      web:
        build: .
        ports:
          - "8080:8080"
    ```

    ## Fix
    Drop the IP (`"8080:8080"`) or use `0.0.0.0:` when other machines must reach the service;
    keep `127.0.0.1:` only behind a reverse proxy on the same host.
    """

    code = "DC212"
    name = "loopback-published"
    category = Category.ROUTING
    severity = Severity.INFO
    target = ComposeProject
    fix = "drop `127.0.0.1:` from the mapping when other machines must reach the service"

    def check(self, model: ComposeProject, options: NoOptions) -> Iterator[Violation]:
        for svc in model.services:
            if svc.backing or svc.network_mode == "host":
                continue
            for port in svc.ports:
                if not port.published or not port.loopback_only:
                    continue
                if svc.build is None and not _web_port(port):
                    continue
                if not model.owns(port.path):
                    continue
                host = port_text(port.host_start, port.host_end)
                yield Violation(
                    f"service `{svc.name}` publishes port {host} on {port.host_ip} only: the host "
                    "itself can reach it, other machines get `connection refused` (fine behind a "
                    "reverse proxy on this host)",
                    Location.at(port.path, port.pos),
                    fix=f"write `\"{host}:{port_text(port.container_start, port.container_end)}\"` "
                        "if other machines must reach it",
                )
