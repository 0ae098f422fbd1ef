"""Containers as `deploycheck containers` sees them: the engine's record of each container
(`docker inspect`), joined with what only a look from the host reveals — the sockets its
network namespace listens on, what a real connection to each published port gets, its memory
use, recent stop and kill events, the entrypoint file inside it — and its log tail.

Facts only: the gatherer (`gatherers/docker_engine/`, `gatherers/netns.py`) builds them, and
a recorded `*.container.json` rebuilds the same objects for tests. Every field the engine may
omit has a neutral default, so a fact from an old engine or a partial record stays usable.
"""

from __future__ import annotations

import signal as _signal
from collections.abc import Sequence
from dataclasses import dataclass, field

from deploycheck.model.links import Deployment
from deploycheck.model.location import Location, Related

LOOPBACK_V4_PREFIX = "127."
WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def signal_name(number: int) -> str:
    try:
        return _signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


@dataclass(frozen=True, slots=True)
class PublishedPort:
    """A container port published on the host (`-p HOST_IP:HOST_PORT:PORT/PROTO`).

    `host_port` is 0 while the container is not running (Docker assigns ephemeral ports at
    start) or when the binding failed."""

    container_port: int
    protocol: str = "tcp"
    host_ip: str = ""
    host_port: int = 0

    def label(self) -> str:
        host = self.host_ip or "0.0.0.0"
        host = f"[{host}]" if ":" in host else host
        mapped = f"{host}:{self.host_port}" if self.host_port else f"{host}:?"
        return f"{mapped}->{self.container_port}/{self.protocol}"

    def spec(self) -> str:
        return f"{self.container_port}/{self.protocol}"


@dataclass(frozen=True, slots=True)
class ListeningSocket:
    """A listening socket in the container's network namespace (from /proc/PID/net/*)."""

    protocol: str  # "tcp" or "udp"
    address: str  # "0.0.0.0", "::", "127.0.0.1", "::1", "172.18.0.3", "::ffff:127.0.0.1"
    port: int

    @property
    def family(self) -> int:
        return 6 if ":" in self.address else 4

    @property
    def loopback(self) -> bool:
        a = self.address
        return a.startswith(LOOPBACK_V4_PREFIX) or a == "::1" or a.startswith("::ffff:127.")

    @property
    def wildcard(self) -> bool:
        return self.address in WILDCARDS

    def label(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}/{self.protocol}"


@dataclass(frozen=True, slots=True)
class SocketTable:
    """Listening sockets of the namespace, and where they were read."""

    sockets: tuple[ListeningSocket, ...]
    source: str  # "/proc/2966/net/tcp, /proc/2966/net/tcp6"

    def on_port(self, port: int, protocol: str = "tcp") -> tuple[ListeningSocket, ...]:
        return tuple(s for s in self.sockets if s.port == port and s.protocol == protocol)

    def reachable_on(self, port: int, protocol: str = "tcp") -> bool:
        """Something listens on `port` on an address other than loopback."""
        return any(not s.loopback for s in self.on_port(port, protocol))

    def ports(self, protocol: str = "tcp") -> tuple[int, ...]:
        return tuple(sorted({s.port for s in self.sockets if s.protocol == protocol}))

    def describe(self, protocol: str = "tcp") -> str:
        found = sorted({s.label() for s in self.sockets if s.protocol == protocol})
        return ", ".join(found) if found else "no listening socket"


@dataclass(frozen=True, slots=True)
class Connection:
    """One real TCP connection from the host to a published port.

    outcome: "refused" (nothing accepted), "reset" (accepted, then reset or closed before any
    byte: Docker's proxy finding nothing behind it), "timeout" (no answer in time: `detail` says
    whether the connect or the read timed out), "answered" (bytes came back: `detail` holds the
    first line), "error" (another socket error, in `detail`)."""

    port: PublishedPort
    target: str  # "127.0.0.1:32768"
    outcome: str
    detail: str = ""
    elapsed_ms: int = 0

    def describe(self) -> str:
        text = {
            "refused": "connection refused",
            "reset": "connection accepted, then reset before any byte",
            "timeout": "no answer in time",
            "answered": "answered",
            "error": "failed",
        }.get(self.outcome, self.outcome)
        return f"{self.target}: {text}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True, slots=True)
class HealthProbe:
    start: str
    exit_code: int
    output: str


@dataclass(frozen=True, slots=True)
class Health:
    status: str  # "starting", "healthy", "unhealthy"
    failing_streak: int = 0
    probes: tuple[HealthProbe, ...] = ()
    test: tuple[str, ...] = ()  # Config.Healthcheck.Test: ("CMD-SHELL", "curl -f ...") or ("CMD", ...)
    interval_s: float = 0.0
    timeout_s: float = 0.0
    retries: int = 0
    start_period_s: float = 0.0

    def command(self) -> str:
        if not self.test:
            return ""
        kind, rest = self.test[0], self.test[1:]
        if kind == "CMD-SHELL":
            return " ".join(rest)
        if kind == "CMD":
            return " ".join(rest)
        return " ".join(self.test)


