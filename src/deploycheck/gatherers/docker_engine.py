"""The Docker Engine API, spoken directly (HTTP/1.1 over the Unix socket or TCP, with
`http.client`): no SDK to install, one connection per request so threads never share one,
bounded reads everywhere. The engine is found as the docker CLI finds it: `DOCKER_HOST`
(`unix://`, `tcp://`, with `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`), else the current docker
context (`DOCKER_CONTEXT` or `currentContext` in ~/.docker/config.json), else
/var/run/docker.sock.

`gather` turns the engine's containers into `Container` facts: inspect, a bounded log tail,
memory stats, the image's platform, recent kill/stop/die events, the socket table and real
connections (`netns.py`) and, for containers that could not start their entrypoint, the
entrypoint file itself. Containers are gathered concurrently. The functions that build facts
from the engine's JSON are pure and shared with the recorded facts of the tests
(`facts_from_record`), so recorded and live paths are the same code.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import io
import json
import os
import posixpath
import re
import socket
import ssl
import struct
import tarfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from deploycheck.gatherers import netns
from deploycheck.model.containers import (
    Connection,
    Container,
    Engine,
    ExecTarget,
    Health,
    HealthProbe,
    LogLine,
    MemoryUsage,
    PublishedPort,
    StopEvent,
)
from deploycheck.model.logs import LogScan, LogScanner, LogSource

DEFAULT_SOCKET = "/var/run/docker.sock"
LOG_TAIL = 500  # lines of each container's log
LOG_BYTES = 2 << 20  # at most this much log per container
LINE_BYTES = 4096
RECORD_VERSION = 1
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
_SECRET_NAME = re.compile(r"PASS|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH", re.I)


class EngineError(Exception):
    """No engine, or the engine refused a request: one line for the user."""


# -- finding the engine ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Endpoint:
    scheme: str  # "unix", "tcp", "https"
    address: str  # socket path, or "host:port"
    source: str  # how it was found, for messages: "DOCKER_HOST", "context 'colima'", "default socket"
    ca: str = ""
    cert: str = ""
    key: str = ""
    verify: bool = True

    @property
    def local(self) -> bool:
        """Whether the engine runs on this machine (its /proc and loopback ports are ours)."""
        if self.scheme == "unix":
            return True
        host = self.address.rsplit(":", 1)[0].strip("[]")
        return host in ("127.0.0.1", "localhost", "::1")

    def label(self) -> str:
        return f"{self.scheme}://{self.address}"


def _parse_host(host: str, source: str, cert_path: str = "", verify: bool = False) -> Endpoint:
    if host.startswith("unix://"):
        return Endpoint("unix", host[len("unix://") :] or DEFAULT_SOCKET, source)
    if host.startswith(("tcp://", "https://", "http://")):
        parts = urlsplit(host)
        port = parts.port or (2376 if verify or parts.scheme == "https" else 2375)
        address = f"{parts.hostname}:{port}"
        if verify or parts.scheme == "https":
            folder = cert_path or os.path.join(os.path.expanduser("~"), ".docker")
            return Endpoint(
                "https",
                address,
                source,
                os.path.join(folder, "ca.pem"),
                os.path.join(folder, "cert.pem"),
                os.path.join(folder, "key.pem"),
                verify=True,
            )
        return Endpoint("tcp", address, source)
    if host.startswith("ssh://"):
        raise EngineError(
            f"{source} is {host}: ssh:// engines are not supported; forward the socket "
            "(ssh -L /tmp/docker.sock:/var/run/docker.sock HOST) and set "
            "DOCKER_HOST=unix:///tmp/docker.sock"
        )
    if host.startswith("npipe://"):
        raise EngineError(f"{source} is {host}: Windows named pipes are not supported")
    if host.startswith("/"):
        return Endpoint("unix", host, source)
    raise EngineError(f"{source}={host!r} is not a Docker host (unix:///path or tcp://host:port)")


def _context_endpoint(name: str, config_dir: str) -> Endpoint | None:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = os.path.join(config_dir, "contexts", "meta", digest, "meta.json")
    try:
        with open(meta, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        raise EngineError(f"docker context {name!r} has no readable metadata ({meta})") from None
    docker = (data.get("Endpoints") or {}).get("docker") or {}
    host = docker.get("Host")
    if not isinstance(host, str) or not host:
        return None
    tls_dir = os.path.join(config_dir, "contexts", "tls", digest, "docker")
    endpoint = _parse_host(
        host,
        f"docker context {name!r}",
        tls_dir if os.path.isdir(tls_dir) else "",
        verify=os.path.isdir(tls_dir),
    )
    if endpoint.scheme == "https" and docker.get("SkipTLSVerify"):
        endpoint = replace(endpoint, verify=False)
    return endpoint


def find_endpoint(environ: Mapping[str, str], home: str | None = None) -> Endpoint:
    """The engine the docker CLI would use, with the same precedence."""
    host = environ.get("DOCKER_HOST", "")
    if host:
        return _parse_host(
            host,
            "DOCKER_HOST",
            environ.get("DOCKER_CERT_PATH", ""),
            verify=environ.get("DOCKER_TLS_VERIFY", "") not in ("", "0"),
        )
    config_dir = environ.get("DOCKER_CONFIG") or os.path.join(home or os.path.expanduser("~"), ".docker")
    context = environ.get("DOCKER_CONTEXT", "")
    if not context:
        try:
            with open(os.path.join(config_dir, "config.json"), encoding="utf-8") as fh:
                context = str(json.load(fh).get("currentContext") or "")
        except (OSError, ValueError, AttributeError):
            context = ""
    if context and context != "default":
        found = _context_endpoint(context, config_dir)
        if found is not None:
            return found
    if os.path.exists(DEFAULT_SOCKET):
        return Endpoint("unix", DEFAULT_SOCKET, "the default socket")
    raise EngineError(
        f"no Docker engine: DOCKER_HOST is not set, no docker context is selected and "
        f"{DEFAULT_SOCKET} does not exist (start the engine, or set DOCKER_HOST)"
    )


# -- HTTP --------------------------------------------------------------------------------------


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


class EngineClient:
    """Requests to one engine. Thread-safe: each request opens its own connection."""

    def __init__(self, endpoint: Endpoint, timeout: float = 15.0) -> None:
        self.endpoint = endpoint
        self.timeout = timeout

    def _connection(self, timeout: float | None = None) -> http.client.HTTPConnection:
        t = self.timeout if timeout is None else timeout
        ep = self.endpoint
        if ep.scheme == "unix":
            return _UnixConnection(ep.address, t)
        host, _, port = ep.address.rpartition(":")
        if ep.scheme == "https":
            context = ssl.create_default_context(cafile=ep.ca if ep.ca and os.path.exists(ep.ca) else None)
            if ep.cert and os.path.exists(ep.cert):
                context.load_cert_chain(ep.cert, ep.key or None)
            if not ep.verify:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(host.strip("[]"), int(port), timeout=t, context=context)
        return http.client.HTTPConnection(host.strip("[]"), int(port), timeout=t)

    def request(
        self,
        method: str,
        path: str,
        query: Mapping[str, object] | None = None,
        limit: int = 64 << 20,
        timeout: float | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request; the body is read up to `limit` bytes (the connection is then dropped)."""
        url = path + ("?" + urlencode({k: v for k, v in query.items() if v is not None}) if query else "")
        conn = self._connection(timeout)
        try:
            conn.request(method, url, headers={"Host": "docker", "User-Agent": "deploycheck"})
            resp = conn.getresponse()
            headers = {k.lower(): v for k, v in resp.getheaders()}
            body = b"" if method == "HEAD" else resp.read(limit)
            return resp.status, headers, body
        except (OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise EngineError(
                f"the Docker engine at {self.endpoint.label()} ({self.endpoint.source}) "
                f"does not answer: {reason}"
            ) from None
        finally:
            conn.close()

    def get_json(
        self,
        path: str,
        query: Mapping[str, object] | None = None,
        *,
        missing_ok: bool = False,
        timeout: float | None = None,
    ) -> Any:
        status, _, body = self.request("GET", path, query, timeout=timeout)
        if status == 404 and missing_ok:
            return None
        if status >= 400:
            raise EngineError(_engine_message(status, body))
        try:
            return json.loads(body or b"null")
        except ValueError:
            raise EngineError(f"the engine answered {path} with something that is not JSON") from None


def _engine_message(status: int, body: bytes) -> str:
    try:
        message = json.loads(body).get("message", "")
    except (ValueError, AttributeError):
        message = body[:200].decode("utf-8", "replace")
    return f"the Docker engine refused the request ({status}): {message}"


# -- pure builders: engine JSON -> facts ----------------------------------------------------------


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


def parse_log_stream(data: bytes, tty: bool) -> list[tuple[str, str, str]]:
    """(stream, time, text) per line of a /logs body (multiplexed frames unless the container has
    a TTY), timestamps (`timestamps=1`) split off, lines cut at LINE_BYTES."""
    chunks: list[tuple[str, bytes]] = []
    if tty:
        chunks.append(("stdout", data))
    else:
        pos = 0
        while pos + 8 <= len(data):
            kind, size = data[pos], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
            chunks.append(({1: "stdout", 2: "stderr"}.get(kind, ""), data[pos + 8 : pos + 8 + size]))
            pos += 8 + size
        if pos < len(data) and not chunks:
            chunks.append(("", data))  # not multiplexed after all
    lines: list[tuple[str, str, str]] = []
    partial: dict[str, bytes] = {}
    for stream, chunk in chunks:
        buf = partial.pop(stream, b"") + chunk
        *complete, rest = buf.split(b"\n")
        for raw in complete:
            lines.append(_log_line(stream, raw))
        if rest:
            partial[stream] = rest
    for stream, rest in partial.items():
        lines.append(_log_line(stream, rest))
    return lines


def _log_line(stream: str, raw: bytes) -> tuple[str, str, str]:
    text = raw[:LINE_BYTES].decode("utf-8", "replace").rstrip("\r")
    stamp, sep, rest = text.partition(" ")
    if sep and re.match(r"\d{4}-\d\d-\d\dT", stamp):
        return stream, stamp, rest
    return stream, "", text


def log_lines(items: Iterable[object]) -> tuple[LogLine, ...]:
    """LogLines from recorded entries: plain strings, or {"text", "stream", "time"} objects."""
    out = []
    for index, item in enumerate(items, 1):
        if isinstance(item, dict):
            out.append(
                LogLine(
                    index, str(item.get("text", "")), str(item.get("stream", "")), str(item.get("time", ""))
                )
            )
        else:
            out.append(LogLine(index, str(item)))
    return tuple(out)


def memory_from_stats(stats: Mapping[str, Any] | None) -> MemoryUsage | None:
    """Memory in use as `docker stats` counts it: usage minus inactive page cache."""
    mem = _dict((stats or {}).get("memory_stats"))
    if "usage" not in mem:
        return None
    detail = _dict(mem.get("stats"))
    cache = _int(detail.get("total_inactive_file", detail.get("inactive_file", 0)))
    usage = max(_int(mem.get("usage")) - cache, 0)
    return MemoryUsage(usage, _int(mem.get("limit")), _int(mem.get("max_usage")))


def events_for(container_id: str, events: Iterable[Mapping[str, Any]]) -> tuple[StopEvent, ...]:
    """The container's kill/stop/die/oom events (IDs may be abbreviated in records)."""
    out = []
    for event in events:
        actor = _dict(event.get("Actor"))
        event_id = str(actor.get("ID") or event.get("id") or "")
        if not event_id or not (container_id.startswith(event_id) or event_id.startswith(container_id)):
            continue
        attributes = _dict(actor.get("Attributes"))
        nano = _int(event.get("timeNano")) or _int(event.get("time")) * 1_000_000_000
        stamp = ""
        if nano:
            moment = datetime.fromtimestamp(nano / 1e9, tz=UTC)
            stamp = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        code = attributes.get("exitCode")
        out.append(
            StopEvent(
                stamp,
                str(event.get("Action") or event.get("status") or ""),
                _int(attributes.get("signal")),
                _int(code) if code is not None else None,
                nano / 1e9,
            )
        )
    return tuple(out)


def connections_from_record(items: Iterable[Mapping[str, Any]]) -> tuple[Connection, ...]:
    out = []
    for item in items:
        number, _, proto = str(item.get("port", "")).partition("/")
        port = PublishedPort(
            _int(number), proto or "tcp", str(item.get("host_ip", "")), _int(item.get("host_port"))
        )
        out.append(
            Connection(
                port,
                str(item.get("target", "")),
                str(item.get("outcome", "")),
                str(item.get("detail", "")),
                _int(item.get("elapsed_ms")),
            )
        )
    return tuple(out)


def exec_target_from_record(item: Mapping[str, Any] | None) -> ExecTarget | None:
    if not item:
        return None
    exists = item.get("interpreter_exists")
    return ExecTarget(
        str(item.get("path", "")),
        bool(item.get("exists")),
        _int(item.get("mode")),
        _int(item.get("size")),
        str(item.get("elf_machine", "")),
        str(item.get("interpreter", "")),
        None if exists is None else bool(exists),
        str(item.get("shebang", "")),
        str(item.get("link_target", "")),
    )


def facts_from_record(text: str, scanner: LogScanner | None = None) -> list[object]:
    """The facts of one recorded container (`*.container.json`): the container, and the scan of
    its log tail when a scanner is given. Raises ValueError on a record that is not one."""
    record = json.loads(text)
    if not isinstance(record, dict) or not isinstance(record.get("inspect"), dict):
        raise ValueError("not a container record: no 'inspect' object")
    engine_data = _dict(record.get("engine"))
    engine = Engine(
        str(engine_data.get("version", "")),
        str(engine_data.get("os", "linux")),
        str(engine_data.get("arch", "amd64")),
        _int(engine_data.get("cpus")),
        _int(engine_data.get("memory")),
        bool(engine_data.get("local", True)),
    )
    sockets = None
    proc = record.get("proc_net")
    if isinstance(proc, dict):
        sockets = netns.socket_table(
            {str(k): str(v) for k, v in proc.items()}, str(record.get("proc_net_source", "/proc/PID/net"))
        )
    events = record.get("events")
    inspect = record["inspect"]
    container = container_from_inspect(
        inspect,
        engine,
        logs=log_lines(record.get("logs") or []),
        logs_truncated=bool(record.get("logs_truncated")),
        sockets=sockets,
        sockets_note=str(record.get("sockets_note", "")),
        connections=connections_from_record(record.get("connections") or []),
        memory=memory_from_stats(record.get("stats")),
        events=events_for(str(inspect.get("Id", "")), events) if isinstance(events, list) else None,
        exec_target=exec_target_from_record(record.get("exec_target")),
        port_holders=tuple((str(a), str(b)) for a, b in record.get("port_holders") or []),
        image_platform=_platform(record.get("image")),
    )
    facts: list[object] = [container]
    if scanner is not None:
        facts.append(scan_logs(container, scanner))
    return facts


def scan_logs(container: Container, scanner: LogScanner) -> LogScan:
    return scanner.scan_lines(LogSource(container=container.name), [ln.text for ln in container.logs])


# -- gathering -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Selection:
    names: tuple[str, ...] = ()
    include_all: bool = False
    compose_project: str = ""
    working_dirs: tuple[str, ...] = ()  # compose projects whose files live in these folders...
    project_names: tuple[str, ...] = ()  # ...or that bear these names
    tail: int = LOG_TAIL


@dataclass(slots=True)
class Raw:
    """What was read about one container, kept for `--save-facts`."""

    inspect: dict[str, Any]
    image: dict[str, Any] | None = None
    logs: list[dict[str, str]] = field(default_factory=list)
    logs_truncated: bool = False
    proc_net: dict[str, str] | None = None
    proc_net_source: str = ""
    sockets_note: str = ""
    connections: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Any] | None = None
    events: list[dict[str, Any]] | None = None
    exec_target: dict[str, Any] | None = None
    port_holders: list[list[str]] = field(default_factory=list)

    def record(self, engine: Engine, redact: bool = True) -> dict[str, Any]:
        inspect = json.loads(json.dumps(self.inspect))
        if redact:
            config = inspect.get("Config") or {}
            config["Env"] = [_redact(item) for item in config.get("Env") or []]
        return {
            "deploycheck_record": RECORD_VERSION,
            "engine": {
                "version": engine.version,
                "os": engine.os,
                "arch": engine.arch,
                "cpus": engine.cpus,
                "memory": engine.memory,
                "local": engine.local,
            },
            "inspect": inspect,
            "image": self.image,
            "logs": self.logs,
            "logs_truncated": self.logs_truncated,
            "proc_net": self.proc_net,
            "proc_net_source": self.proc_net_source,
            "sockets_note": self.sockets_note,
            "connections": self.connections,
            "stats": self.stats,
            "events": self.events,
            "exec_target": self.exec_target,
            "port_holders": self.port_holders,
        }


