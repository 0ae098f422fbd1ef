"""Pure builders from the engine's JSON: `engine_from_info` (from /info) and
`container_from_inspect` (from `docker inspect`), with the published ports, health check and image
platform they read, and the tolerant coercion helpers (`_dict`, `_int`, `_str_tuple`,
`_parse_time`) the other builders share. Nothing here talks to the engine, so recorded and live
containers go through the same code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from deploycheck.gatherers.docker_engine.endpoint import Endpoint
from deploycheck.model.containers import Container, Engine, Health, HealthProbe, PublishedPort

_ARCH = {
    "x86_64": "amd64",
    "aarch64": "arm64",
    "armv7l": "arm",
    "armv6l": "arm",
    "i686": "386",
    "i386": "386",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
    "riscv64": "riscv64",
}


def _str_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, str) and value:
        return (value,)
    return ()


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: object, default: int = 0) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return default


def _parse_time(text: str) -> float | None:
    if not text or text.startswith("0001-"):
        return None
    match = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?", text)
    if not match:
        return None
    zone = match.group(3) or "Z"
    stamp = datetime.fromisoformat(match.group(1) + ("+00:00" if zone == "Z" else zone))
    fraction = float("0" + match.group(2)) if match.group(2) else 0.0
    return stamp.timestamp() + fraction


def engine_from_info(info: Mapping[str, Any], endpoint: Endpoint | None = None) -> Engine:
    arch = str(info.get("Architecture") or "")
    return Engine(
        version=str(info.get("ServerVersion") or ""),
        os=str(info.get("OSType") or "linux"),
        arch=_ARCH.get(arch, arch),
        cpus=_int(info.get("NCPU")),
        memory=_int(info.get("MemTotal")),
        local=endpoint.local if endpoint else True,
        endpoint=endpoint.label() if endpoint else "",
    )


def _ports(inspect: Mapping[str, Any]) -> tuple[PublishedPort, ...]:
    """Published ports: the live bindings when running, else the requested ones."""
    live = _dict(_dict(inspect.get("NetworkSettings")).get("Ports"))
    wanted = _dict(_dict(inspect.get("HostConfig")).get("PortBindings"))
    out: dict[tuple[int, str, str, int], PublishedPort] = {}
    for source, live_ports in ((live, True), (wanted, False)):
        for spec, bindings in source.items():
            number, _, proto = str(spec).partition("/")
            if not number.isdigit() or not isinstance(bindings, list):
                continue
            for binding in bindings:
                b = _dict(binding)
                port = PublishedPort(
                    int(number), proto or "tcp", str(b.get("HostIp") or ""), _int(b.get("HostPort"))
                )
                key = (port.container_port, port.protocol, port.host_ip, port.host_port)
                if not live_ports and any(k[:3] == key[:3] for k in out):
                    continue  # already known with its live host port
                out[key] = port
    return tuple(sorted(out.values(), key=lambda p: (p.container_port, p.protocol, p.host_ip, p.host_port)))


def _health(state: Mapping[str, Any], config: Mapping[str, Any]) -> Health | None:
    health = _dict(state.get("Health"))
    check = _dict(config.get("Healthcheck"))
    if not health and not check:
        return None
    test = _str_tuple(check.get("Test"))
    if test == ("NONE",):
        return None
    probes = tuple(
        HealthProbe(
            str(_dict(p).get("Start") or ""),
            _int(_dict(p).get("ExitCode"), -1),
            str(_dict(p).get("Output") or "").strip(),
        )
        for p in health.get("Log") or []
        if isinstance(p, dict)
    )
    ns = 1e9
    return Health(
        str(health.get("Status") or "starting"),
        _int(health.get("FailingStreak")),
        probes,
        test,
        _int(check.get("Interval")) / ns,
        _int(check.get("Timeout")) / ns,
        _int(check.get("Retries")),
        _int(check.get("StartPeriod")) / ns,
    )


def _platform(image: Mapping[str, Any] | None) -> str:
    if not image:
        return ""
    arch = str(image.get("Architecture") or "")
    variant = str(image.get("Variant") or "")
    return f"{image.get('Os') or 'linux'}/{arch}" + (f"/{variant}" if variant else "") if arch else ""


def container_from_inspect(
    inspect: Mapping[str, Any], engine: Engine | None = None, **gathered: Any
) -> Container:
    """A `Container` from `docker inspect` JSON; `gathered` holds the other facts by field name
    (logs, sockets, connections, memory, events, exec_target, port_holders, image_platform...)."""
    state = _dict(inspect.get("State"))
    config = _dict(inspect.get("Config"))
    host = _dict(inspect.get("HostConfig"))
    restart = _dict(host.get("RestartPolicy"))
    network = _dict(inspect.get("NetworkSettings"))
    env = []
    for item in config.get("Env") or []:
        name, _, value = str(item).partition("=")
        env.append((name, value))
    started, finished = str(state.get("StartedAt") or ""), str(state.get("FinishedAt") or "")
    t0, t1 = _parse_time(started), _parse_time(finished)
    stop_timeout = config.get("StopTimeout")
    return Container(
        id=str(inspect.get("Id") or ""),
        name=str(inspect.get("Name") or "").lstrip("/"),
        image=str(config.get("Image") or inspect.get("Image") or ""),
        image_id=str(inspect.get("Image") or ""),
        created=str(inspect.get("Created") or ""),
        path=str(inspect.get("Path") or ""),
        args=_str_tuple(inspect.get("Args")),
        entrypoint=_str_tuple(config.get("Entrypoint")),
        cmd=_str_tuple(config.get("Cmd")),
        working_dir=str(config.get("WorkingDir") or ""),
        user=str(config.get("User") or ""),
        env=tuple(env),
        labels=tuple(sorted((str(k), str(v)) for k, v in _dict(config.get("Labels")).items())),
        status=str(state.get("Status") or ""),
        running=bool(state.get("Running")),
        restarting=bool(state.get("Restarting")),
        oom_killed=bool(state.get("OOMKilled")),
        pid=_int(state.get("Pid")),
        exit_code=_int(state.get("ExitCode")),
        error=str(state.get("Error") or ""),
        started_at=started,
        finished_at=finished,
        restart_policy=str(restart.get("Name") or "no"),
        restart_max=_int(restart.get("MaximumRetryCount")),
        restart_count=_int(inspect.get("RestartCount")),
        health=_health(state, config),
        ports=_ports(inspect),
        exposed=tuple(sorted(str(k) for k in _dict(config.get("ExposedPorts")))),
        network_mode=str(host.get("NetworkMode") or ""),
        networks=tuple(sorted(str(k) for k in _dict(network.get("Networks")))),
        memory_limit=_int(host.get("Memory")),
        nano_cpus=_int(host.get("NanoCpus")),
        cpu_quota=_int(host.get("CpuQuota")),
        cpu_period=_int(host.get("CpuPeriod")),
        cpuset=str(host.get("CpusetCpus") or ""),
        stop_timeout=_int(stop_timeout) if stop_timeout is not None else None,
        stop_signal=str(config.get("StopSignal") or ""),
        init=bool(host.get("Init")),
        engine=engine or Engine(),
        ran_seconds=max(t1 - t0, 0.0) if t0 is not None and t1 is not None and t1 - t0 > -1 else None,
        **gathered,
    )