@dataclass(frozen=True, slots=True)
class MemoryUsage:
    """From the engine's stats: bytes in use (page cache not counted, as `docker stats` does)."""

    usage: int
    limit: int
    max_usage: int = 0


@dataclass(frozen=True, slots=True)
class StopEvent:
    """A `kill`, `stop` or `die` event of the container from the engine's recent event log."""

    time: str
    action: str  # "kill", "stop", "die", "oom"
    signal: int = 0
    exit_code: int | None = None
    at: float = 0.0  # seconds since the epoch


@dataclass(frozen=True, slots=True)
class ExecTarget:
    """The entrypoint program inside the container's filesystem, as read through the engine
    (`GET /containers/ID/archive`): only gathered when the container failed to start it."""

    path: str
    exists: bool
    mode: int = 0
    size: int = 0
    elf_machine: str = ""  # "x86-64", "aarch64", ... ("" when not ELF)
    interpreter: str = ""  # PT_INTERP of a dynamically linked ELF
    interpreter_exists: bool | None = None
    shebang: str = ""  # "#!/bin/sh\r" for a script
    link_target: str = ""

    @property
    def executable(self) -> bool:
        return bool(self.mode & 0o111)


@dataclass(frozen=True, slots=True)
class LogLine:
    number: int
    text: str
    stream: str = ""  # "stdout", "stderr" ("" when unknown)
    time: str = ""


@dataclass(frozen=True, slots=True)
class Engine:
    """The engine the containers run on."""

    version: str = ""
    os: str = "linux"
    arch: str = ""  # Go names: "amd64", "arm64"
    cpus: int = 0
    memory: int = 0
    local: bool = True  # on this machine: its containers' /proc is readable, ports reachable on loopback
    endpoint: str = ""


@dataclass(frozen=True, slots=True)
class Container:
    """One container: the engine's record plus what was gathered around it."""

    id: str
    name: str
    image: str
    image_id: str = ""
    created: str = ""
    path: str = ""  # what the runtime executes (entrypoint[0] or cmd[0])
    args: tuple[str, ...] = ()
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    working_dir: str = ""
    user: str = ""
    env: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    status: str = ""  # created, running, paused, restarting, removing, exited, dead
    running: bool = False
    restarting: bool = False
    oom_killed: bool = False
    pid: int = 0
    exit_code: int = 0
    error: str = ""
    started_at: str = ""
    finished_at: str = ""
    restart_policy: str = "no"
    restart_max: int = 0
    restart_count: int = 0
    health: Health | None = None
    ports: tuple[PublishedPort, ...] = ()
    exposed: tuple[str, ...] = ()  # "8080/tcp"
    network_mode: str = ""
    networks: tuple[str, ...] = ()
    memory_limit: int = 0
    nano_cpus: int = 0
    cpu_quota: int = 0
    cpu_period: int = 0
    cpuset: str = ""
    stop_timeout: int | None = None
    stop_signal: str = ""
    init: bool = False
    image_platform: str = ""  # "linux/arm64" from the image's config
    engine: Engine = field(default_factory=Engine)
    logs: tuple[LogLine, ...] = ()
    logs_truncated: bool = False
    sockets: SocketTable | None = None
    sockets_note: str = ""  # why the socket table is missing
    connections: tuple[Connection, ...] = ()
    memory: MemoryUsage | None = None
    events: tuple[StopEvent, ...] | None = None  # None: the engine's event log was not read
    exec_target: ExecTarget | None = None
    port_holders: tuple[tuple[str, str], ...] = ()  # (host binding "0.0.0.0:8080", container holding it)
    ran_seconds: float | None = None  # FinishedAt - StartedAt of the last run, when both known

    # -- reading the record ------------------------------------------------------------------

    def env_value(self, name: str) -> str | None:
        for key, value in self.env:
            if key == name:
                return value
        return None

    def has_env(self, name: str) -> bool:
        return any(key == name for key, _ in self.env)

    def label_value(self, name: str) -> str:
        for key, value in self.labels:
            if key == name:
                return value
        return ""

    @property
    def compose_project(self) -> str:
        return self.label_value("com.docker.compose.project")

    @property
    def compose_service(self) -> str:
        return self.label_value("com.docker.compose.service")

    @property
    def short_id(self) -> str:
        return self.id[:12]

    @property
    def exited(self) -> bool:
        return self.status in ("exited", "dead")

    @property
    def never_started(self) -> bool:
        return self.status == "created" or (not self.started_at or self.started_at.startswith("0001-"))

    @property
    def shell_form(self) -> bool:
        """PID 1 is `/bin/sh -c "..."`: the shell form of CMD/ENTRYPOINT or a compose string."""
        return (
            self.path in ("/bin/sh", "sh", "/bin/bash", "bash") and bool(self.args) and self.args[0] == "-c"
        )

    def command_line(self) -> str:
        import shlex

        return shlex.join((self.path, *self.args)) if self.path else ""

    @property
    def exit_signal(self) -> int:
        """The signal that ended PID 1 (128 + n exit codes), or 0."""
        return self.exit_code - 128 if 128 < self.exit_code < 160 else 0

    @property
    def cpu_limit(self) -> float:
        """CPUs the container may use (NanoCpus, or quota/period, or the cpuset size); 0: no limit."""
        if self.nano_cpus:
            return self.nano_cpus / 1e9
        if self.cpu_quota > 0 and self.cpu_period > 0:
            return self.cpu_quota / self.cpu_period
        if self.cpuset:
            return float(_cpuset_size(self.cpuset))
        return 0.0

    def published(self) -> tuple[PublishedPort, ...]:
        """Published TCP/UDP ports, one per container port and host binding."""
        return self.ports

    # -- locations and evidence ---------------------------------------------------------------

    def location(self, *extra: tuple[str, str]) -> Location:
        keys: list[tuple[str, str]] = [("container", self.name)]
        if self.image:
            keys.append(("image", self.image))
        keys.extend(extra)
        return Location(extra=tuple(keys))

    def at(self, *extra: tuple[str, str]) -> Location:
        """Where evidence about this container points (no image key: the finding names it)."""
        return Location(extra=(("container", self.name), *extra))

    def log_location(self, line: int) -> Location:
        return Location(extra=(("container", self.name), ("log_line", str(line))))

    def log_evidence(self, lines: tuple[LogLine, ...], what: str = "log") -> tuple[Related, ...]:
        return tuple(Related(self.log_location(ln.number), f"{what}: {ln.text}") for ln in lines)

    def evidence(self, name: str, value: object) -> Related:
        """An inspect field as evidence: `State.OOMKilled=true`."""
        text = str(value).lower() if isinstance(value, bool) else str(value)
        return Related(Location(extra=(("container", self.name),)), f"{name}={text}")