def _redact(item: str) -> str:
    name, sep, value = item.partition("=")
    return f"{name}=<redacted>" if sep and value and _SECRET_NAME.search(name) else item


@dataclass(frozen=True, slots=True)
class Gathered:
    engine: Engine
    containers: tuple[Container, ...]
    raws: tuple[Raw, ...]
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


def _healthy_running(summary: Mapping[str, Any]) -> bool:
    return summary.get("State") == "running" and "(healthy)" in str(summary.get("Status") or "")


def select(client: EngineClient, selection: Selection) -> list[str]:
    """IDs of the containers to diagnose, in the engine's order."""
    if selection.names:
        ids = []
        for name in selection.names:
            found = client.get_json(f"/containers/{quote(name, safe='')}/json", missing_ok=True)
            if found is None:
                raise EngineError(f"no such container: {name}")
            ids.append(str(found["Id"]))
        return list(dict.fromkeys(ids))
    filters: dict[str, list[str]] = {}
    if selection.compose_project:
        filters["label"] = [f"com.docker.compose.project={selection.compose_project}"]
    query: dict[str, object] = {"all": 1}
    if filters:
        query["filters"] = json.dumps(filters)
    listed = client.get_json("/containers/json", query) or []
    out = []
    for summary in listed:
        labels = _dict(summary.get("Labels"))
        if (selection.working_dirs or selection.project_names) and not selection.compose_project:
            where = str(labels.get("com.docker.compose.project.working_dir") or "")
            dirs = {os.path.realpath(d) for d in selection.working_dirs}
            if (
                not (where and os.path.realpath(where) in dirs)
                and labels.get("com.docker.compose.project") not in selection.project_names
            ):
                continue
        if not selection.include_all and _healthy_running(summary):
            continue
        out.append(str(summary.get("Id")))
    return out


