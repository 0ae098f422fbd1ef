"""One container of a pod template, and the records it is made of.

`Container` holds a container (or init container) as written: its image (`split_image` splits a
reference into repository, tag and digest), `command`/`args` (`Argv`), ports (`ContainerPort`),
environment (`EnvVar` with `EnvRef` for `valueFrom`, `EnvFrom` for `envFrom`), `Resources`,
readiness/liveness/startup probes (`Probe`), volume mounts and its `SecurityContext`, already
merged with the pod's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from deploycheck.model.kubernetes.objects import Labels
from deploycheck.model.kubernetes.quantities import Resources
from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class Argv:
    """`command` or `args`: the words, and where the list starts (each word's position too)."""

    values: tuple[str, ...]
    pos: Position
    positions: tuple[Position, ...] = ()


@dataclass(frozen=True, slots=True)
class ContainerPort:
    name: str | None
    container_port: int | None
    protocol: str
    pos: Position
    host_port: int | None = None


class RefKind(enum.Enum):
    SECRET_KEY = "secretKeyRef"
    CONFIG_MAP_KEY = "configMapKeyRef"
    FIELD = "fieldRef"
    RESOURCE_FIELD = "resourceFieldRef"


@dataclass(frozen=True, slots=True)
class EnvRef:
    """`valueFrom`: `name`/`key` for ConfigMap and Secret refs, `field_path` or `resource` else."""

    kind: RefKind
    pos: Position  # the `configMapKeyRef:`/`secretKeyRef:`/... key
    name: str | None = None
    key: str | None = None
    optional: bool = False
    field_path: str | None = None
    resource: str | None = None
    container_name: str | None = None


@dataclass(frozen=True, slots=True)
class EnvVar:
    """One `env` entry: a literal `value` (None when unset), or a `value_from` reference."""

    name: str
    value: str | None
    pos: Position
    value_from: EnvRef | None = None


class EnvFromKind(enum.Enum):
    CONFIG_MAP = "configMapRef"
    SECRET = "secretRef"


@dataclass(frozen=True, slots=True)
class EnvFrom:
    kind: EnvFromKind
    name: str | None
    pos: Position
    prefix: str = ""
    optional: bool = False


class ProbeKind(enum.Enum):
    READINESS = "readiness"
    LIVENESS = "liveness"
    STARTUP = "startup"


class ProbeHandler(enum.Enum):
    HTTP = "http"
    TCP = "tcp"
    EXEC = "exec"
    GRPC = "grpc"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Probe:
    """A readiness, liveness or startup probe. Unset timings are None (Kubernetes defaults:
    period 10 s, timeout 1 s, failureThreshold 3, successThreshold 1, initial delay 0)."""

    kind: ProbeKind
    handler: ProbeHandler
    pos: Position  # the `readinessProbe:`/`livenessProbe:`/`startupProbe:` key
    port: int | str | None = None
    port_pos: Position | None = None
    path: str | None = None
    path_pos: Position | None = None
    scheme: str = "HTTP"
    host: str | None = None
    host_header: str | None = None
    headers: Labels = ()
    command: tuple[str, ...] = ()
    grpc_service: str | None = None
    initial_delay_seconds: int | None = None
    period_seconds: int | None = None
    timeout_seconds: int | None = None
    failure_threshold: int | None = None
    success_threshold: int | None = None

    @property
    def field(self) -> str:
        """The manifest key: `readinessProbe`, `livenessProbe` or `startupProbe`."""
        return f"{self.kind.value}Probe"

    def same_check(self, other: Probe) -> bool:
        """Whether both probes ask the same question (handler, port, path, command)."""
        return (self.handler, self.port, self.path, self.scheme, self.command, self.grpc_service) == (
            other.handler, other.port, other.path, other.scheme, other.command, other.grpc_service)


@dataclass(frozen=True, slots=True)
class SecurityContext:
    """Effective security settings of a container: the pod's values overridden by its own.

    `*_pos` give where a value was set (pod or container level), for messages.
    """

    run_as_non_root: bool | None = None
    run_as_non_root_pos: Position | None = None
    run_as_user: int | None = None
    run_as_user_pos: Position | None = None
    run_as_group: int | None = None
    privileged: bool | None = None
    allow_privilege_escalation: bool | None = None
    read_only_root_fs: bool | None = None
    capabilities_add: tuple[str, ...] = ()
    capabilities_drop: tuple[str, ...] = ()
    capabilities_pos: Position | None = None
    pos: Position | None = None

    @property
    def drops_all(self) -> bool:
        return any(c.upper() in ("ALL", "CAP_ALL") for c in self.capabilities_drop)

    def has_capability_added(self, name: str) -> bool:
        wanted = name.upper().removeprefix("CAP_")
        return any(c.upper().removeprefix("CAP_") in (wanted, "ALL") for c in self.capabilities_add)

    def non_root(self) -> bool:
        """True when the settings force a non-root user (runAsNonRoot, or a non-zero runAsUser)."""
        if self.run_as_user is not None:
            return self.run_as_user != 0
        return self.run_as_non_root is True


@dataclass(frozen=True, slots=True)
class VolumeMount:
    name: str
    mount_path: str
    pos: Position
    sub_path: str | None = None
    read_only: bool = False


@dataclass(frozen=True, slots=True)
class Container:
    """One container (or init container) of a pod template, with its merged security context."""

    name: str
    image: str | None
    pos: Position
    image_pos: Position | None = None
    ports: tuple[ContainerPort, ...] = ()
    command: Argv | None = None
    args: Argv | None = None
    env: tuple[EnvVar, ...] = ()
    env_from: tuple[EnvFrom, ...] = ()
    resources: Resources = field(default_factory=Resources)
    readiness_probe: Probe | None = None
    liveness_probe: Probe | None = None
    startup_probe: Probe | None = None
    security: SecurityContext = field(default_factory=SecurityContext)
    working_dir: str | None = None
    image_pull_policy: str | None = None
    volume_mounts: tuple[VolumeMount, ...] = ()
    init: bool = False
    restart_policy: str | None = None  # "Always" on an init container makes it a sidecar

    @property
    def sidecar(self) -> bool:
        return self.init and self.restart_policy == "Always"

    def port_numbers(self) -> frozenset[int]:
        return frozenset(p.container_port for p in self.ports if p.container_port is not None)

    def port_named(self, name: str) -> ContainerPort | None:
        return next((p for p in self.ports if p.name == name), None)

    def probes(self) -> tuple[Probe, ...]:
        return tuple(p for p in (self.readiness_probe, self.liveness_probe, self.startup_probe) if p)

    def env_var(self, name: str) -> EnvVar | None:
        """The entry Kubernetes uses for `name`: the last one wins when a name repeats."""
        found = None
        for var in self.env:
            if var.name == name:
                found = var
        return found

    def argv(self) -> tuple[str, ...]:
        """`command` + `args` as given; empty parts mean the image's ENTRYPOINT/CMD apply."""
        return (self.command.values if self.command else ()) + (self.args.values if self.args else ())

    def image_parts(self) -> tuple[str, str | None, str | None]:
        """(repository, tag or None, digest or None) of `image`."""
        return split_image(self.image or "")


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """Split `registry:5000/repo/name:tag@sha256:...` into repository, tag and digest."""
    rest, _, digest = image.partition("@")
    last_slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > last_slash:
        return rest[:colon], rest[colon + 1:], digest or None
    return rest, None, digest or None