def _cpuset_size(spec: str) -> int:
    total = 0
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        try:
            total += (int(high) - int(low) + 1) if high else 1
        except ValueError:
            return 0
    return total


@dataclass(frozen=True, slots=True)
class ContainerDeployment:
    """A container joined with the deployment files that describe it (`--project PATH`)."""

    container: Container
    deployment: Deployment
    project_root: str = ""


def _norm(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _image_base(image: str) -> str:
    repo = image.split("@", 1)[0]
    last = repo.rpartition("/")[2]
    return last.partition(":")[0]


def _matches(c: Container, dep: Deployment) -> bool:
    if dep.kind == "compose":
        if c.compose_service:
            return c.compose_service == dep.name
        svc = dep.service
        return bool(
            svc is not None
            and (
                svc.container_name == c.name or (svc.image and _image_base(svc.image) == _image_base(c.image))
            )
        )
    if dep.kind == "docker":
        folder = dep.context.rstrip("/").rpartition("/")[2] or dep.context
        wanted = {_norm(folder)} if folder and folder != "." else set()
        return bool(wanted) and (_norm(_image_base(c.image)) in wanted or _norm(c.name) in wanted)
    return False


def join(
    containers: Sequence[Container], deployments: Sequence[Deployment], root: str = ""
) -> tuple[ContainerDeployment, ...]:
    """Each container with the deployment that describes it: a compose service by the compose
    labels (or container_name, or image), a lone Dockerfile by its folder's name; when the
    project has a single deployment and nothing else matched, that one."""
    out: list[ContainerDeployment] = []
    candidates = [d for d in deployments if d.kind in ("compose", "docker")]
    for c in containers:
        found = next((d for d in candidates if _matches(c, d)), None)
        if found is None and len(candidates) == 1 and not c.compose_service:
            found = candidates[0]
        if found is not None:
            out.append(ContainerDeployment(c, found, root))
    return tuple(out)


__all__ = [
    "Connection",
    "Container",
    "ContainerDeployment",
    "Engine",
    "ExecTarget",
    "Health",
    "HealthProbe",
    "ListeningSocket",
    "LogLine",
    "MemoryUsage",
    "PublishedPort",
    "SocketTable",
    "StopEvent",
    "join",
    "signal_name",
]