def _exec_failed(inspect: Mapping[str, Any], logs: Sequence[Mapping[str, str]]) -> bool:
    state = _dict(inspect.get("State"))
    if state.get("Running"):
        return False
    text = str(state.get("Error") or "") + "\n" + "\n".join(item.get("text", "") for item in logs[-5:])
    return bool(
        re.search(
            r"exec[: ].*(no such file or directory|exec format error|permission denied)"
            r"|exec user process caused",
            text,
        )
    )


def _path_stat(client: EngineClient, cid: str, path: str) -> dict[str, Any] | None:
    status, headers, _ = client.request("HEAD", f"/containers/{cid}/archive", {"path": path})
    if status != 200:
        return None
    try:
        return _dict(json.loads(base64.b64decode(headers.get("x-docker-container-path-stat", ""))))
    except (ValueError, TypeError):
        return {}


def _file_head(client: EngineClient, cid: str, path: str, size: int = 64 << 10) -> bytes:
    status, _, body = client.request("GET", f"/containers/{cid}/archive", {"path": path}, limit=size + 1024)
    if status != 200:
        return b""
    try:
        with tarfile.open(fileobj=io.BytesIO(body), mode="r|") as tar:
            for member in tar:
                if member.isfile():
                    handle = tar.extractfile(member)
                    return handle.read(size) if handle else b""
    except (tarfile.TarError, EOFError, OSError):
        # The body is cut after `size` bytes: read what the truncated member holds.
        if len(body) > 512:
            return body[512 : 512 + size]
    return b""


