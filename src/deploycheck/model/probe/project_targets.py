"""Targets, origins and health/metrics paths that the deployment files name.

`targets_from_project` turns compose ports published on this machine into loopback URLs, with
the app's CORS origins, health path and metrics path; `project_origins_and_paths` collects every
origin and path the project names, for URLs given on the command line. The project model types
(`links`, `golang`, `kubernetes`, `python`) are imported where they are used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from deploycheck.model.location import Location
from deploycheck.model.probe.targets import Origin, PathRef, Target, _unique, merge_targets, normalize_origin

# -- targets named by the deployment files ------------------------------------------------------------

_HTTPS_PORTS = frozenset({443, 8443, 9443})
_HEALTH_LAST = frozenset({"health", "healthz", "healthcheck", "health-check", "health_check", "ready",
                          "readyz", "readiness", "live", "livez", "liveness", "ping"})
_URL_IN_TEXT = re.compile(r"https?://[^\s/'\"]+(/[^\s'\"]*)?")
MAX_PORTS_PER_MAPPING = 8


def targets_from_project(items: Sequence[object]) -> tuple[Target, ...]:
    """URLs, origins and health/metrics paths the deployment files name.

    URLs come only from compose ports published on this machine (no host IP, 0.0.0.0, ::,
    127.0.0.0/8 or ::1): they are probed on loopback. Databases, caches and brokers are left
    out. Origins come from the app's CORS configuration (Go gin-contrib/rs/cors literals,
    Starlette/FastAPI/flask-cors); health paths from the compose healthcheck, else the app's
    health routes; metrics from a `/metrics` route or a Prometheus exporter in the app.
    """
    from deploycheck.model.links import Deployment

    out = []
    for dep in (i for i in items if isinstance(i, Deployment)):
        if dep.kind != "compose" or dep.service is None or dep.service.backing:
            continue
        origins = app_origins(dep)
        health = _compose_health(dep) or _app_health(dep)
        metrics = _app_metrics(dep)
        for port in dep.service.published_ports():
            if port.protocol != "tcp" or not (port.all_interfaces or port.loopback_only):
                continue
            host = "127.0.0.1"
            ip = port.host_ip.strip("[]").lower()
            if ip == "::1":
                host = "[::1]"
            elif ip.startswith("127."):
                host = ip
            ports = list(port.host_ports())[:MAX_PORTS_PER_MAPPING]
            containers: list[int | None] = [*port.container_ports()] or [None] * len(ports)
            for index, host_port in enumerate(ports):
                inner = containers[index] if index < len(containers) else None
                scheme = "https" if inner in _HTTPS_PORTS or host_port in _HTTPS_PORTS else "http"
                out.append(Target(f"{scheme}://{host}:{host_port}/", origins, health, metrics,
                                  Location.at(port.path, port.pos)))
    return merge_targets(out)


def project_origins_and_paths(items: Sequence[object]) -> tuple[tuple[Origin, ...], tuple[PathRef, ...],
                                                                tuple[PathRef, ...]]:
    """Every origin, health path and metrics path the project names (for URLs from the command
    line): CORS literals of every app, k8s httpGet probe paths and compose healthcheck URLs."""
    from deploycheck.model.golang import GoPackage
    from deploycheck.model.kubernetes import ProbeHandler, Workload
    from deploycheck.model.links import Deployment
    from deploycheck.model.python import PythonApp

    origins: list[Origin] = []
    health: list[PathRef] = []
    metrics: list[PathRef] = []
    for item in items:
        if isinstance(item, GoPackage):
            origins.extend(_go_origins(item))
        elif isinstance(item, PythonApp):
            origins.extend(_py_origins(item))
        elif isinstance(item, Workload):
            for container in item.running_containers():
                for probe in (container.readiness_probe, container.liveness_probe, container.startup_probe):
                    if probe is not None and probe.handler is ProbeHandler.HTTP and probe.path:
                        pos = probe.path_pos or probe.pos
                        health.append(PathRef(probe.path, Location.at(item.path, pos)))
        elif isinstance(item, Deployment) and item.kind == "compose":
            health.extend(_compose_health(item))
            metrics.extend(_app_metrics(item))
    return (_unique(origins, lambda o: o.value), _unique(health, lambda p: p.path),
            _unique(metrics, lambda p: p.path))


def app_origins(dep: Any) -> tuple[Origin, ...]:
    found: list[Origin] = []
    if dep.go is not None:
        found.extend(_go_origins(dep.go))
    if dep.python is not None:
        found.extend(_py_origins(dep.python))
    return _unique(found, lambda o: o.value)


def _go_origins(package: Any) -> list[Origin]:
    out = []
    for config in package.cors_configs:
        for entry in config.allow_origins:
            if _is_origin(entry.value):
                out.append(Origin(normalize_origin(entry.value), Location.at(config.path, entry.pos)))
    for handler in package.cors_handlers:
        if handler.origin == "literal" and _is_origin(handler.origin_value):
            out.append(Origin(normalize_origin(handler.origin_value),
                              Location.at(handler.path, handler.origin_pos)))
    return out


def _py_origins(app: Any) -> list[Origin]:
    out = []
    for module, config in app.cors():
        for entry in config.origins or ():
            if _is_origin(entry.value):
                out.append(Origin(normalize_origin(entry.value), Location.at(module.path, entry.pos)))
    return out


def _is_origin(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and "*" not in text


def _compose_health(dep: Any) -> tuple[PathRef, ...]:
    check = dep.service.healthcheck if dep.service is not None else None
    if check is None or check.disable:
        return ()
    for word in check.test:
        match = _URL_IN_TEXT.search(word)
        if match:
            path = urlsplit(match.group(0)).path or "/"
            return (PathRef(path, Location.at(check.path, check.test_pos or check.pos)),)
    return ()


def _app_health(dep: Any) -> tuple[PathRef, ...]:
    if dep.go is not None:
        for route in dep.go.routes:
            if route.method in ("GET", "ANY") and route.prefix_known and _is_health(route.route):
                return (PathRef(route.route, Location.at(route.path, route.pos)),)
    if dep.python is not None:
        for module, route in dep.python.routes():
            if route.is_health and not route.partial and ("GET" in route.methods or "*" in route.methods):
                return (PathRef(route.path, Location.at(module.path, route.pos)),)
    return ()


def _is_health(path: str) -> bool:
    return path.rstrip("/").rpartition("/")[2].lower() in _HEALTH_LAST and ":" not in path


def _app_metrics(dep: Any) -> tuple[PathRef, ...]:
    if dep.go is not None:
        for route in dep.go.routes:
            if route.prefix_known and route.route.rstrip("/").endswith("/metrics"):
                return (PathRef(route.route, Location.at(route.path, route.pos)),)
    if dep.python is not None:
        for module, route in dep.python.routes():
            if route.is_metrics and not route.partial:
                return (PathRef(route.path, Location.at(module.path, route.pos)),)
        for module in dep.python.modules:
            for exposure in module.metrics:
                if exposure.port is None and exposure.path:
                    return (PathRef(exposure.path, Location.at(module.path, exposure.pos)),)
    return ()
