from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.compose import ComposeProject

# Label prefixes of reverse proxies that route to containers without published ports.
_PROXY_LABELS = ("traefik.", "caddy", "virtual_host", "com.centurylinklabs", "dokku")
_PROXY_IMAGES = frozenset({"nginx", "httpd", "haproxy", "caddy", "traefik", "envoy", "openresty"})
_WORD = re.compile(r"[A-Za-z0-9_.-]+")
_PROXY_ENV = ("VIRTUAL_HOST", "VIRTUAL_PORT", "LETSENCRYPT_HOST")


def _reached_names(project: ComposeProject) -> dict[str, set[str]]:
    """Lower-cased name → the services that depend on, link to, or mention it in their environment."""
    reached: dict[str, set[str]] = {}
    for other in project.services:
        names = {dep.name.lower() for dep in other.depends_on}
        names.update(link.partition(":")[0].lower() for link in other.links)
        for var in other.environment:
            names.update(word.lower() for word in _WORD.findall(var.value or ""))
        for name in names:
            reached.setdefault(name, set()).add(other.name)
    return reached


class ExposeNotPublished(Rule[ComposeProject]):
    """A built service lists `expose` but nothing in the project publishes a port to the host.

    ## Why
    `expose` (like `EXPOSE` in a Dockerfile) only documents a port for other containers on the
    project network; it does not publish it. A project whose app service has `expose: ["8080"]`
    and no `ports:` anywhere cannot be reached from the host: `curl localhost:8080` gets
    `connection refused`, although the container is up and healthy (P7; gotify/server#524). The
    rule stays quiet when another service can reach the app (it depends on it, names it in its
    environment, links to it, or is a proxy image with a mounted config), when any service
    publishes ports, and when reverse-proxy labels (Traefik, nginx-proxy `VIRTUAL_HOST`) route to
    it.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        expose:
          - "8080"
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        ports:
          - "8080:8080"
    ```

    ## Fix
    Publish the port with `ports: ["8080:8080"]` (`HOST:CONTAINER`), or put a reverse proxy
    service with published ports in front of the app.
    """

    code = "DC203"
    name = "expose-not-published"
    category = Category.ROUTING
    severity = Severity.WARNING
    target = ComposeProject
    fix = "publish the port with `ports: [\"HOST:CONTAINER\"]`; `expose` does not reach the host"

    def check(self, model: ComposeProject, options: NoOptions) -> Iterator[Violation]:
        if any(svc.ports for svc in model.services):
            return
        proxied = any(s.image_name.rpartition("/")[2] in _PROXY_IMAGES for s in model.services)
        reached = _reached_names(model)
        for svc in model.services:
            exposed = [e for e in svc.expose if e.valid and e.start is not None]
            if not exposed or svc.build is None or svc.network_mode:
                continue
            if any(k.lower().startswith(_PROXY_LABELS) for k, _ in svc.labels):
                continue
            if any(var.name in _PROXY_ENV for var in svc.environment):
                continue
            # A proxy with a mounted config, or another service naming it, may reach it.
            if proxied or reached.get(svc.name.lower(), set()) - {svc.name}:
                continue
            first = exposed[0]
            if not model.owns(first.path, svc.path):
                continue
            port = first.start
            yield Violation(
                f"service `{svc.name}` exposes port {port}, but `expose` does not publish it and no "
                f"service of the project publishes any port, so from the host "
                f"`curl localhost:{port}` gets `connection refused`",
                Location.at(first.path, first.pos),
                fix=f"publish it with `ports: [\"{port}:{port}\"]` on `{svc.name}`",
            )