def probe_exec_target(client: EngineClient, inspect: Mapping[str, Any]) -> dict[str, Any] | None:
    """Stat and read the head of the entrypoint inside the container's filesystem."""
    cid = str(inspect.get("Id") or "")
    path = str(inspect.get("Path") or "")
    if not path or not cid:
        return None
    config = _dict(inspect.get("Config"))
    candidates = [path]
    if "/" not in path:
        env_path = next(
            (str(e)[5:] for e in config.get("Env") or [] if str(e).startswith("PATH=")),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )
        candidates = [posixpath.join(d, path) for d in env_path.split(":") if d]
    elif not path.startswith("/"):
        candidates = [posixpath.normpath(posixpath.join(str(config.get("WorkingDir") or "/"), path))]
    for candidate in candidates:
        stat = _path_stat(client, cid, candidate)
        if stat is None:
            continue
        target = candidate
        link = str(stat.get("linkTarget") or "")
        if link:
            target = (
                link
                if link.startswith("/")
                else posixpath.normpath(posixpath.join(posixpath.dirname(candidate), link))
            )
            stat = _path_stat(client, cid, target) or stat
        out: dict[str, Any] = {
            "path": candidate,
            "exists": True,
            "mode": _int(stat.get("mode")) & 0o7777,
            "size": _int(stat.get("size")),
            "link_target": link,
        }
        head = _file_head(client, cid, target)
        if head.startswith(b"#!"):
            out["shebang"] = head.split(b"\n", 1)[0].decode("utf-8", "replace")
            interp = out["shebang"][2:].strip().split(" ")[0]
            if interp:
                out["interpreter"] = interp
                out["interpreter_exists"] = _path_stat(
                    client, cid, interp.rstrip("\r")
                ) is not None and not interp.endswith("\r")
        elif head.startswith(b"\x7fELF"):
            try:
                from deploycheck.gatherers import elf

                info = elf.parse(head, _int(stat.get("size")) or len(head))
            except Exception:  # another module's parser: never let it break the diagnosis
                info = None
            if info is not None:
                out["elf_machine"] = info.arch
                if info.interp:
                    out["interpreter"] = info.interp
                    out["interpreter_exists"] = _path_stat(client, cid, info.interp) is not None
        return out
    return {"path": path, "exists": False}


