from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import K8sCluster
from deploycheck.model.links import Deployment
from deploycheck.model.nginx import NginxConfig
from deploycheck.model.project import Project
from deploycheck.model.servercmd import ServerCommand, is_loopback
from deploycheck.rules.project._common_ports import app_ports

_DEFAULTS = {
    "uvicorn": "uvicorn listens on 127.0.0.1:8000 unless given `--host`",
    "gunicorn": "gunicorn binds 127.0.0.1:8000 unless given `-b` (or PORT is set)",
    "hypercorn": "hypercorn binds 127.0.0.1:8000 unless given `-b`",
    "daphne": "daphne binds 127.0.0.1:8000 unless given `-b`",
    "granian": "granian listens on 127.0.0.1:8000 unless given `--host`",
    "flask": "`flask run` listens on 127.0.0.1:5000 unless given `--host` or FLASK_RUN_HOST",
    "fastapi": "`fastapi dev` listens on 127.0.0.1:8000 unless given `--host`",
    "runserver": "`manage.py runserver` listens on 127.0.0.1:8000 unless given `0.0.0.0:8000`",
}
_FIX = {
    "uvicorn": "add `--host 0.0.0.0`",
    "gunicorn": "add `-b 0.0.0.0:{port}`",
    "hypercorn": "add `-b 0.0.0.0:{port}`",
    "daphne": "add `-b 0.0.0.0`",
    "granian": "add `--host 0.0.0.0`",
    "flask": "add `--host 0.0.0.0` (or set FLASK_RUN_HOST=0.0.0.0)",
    "fastapi": "use `fastapi run` (0.0.0.0) or add `--host 0.0.0.0`",
    "runserver": "pass `0.0.0.0:{port}` to runserver",
}


class LoopbackBindInDeployment(Rule[Project]):
    """The server command, or a listen address set by the deployment, binds loopback only.

    ## Why
    Inside a container, 127.0.0.1 is the container itself. Docker forwards a published port
    to the container's network interface, and a Kubernetes Service to the pod IP, so a server
    bound to loopback is never reached: `curl: (52) Empty reply from server` or `Connection
    reset by peer` through the published port, `connection refused` through the Service. The
    servers' own defaults do this: `uvicorn main:app` (127.0.0.1:8000), `gunicorn app:app`
    without `-b`, `flask run` without `--host`, `manage.py runserver` (P1, P3, P5;
    Kludex/uvicorn#736, ruddra/docker-django#3). A Go app reading its address from a variable
    is caught the same way when the compose file or manifest sets the variable to a loopback
    address. Listen addresses hard-coded in source are reported by DC501 and DC601. The rule
    reports only deployments something reaches: published ports, a Service, EXPOSE, or an
    nginx `proxy_pass` naming the service.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        ports:
          - "8000:8000"
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    CMD ["uvicorn", "main:app"]
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        ports:
          - "8000:8000"
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
    ```

    ## Fix
    Bind every interface: `--host 0.0.0.0` (uvicorn, flask, granian), `-b 0.0.0.0:8000`
    (gunicorn, hypercorn), `runserver 0.0.0.0:8000`, or set the listen variable to `:8080` /
    `0.0.0.0:8080`.
    """

    code = "DC705"
    name = "loopback-bind-in-deployment"
    category = Category.BIND
    severity = Severity.ERROR
    target = Project
    fix = "bind 0.0.0.0 (all interfaces) in the server command or the listen variable"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        clusters = model.of(K8sCluster)
        proxied = _proxied_hosts(model)
        for dep in model.of(Deployment):
            reached = _reached_by(dep, clusters[0] if clusters else None, proxied)
            if not reached:
                continue
            server = dep.server()
            if server is not None and not server.runs_script:
                yield from self._server(dep, server, reached)
            elif dep.go is not None and server is None:
                yield from self._go(dep, reached)

    def _server(self, dep: Deployment, server: ServerCommand, reached: str) -> Iterator[Violation]:
        if not server.loopback_only:
            return
        ports = app_ports(dep)
        if ports is None or any(not lst.loopback and lst.host is not None and not is_loopback(lst.host)
                                for lst in ports.listens):
            return  # a gunicorn config file decides the bind (DC602), or it is unknown
        where = dep.command_location or dep.location
        default = "" if server.host_explicit else f" ({_DEFAULTS.get(server.kind, 'its default host')})"
        port = server.port or 8000
        fix = _FIX.get(server.kind, "bind 0.0.0.0").format(port=port) if not server.host_explicit \
            else f"replace {server.host} with 0.0.0.0"
        yield Violation(
            f"{dep.label} starts `{' '.join(server.argv[:4])}{' ...' if len(server.argv) > 4 else ''}`, "
            f"which listens on {server.host}:{server.port}{default}; inside the container only "
            f"the container itself can connect there, so {reached} reaches nothing "
            "(`curl: (52) Empty reply from server`, `connection refused`)",
            where,
            related=(Related(dep.location, f"{dep.label}"),),
            fix=fix,
        )

    def _go(self, dep: Deployment, reached: str) -> Iterator[Violation]:
        ports = app_ports(dep)
        if ports is None or dep.go is None:
            return
        for call, listen in zip(dep.go.listens, ports.listens, strict=False):
            if not listen.loopback:
                continue
            for part in call.parts:
                if part.kind != "env":
                    continue
                setting = dep.env_setting(part.text)
                if setting is None or not setting.value or not _loopback_value(setting.value):
                    continue
                yield Violation(
                    f"{setting.location.short()}: {part.text}={setting.value!r} ({setting.source} "
                    f"of {dep.label}) makes the app at {call.location.short()} listen on "
                    f"{listen.text()}, a loopback address: only the container itself can connect, "
                    f"so {reached} reaches nothing (`connection refused`, `curl: (52) Empty reply "
                    "from server`)",
                    setting.location,
                    related=(Related(call.location, f"the app listens on the address in {part.text}"),),
                    fix=f"set {part.text}=:{listen.port} (or 0.0.0.0:{listen.port})",
                )
                break


