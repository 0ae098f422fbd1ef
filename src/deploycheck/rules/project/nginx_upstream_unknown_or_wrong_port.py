from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.compose import ComposeFile, ComposeProject, RawMap, RawScalar
from deploycheck.model.kubernetes import K8sCluster
from deploycheck.model.links import Deployment
from deploycheck.model.nginx import Endpoint, NginxConfig
from deploycheck.model.project import Project
from deploycheck.model.servercmd import is_loopback
from deploycheck.rules.project._common_ports import NginxHome, app_ports, compose_index, nginx_homes

_PROXIES = frozenset({"proxy_pass", "grpc_pass"})


class NginxUpstreamUnknownOrWrongPort(Rule[Project]):
    """nginx proxies to a service at a port it does not listen on, or to a name nothing defines.

    ## Why
    In a compose project nginx reaches the app by its service name and the port the app listens
    on *inside* its container (not the published host port). With the wrong port every request
    fails with `502 Bad Gateway` and `connect() failed (111: Connection refused) while
    connecting to upstream`; a Kubernetes Service name with a port the Service does not define
    fails the same way. A bare host name that is no compose service, alias, Kubernetes Service
    or `upstream` makes nginx refuse to start: `nginx: [emerg] host not found in upstream
    "api:8080"` (P11; nginx-proxy/nginx-proxy#2378: proxy to 8400, app on 8000). The app's port
    is read from its source or server command with the service's environment applied; names
    are checked only where nginx runs as a compose service with this configuration and no
    external networks or `extra_hosts`.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        ports:
          - "80:8000"
      proxy:
        image: nginx:1.27
        ports:
          - "443:443"
        volumes:
          - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro
    ```

    ```nginx.conf
    server {
        listen 443 ssl;
        ssl_certificate /etc/nginx/certs/fullchain.pem;
        ssl_certificate_key /etc/nginx/certs/privkey.pem;
        location / {
            proxy_pass http://api:80;
        }
    }
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        ports:
          - "80:8000"
      proxy:
        image: nginx:1.27
        ports:
          - "443:443"
        volumes:
          - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro
    ```

    ```nginx.conf
    server {
        listen 443 ssl;
        ssl_certificate /etc/nginx/certs/fullchain.pem;
        ssl_certificate_key /etc/nginx/certs/privkey.pem;
        location / {
            proxy_pass http://api:8000;
        }
    }
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    ```

    ## Fix
    Use the container port the app listens on (`proxy_pass http://api:8000;`), not the host side
    of `ports:`; spell the host as a compose service name, network alias or Kubernetes Service.
    """

    code = "DC707"
    name = "nginx-upstream-unknown-or-wrong-port"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = Project
    fix = "proxy to a defined service name at the port its app listens on"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        clusters = model.of(K8sCluster)
        cluster = clusters[0] if clusters else None
        external = _external_network_dirs(model)
        index = compose_index(model)
        for config in model.of(NginxConfig):
            homes = nginx_homes(config, model)
            home = homes[0] if homes else None
            upstreams = {u.name.lower() for u in config.upstreams}
            seen: set[tuple[str, int]] = set()
            for endpoint in config.endpoints():
                host = endpoint.host.lower()
                if is_loopback(host) or _is_ip(host):
                    continue
                key = (endpoint.path, endpoint.pos.line)
                if key in seen:
                    continue
                found = self._endpoint(index, endpoint, host, home, cluster, upstreams, external)
                if found is not None:
                    seen.add(key)
                    yield found

    def _endpoint(self, index: dict[tuple[int, str], Deployment], endpoint: Endpoint, host: str,
                  home: NginxHome | None, cluster: K8sCluster | None, upstreams: set[str],
                  external: set[str]) -> Violation | None:
        directive = endpoint.target.proxy.directive
        port = endpoint.port
        name = host.split(".", 1)[0] if (".svc" in host or "." not in host) else ""
        if not name:
            return None
        if home is not None:
            svc = home.compose.service(name) or home.compose.service_for_host(name)
            if svc is not None:
                if directive not in _PROXIES or port is None:
                    return None
                dep = index.get((id(home.compose), svc.name))
                ports = app_ports(dep) if dep is not None else None
                if ports is None or ports.serves(port):
                    return None
                published = [p for p in svc.ports if p.host_start is not None and port in p.host_ports()]
                hint = ""
                if published:
                    hint = (f" ({port} is the *host* side of `ports:` at "
                            f"{Location.at(published[0].path, published[0].pos).short()}; "
                            "containers talk to each other on the container port)")
                return Violation(
                    f"{directive} sends requests to {endpoint.host}:{port}, but the app of "
                    f"compose service `{svc.name}` listens on {ports.describe()}{hint}: every "
                    "request gets `502 Bad Gateway` and the log shows `connect() failed (111: "
                    "Connection refused) while connecting to upstream`",
                    endpoint.location,
                    related=(*ports.related(), Related(svc.location(), f"service `{svc.name}`")),
                    fix=f"proxy to http://{svc.name}:{min(ports.ports)}",
                )
        services = cluster.services_named(name) if cluster is not None else ()
        if services:
            if directive not in _PROXIES or port is None:
                return None
            if any(s.port_numbered(port) is not None for s in services):
                return None
            if any(any(p.port is None for p in s.ports) for s in services):
                return None
            s = services[0]
            defined = ", ".join(str(p.port) for p in s.ports) or "none"
            return Violation(
                f"{directive} sends requests to {endpoint.host}:{port}, but {s.ref} ({s.where()}) "
                f"defines port(s) {defined}, not {port}: the connection is refused or times out "
                "(`502 Bad Gateway`, `upstream timed out (110: Connection timed out)`)",
                endpoint.location,
                related=(Related(s.location(s.name_pos), f"{s.ref}"),),
                fix=f"use one of {s.ref}'s ports ({defined}), or add port {port} to it",
            )
        if "." in host or home is None or name in upstreams:
            return None
        svc_node = home.service
        if "extra_hosts" in svc_node.keys or svc_node.network_mode or home.compose.directory in external:
            return None
        names = ", ".join(s.name for s in home.compose.services if s is not svc_node) or "none"
        return Violation(
            f"{directive} names host `{endpoint.host}`, but no service, alias or `upstream` of that "
            f"name exists where nginx runs ({home.what}; services: {names}): nginx exits at start "
            f"with `nginx: [emerg] host not found in upstream \"{endpoint.host}"
            f"{':' + str(port) if endpoint.target.proxy.port else ''}\"`",
            endpoint.location,
            related=(Related(home.how, f"nginx runs in compose service `{svc_node.name}`"),),
            fix="name the app's compose service (or add a network alias with that name)",
        )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _external_network_dirs(project: Project) -> set[str]:
    """Folders of compose files that join external networks (names resolved there are unknown)."""
    out: set[str] = set()
    for f in project.of(ComposeFile):
        tree = f.tree
        if tree is None:
            continue
        networks = tree.get("networks")
        if not isinstance(networks, RawMap):
            continue
        for _, value in networks.pairs:
            if isinstance(value, RawMap):
                ext = value.get("external")
                if ext is not None and not (isinstance(ext, RawScalar) and ext.text.lower() == "false"):
                    out.add(f.directory)
    for p in project.of(ComposeProject):
        if any(s.network_mode == "host" for s in p.services):
            out.add(p.directory)
    return out