def _holders(inspect: Mapping[str, Any], listing: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Which running containers hold the host port this one failed to bind."""
    error = str(_dict(inspect.get("State")).get("Error") or "")
    match = re.search(
        r"Bind for (\S+?):(\d+) failed|listen tcp[46]? (\S*?):(\d+): bind: address already in use", error
    )
    if not match:
        return []
    ip = match.group(1) if match.group(1) is not None else match.group(3)
    port = _int(match.group(2) or match.group(4))
    out = []
    for summary in listing:
        if summary.get("Id") == inspect.get("Id"):
            continue
        for binding in summary.get("Ports") or []:
            b = _dict(binding)
            if _int(b.get("PublicPort")) == port and str(b.get("IP") or "") in (ip, "0.0.0.0", "::", ""):
                name = (summary.get("Names") or ["?"])[0].lstrip("/")
                out.append([f"{ip}:{port}", name])
                break
    return out


def gather_one(
    client: EngineClient,
    cid: str,
    engine: Engine,
    tail: int,
    images: dict[str, dict[str, Any] | None],
    listing: Callable[[], list[dict[str, Any]]],
) -> Raw | None:
    inspect = client.get_json(f"/containers/{cid}/json", missing_ok=True)
    if inspect is None:
        return None  # removed meanwhile
    raw = Raw(inspect)
    state = _dict(inspect.get("State"))
    config = _dict(inspect.get("Config"))
    status, _, body = client.request(
        "GET",
        f"/containers/{cid}/logs",
        {"stdout": 1, "stderr": 1, "tail": tail, "timestamps": 1},
        limit=LOG_BYTES,
    )
    if status == 200:
        lines = parse_log_stream(body, bool(config.get("Tty")))
        raw.logs = [{"stream": s, "time": t, "text": x} for s, t, x in lines]
        raw.logs_truncated = len(body) >= LOG_BYTES
    image_id = str(inspect.get("Image") or "")
    if image_id and image_id not in images:
        found = client.get_json(f"/images/{quote(image_id, safe='')}/json", missing_ok=True)
        images[image_id] = {k: found.get(k) for k in ("Os", "Architecture", "Variant")} if found else None
    raw.image = images.get(image_id)
    running = bool(state.get("Running")) and not state.get("Restarting")
    if running:
        raw.stats = client.get_json(
            f"/containers/{cid}/stats", {"stream": "false", "one-shot": "true"}, missing_ok=True, timeout=10
        )
        if engine.local:
            tables, source, note = netns.read_proc_tables(_int(state.get("Pid")), cid)
            if tables:
                raw.proc_net, raw.proc_net_source = tables, source
            raw.sockets_note = note
            ports = container_from_inspect(inspect).ports
            for conn in netns.connect_all(ports):
                raw.connections.append(
                    {
                        "port": conn.port.spec(),
                        "host_ip": conn.port.host_ip,
                        "host_port": conn.port.host_port,
                        "target": conn.target,
                        "outcome": conn.outcome,
                        "detail": conn.detail,
                        "elapsed_ms": conn.elapsed_ms,
                    }
                )
        else:
            raw.sockets_note = f"the engine is remote ({engine.endpoint}): sockets and ports not checked"
    else:
        raw.sockets_note = "the container is not running"
    if _exec_failed(inspect, raw.logs):
        raw.exec_target = probe_exec_target(client, inspect)
    if "already allocated" in str(state.get("Error") or "") or "address already in use" in str(
        state.get("Error") or ""
    ):
        raw.port_holders = _holders(inspect, listing())
    return raw


def _events(client: EngineClient, raws: Sequence[Raw]) -> list[dict[str, Any]] | None:
    starts = [_parse_time(str(_dict(r.inspect.get("State")).get("StartedAt") or "")) for r in raws]
    known = [s for s in starts if s is not None]
    since = int(min(known)) - 1 if known else int(time.time()) - 3600
    filters = {
        "type": ["container"],
        "event": ["kill", "stop", "die", "oom"],
        "container": [str(r.inspect.get("Id")) for r in raws],
    }
    try:
        status, _, body = client.request(
            "GET",
            "/events",
            {"since": since, "until": int(time.time()) + 1, "filters": json.dumps(filters)},
            limit=4 << 20,
            timeout=10,
        )
    except EngineError:
        return None
    if status != 200:
        return None
    out = []
    for line in body.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict):
            out.append(item)
    return out


def gather(
    client: EngineClient,
    selection: Selection,
    jobs: int = 16,
    progress: Callable[[str, int, int], None] | None = None,
) -> Gathered:
    """Every selected container, gathered concurrently."""
    started = time.perf_counter()
    info = client.get_json("/info")
    engine = engine_from_info(info or {}, client.endpoint)
    ids = select(client, selection)
    images: dict[str, dict[str, Any] | None] = {}
    listing_cache: list[list[dict[str, Any]]] = []

    def listing() -> list[dict[str, Any]]:
        if not listing_cache:
            listing_cache.append(client.get_json("/containers/json") or [])
        return listing_cache[0]

    raws: list[Raw] = []
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(ids) or 1))) as pool:
        futures = [
            pool.submit(gather_one, client, cid, engine, selection.tail, images, listing) for cid in ids
        ]
        for future in futures:
            raw = future.result()
            done += 1
            if progress is not None:
                progress("containers", done, len(ids))
            if raw is not None:
                raws.append(raw)
    notes: list[str] = []
    events = _events(client, raws) if raws else None
    if events is None and raws:
        notes.append("the engine's event log could not be read: stop and kill events are unknown")
    for raw in raws:
        raw.events = (
            [e for e in events if (_dict(e.get("Actor")).get("ID") or e.get("id")) == raw.inspect.get("Id")]
            if events is not None
            else None
        )
    built = [facts_from_record(json.dumps(raw.record(engine, redact=False)))[0] for raw in raws]
    containers = tuple(replace(c, engine=engine) for c in built if isinstance(c, Container))
    return Gathered(engine, containers, tuple(raws), tuple(notes), time.perf_counter() - started)


def iter_records(gathered: Gathered) -> Iterator[tuple[str, dict[str, Any]]]:
    """(file name, record) per container, secrets in the environment redacted."""
    for raw in gathered.raws:
        name = str(raw.inspect.get("Name") or raw.inspect.get("Id") or "container").lstrip("/")
        yield f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.container.json", raw.record(gathered.engine)


__all__ = [
    "Endpoint",
    "EngineClient",
    "EngineError",
    "Gathered",
    "Selection",
    "container_from_inspect",
    "facts_from_record",
    "find_endpoint",
    "gather",
    "parse_log_stream",
]