def _loopback_value(value: str) -> bool:
    host = value.strip()
    if host.startswith("http://"):
        host = host[7:]
    if host.startswith("["):
        host = host[1:].partition("]")[0]
    elif host.count(":") <= 1:
        host = host.partition(":")[0]
    return bool(host) and is_loopback(host)


def _proxied_hosts(project: Project) -> dict[str, tuple[int, str]]:
    """Host names nginx proxies to: the first endpoint's order and description for each."""
    out: dict[str, tuple[int, str]] = {}
    for config in project.of(NginxConfig):
        for endpoint in config.endpoints():
            out.setdefault(endpoint.host.lower(), (len(out), f"nginx at {endpoint.location.short()}"))
    return out


def _reached_by(dep: Deployment, cluster: K8sCluster | None, proxied: dict[str, tuple[int, str]]) -> str:
    """What sends traffic to the deployment ('' when nothing we can see does)."""
    svc = dep.service
    if svc is not None:
        if svc.shares_network_namespace:
            return ""
        published = svc.published_ports()
        if published:
            p = published[0]
            return f"the port published at {Location.at(p.path, p.pos).short()}"
        # The first nginx endpoint (in reading order) that names the service.
        hits = [proxied[name] for name in svc.host_names() if name in proxied]
        if hits:
            return min(hits)[1]
        if svc.expose:
            e = svc.expose[0]
            return f"the port other containers use (`expose` at {Location.at(e.path, e.pos).short()})"
        return ""
    if dep.workload is not None and cluster is not None:
        if dep.workload.host_network:
            return ""
        services = cluster.services_selecting(dep.workload)
        if services:
            s = services[0]
            return f"{s.ref} ({s.where()})"
        return ""
    if dep.kind == "docker" and dep.stage is not None and dep.stage.exposes and dep.dockerfile:
        exposed = dep.stage.exposes[0]
        at = Location.at(dep.dockerfile.path, exposed.pos).short()
        return f"the port EXPOSEd at {at} (`docker run -p`)"
    return ""
