from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.links import Deployment
from deploycheck.model.nginx import NginxConfig
from deploycheck.model.project import Project
from deploycheck.model.servercmd import is_loopback
from deploycheck.rules.project._common_ports import NginxHome, app_ports, nginx_homes


class NginxProxyToOwnLoopback(Rule[Project]):
    """nginx runs in its own container and proxies to 127.0.0.1/localhost, which is itself.

    ## Why
    In a container, `127.0.0.1` and `localhost` are that container's own loopback. An nginx
    container (a compose service running the nginx image with this configuration mounted or
    copied in) that says `proxy_pass http://127.0.0.1:8080` connects to itself, where nothing
    listens on 8080: every request gets `502 Bad Gateway` and the error log shows `connect()
    failed (111: Connection refused) while connecting to upstream` (P11; nginx/docker-nginx#450,
    caprover/caprover#350). It works on a laptop where nginx and the app share the host, which
    is why it surprises. Configurations not known to run in a container (nginx on the host in
    front of published ports) are left alone, as are targets nginx serves itself.

    ## Bad
    ```compose.yaml
    services:
      web:
        build: .
      proxy:
        image: nginx:1.27
        ports:
          - "80:80"
        volumes:
          - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro
    ```

    ```nginx.conf
    server {
        listen 80;
        location / {
            proxy_pass http://127.0.0.1:8080;
        }
    }
    ```

    ## Good
    ```compose.yaml
    services:
      web:
        build: .
      proxy:
        image: nginx:1.27
        ports:
          - "80:80"
        volumes:
          - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro
    ```

    ```nginx.conf
    server {
        listen 80;
        location / {
            proxy_pass http://web:8080;
        }
    }
    ```

    ## Fix
    Proxy to the app's compose service name (or Kubernetes Service name) and the port the app
    listens on: `proxy_pass http://web:8080;`. Compose puts both services on one network where
    the name resolves.
    """

    code = "DC706"
    name = "nginx-proxy-to-own-loopback"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = Project
    fix = "proxy to the app's service name (http://SERVICE:PORT) instead of 127.0.0.1/localhost"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        by_compose: dict[int, list[Deployment]] = {}
        for dep in model.of(Deployment):
            if dep.compose is not None:
                by_compose.setdefault(id(dep.compose), []).append(dep)
        for config in model.of(NginxConfig):
            homes = nginx_homes(config, model)
            if not homes:
                continue
            home = homes[0]
            own_ports = set(config.listen_ports())
            for endpoint in config.endpoints():
                if not is_loopback(endpoint.host):
                    continue
                port = endpoint.port
                if port is None or port in own_ports:
                    continue  # nginx proxying to another server block of its own
                app = _app_for(by_compose.get(id(home.compose), []), home, port)
                target = f"http://{app}:{port}" if app else "http://SERVICE:PORT (the app's compose service)"
                related = [Related(home.how, f"nginx runs in compose service `{home.service.name}` "
                                             f"with {config.entry}")]
                if app:
                    svc = home.compose.service(app)
                    if svc is not None:
                        related.append(Related(svc.location(), f"the app runs in service `{app}`"))
                proxy = endpoint.target.proxy
                yield Violation(
                    f"{proxy.directive} sends requests to {endpoint.host}:{port}, but nginx runs in "
                    f"its own container ({home.what}), where {endpoint.host} is the nginx "
                    f"container itself: every request gets `502 Bad Gateway` and the log shows "
                    "`connect() failed (111: Connection refused) while connecting to upstream`",
                    endpoint.location,
                    related=tuple(related),
                    fix=f"proxy to {target}",
                )


def _app_for(deps: list[Deployment], home: NginxHome, port: int) -> str:
    """The compose service whose app listens on `port` (the one nginx most likely means)."""
    names = []
    for dep in deps:
        if dep.service is None or dep.service is home.service:
            continue
        ports = app_ports(dep)
        if ports is not None and ports.serves(port):
            names.append(dep.service.name)
    return names[0] if len(names) == 1 else ""
