"""Kubernetes objects as read from manifests: workloads, containers, Services, Ingresses, config.

The parser (`parsers/kubernetes.py`) fills these from every `*.yaml` that holds Kubernetes objects;
`assemble` indexes them into one `K8sCluster` per project, which the rules that relate objects
(a Service and the pods it selects, an env var and the ConfigMap it reads) target.

Conventions: label maps are tuples of `(key, value)` pairs in file order; a field the manifest
leaves out is `None` (or `()`), so rules can tell "unset" (the Kubernetes default applies) from a
value. Objects without `metadata.namespace` get `namespace="default"` and
`namespace_explicit=False`: `kubectl apply -n` or kustomize may put them anywhere, so
`shares_namespace` treats them as compatible with every namespace.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeVar

from deploycheck.model.location import Location, Position

Labels = tuple[tuple[str, str], ...]

WORKLOAD_KINDS = frozenset({
    "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job",
    "CronJob", "Pod", "Rollout",
})
BATCH_KINDS = frozenset({"Job", "CronJob"})
ARCH_LABELS = ("kubernetes.io/arch", "beta.kubernetes.io/arch")

# ---------------------------------------------------------------------------------------------
# Quantities

_QUANTITY = re.compile(
    r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d{1,3}))?$"
)
_SUFFIX: dict[str, Fraction] = {
    "": Fraction(1), "n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000),
    "k": Fraction(10**3), "M": Fraction(10**6), "G": Fraction(10**9), "T": Fraction(10**12),
    "P": Fraction(10**15), "E": Fraction(10**18),
    "Ki": Fraction(2**10), "Mi": Fraction(2**20), "Gi": Fraction(2**30), "Ti": Fraction(2**40),
    "Pi": Fraction(2**50), "Ei": Fraction(2**60),
}


def parse_quantity(text: str) -> Fraction | None:
    """A Kubernetes resource quantity (`500m`, `1.5Gi`, `1e3`, `128974848`) as an exact number."""
    match = _QUANTITY.match(text.strip())
    if match is None:
        return None
    sign, number, suffix, exponent = match.groups()
    value = Fraction(number)
    if exponent is not None:
        value *= Fraction(10) ** int(exponent)
    else:
        value *= _SUFFIX[suffix or ""]
    return -value if sign == "-" else value


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def cpu_millicores(text: str) -> int | None:
    """CPU quantity in millicores, rounded up as the API server does (`0.1` → 100, `1` → 1000)."""
    value = parse_quantity(text)
    return None if value is None else _ceil(value * 1000)


def memory_bytes(text: str) -> int | None:
    """Memory quantity in bytes, rounded up (`128Mi` → 134217728, `1G` → 10**9)."""
    value = parse_quantity(text)
    return None if value is None else _ceil(value)


@dataclass(frozen=True, slots=True)
class Quantity:
    """One `resources` entry: the text as written, its value (millicores or bytes), where."""

    text: str
    value: int | None
    pos: Position


@dataclass(frozen=True, slots=True)
class Resources:
    """`resources.requests`/`limits`; cpu values in millicores, memory values in bytes."""

    cpu_request: Quantity | None = None
    cpu_limit: Quantity | None = None
    memory_request: Quantity | None = None
    memory_limit: Quantity | None = None
    pos: Position | None = None  # the `resources:` key


# ---------------------------------------------------------------------------------------------
# Containers


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


# ---------------------------------------------------------------------------------------------
# Objects


@dataclass(frozen=True, slots=True, kw_only=True)
class K8sObject:
    """What every manifest object has. `pos` is the document's start, `name_pos` the name's."""

    kind: str
    api_version: str
    name: str
    namespace: str
    namespace_explicit: bool
    labels: Labels
    annotations: Labels
    path: str
    pos: Position
    name_pos: Position | None = None

    @property
    def ref(self) -> str:
        """`Deployment/web` — how messages name the object."""
        return f"{self.kind}/{self.name}"

    @property
    def directory(self) -> str:
        """The folder of the manifest ('' for the root)."""
        return self.path.rpartition("/")[0]

    def where(self, pos: Position | None = None) -> str:
        """`path:line` of `pos` (default: the name, else the document start), for messages."""
        return Location.at(self.path, pos or self.name_pos or self.pos).short()

    def location(self, pos: Position | None = None) -> Location:
        return Location.at(self.path, pos or self.pos)

    def label(self, key: str) -> str | None:
        return dict(self.labels).get(key)

    def annotation(self, key: str) -> str | None:
        return dict(self.annotations).get(key)

    def shares_namespace(self, other: K8sObject | None = None, namespace: str | None = None) -> bool:
        """Whether the two may end up in one namespace (unstated namespaces match anything)."""
        if other is not None:
            if not (self.namespace_explicit and other.namespace_explicit):
                return True
            return self.namespace == other.namespace
        if namespace is None or not self.namespace_explicit:
            return True
        return self.namespace == namespace


@dataclass(frozen=True, slots=True)
class Volume:
    """A pod volume; `source` names the ConfigMap, Secret, claim or host path it comes from."""

    name: str
    kind: str  # configMap, secret, persistentVolumeClaim, emptyDir, hostPath, projected, ...
    pos: Position
    source: str | None = None
    optional: bool = False
    sources: tuple[tuple[str, str], ...] = ()  # projected: ("configMap"|"secret", name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Workload(K8sObject):
    """A Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod (or Argo Rollout).

    `partial` marks a fragment (a kustomize patch: a container without an image) that rules
    about a complete pod must skip. `node_arch`/`affinity_arch` hold the CPU architectures the
    pod is pinned to by nodeSelector and by required node affinity (empty = unconstrained).
    """

    pod_labels: Labels = ()
    pod_labels_pos: Position | None = None  # the pod template's `labels:` key
    pod_annotations: Labels = ()
    selector: Labels | None = None
    replicas: int | None = None
    containers: tuple[Container, ...] = ()
    init_containers: tuple[Container, ...] = ()
    pod_security: SecurityContext = field(default_factory=SecurityContext)
    service_account: str | None = None
    node_selector: Labels = ()
    node_arch: tuple[str, ...] = ()
    affinity_arch: tuple[str, ...] = ()
    host_network: bool = False
    restart_policy: str | None = None
    volumes: tuple[Volume, ...] = ()
    sysctls: Labels = ()
    template_pos: Position | None = None
    partial: bool = False

    @property
    def long_running(self) -> bool:
        """Serves until stopped: not a Job/CronJob, nor a Pod that is not restarted on exit."""
        if self.kind in BATCH_KINDS:
            return False
        return not (self.kind == "Pod" and self.restart_policy in ("Never", "OnFailure"))

    def running_containers(self) -> tuple[Container, ...]:
        """Containers that run for the pod's life: app containers plus sidecar init containers."""
        return self.containers + tuple(c for c in self.init_containers if c.sidecar)

    def all_containers(self) -> tuple[Container, ...]:
        return self.init_containers + self.containers

    def container_port_named(self, name: str) -> tuple[Container, ContainerPort] | None:
        for container in self.running_containers():
            port = container.port_named(name)
            if port is not None:
                return container, port
        return None

    def declares_ports(self) -> bool:
        return any(c.ports for c in self.running_containers())

    def port_numbers(self) -> frozenset[int]:
        out: frozenset[int] = frozenset()
        for container in self.running_containers():
            out |= container.port_numbers()
        return out

    def arch_constraints(self) -> tuple[str, ...]:
        """Architectures the pod may run on (both constraints apply); empty = any."""
        if self.node_arch and self.affinity_arch:
            return tuple(a for a in self.node_arch if a in self.affinity_arch)
        return self.node_arch or self.affinity_arch


@dataclass(frozen=True, slots=True)
class ServicePort:
    """A Service port. `target_port` defaults to `port` (`target_port_explicit` False then)."""

    name: str | None
    port: int | None
    target_port: int | str | None
    pos: Position
    target_port_pos: Position | None = None
    target_port_explicit: bool = False
    node_port: int | None = None
    protocol: str = "TCP"
    app_protocol: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Service(K8sObject):
    """A Service. `selector` is None when absent (endpoints managed by hand, or ExternalName)."""

    selector: Labels | None = None
    selector_pos: Position | None = None  # the `selector:` key
    ports: tuple[ServicePort, ...] = ()
    type: str = "ClusterIP"
    cluster_ip: str | None = None
    external_name: str | None = None

    @property
    def headless(self) -> bool:
        return self.cluster_ip == "None"

    def selects(self, workload: Workload) -> bool:
        """Whether the Service's selector picks the workload's pods (labels ⊆, same namespace)."""
        if not self.selector or self.type == "ExternalName":
            return False
        if not self.shares_namespace(workload):
            return False
        pod = dict(workload.pod_labels)
        return all(pod.get(k) == v for k, v in self.selector)

    def port_named(self, name: str) -> ServicePort | None:
        return next((p for p in self.ports if p.name == name), None)

    def port_numbered(self, number: int) -> ServicePort | None:
        return next((p for p in self.ports if p.port == number), None)


@dataclass(frozen=True, slots=True)
class IngressBackend:
    """A backend: a Service with a port number or name, or (`resource_kind`) another object."""

    service_name: str | None
    pos: Position
    port_number: int | None = None
    port_name: str | None = None
    port_pos: Position | None = None
    resource_kind: str | None = None
    service_pos: Position | None = None  # the Service name

    def port_text(self) -> str:
        if self.port_number is not None:
            return str(self.port_number)
        return self.port_name or "?"


@dataclass(frozen=True, slots=True)
class IngressPath:
    host: str | None
    path: str | None
    backend: IngressBackend
    pos: Position
    path_type: str | None = None


@dataclass(frozen=True, slots=True)
class IngressTLS:
    hosts: tuple[str, ...]
    secret_name: str | None
    pos: Position


@dataclass(frozen=True, slots=True, kw_only=True)
class Ingress(K8sObject):
    """An Ingress (networking.k8s.io/v1, or the v1beta1 `serviceName`/`servicePort` form)."""

    paths: tuple[IngressPath, ...] = ()
    default_backend: IngressBackend | None = None
    tls: tuple[IngressTLS, ...] = ()
    ingress_class: str | None = None

    def backends(self) -> tuple[IngressBackend, ...]:
        out = tuple(p.backend for p in self.paths)
        return (self.default_backend, *out) if self.default_backend else out


@dataclass(frozen=True, slots=True)
class ConfigEntry:
    """A key of a ConfigMap or Secret; `value` is kept for ConfigMap `data` only."""

    key: str
    pos: Position
    value: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfigMap(K8sObject):
    entries: tuple[ConfigEntry, ...] = ()  # data and binaryData

    def keys(self) -> frozenset[str]:
        return frozenset(e.key for e in self.entries)

    def has_key(self, key: str) -> bool:
        return any(e.key == key for e in self.entries)

    def value(self, key: str) -> str | None:
        return next((e.value for e in self.entries if e.key == key), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Secret(K8sObject):
    entries: tuple[ConfigEntry, ...] = ()  # keys of data and stringData, values not kept
    type: str = "Opaque"

    def keys(self) -> frozenset[str]:
        return frozenset(e.key for e in self.entries)

    def has_key(self, key: str) -> bool:
        return any(e.key == key for e in self.entries)


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitRange(K8sObject):
    """A LimitRange; `default_memory_limit` when it gives containers a default memory limit."""

    default_memory_limit: bool = False
    default_memory_request: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherObject(K8sObject):
    """Any other object (CRDs, RBAC, ...); `builtin` is False for custom resources."""

    builtin: bool = True


@dataclass(frozen=True, slots=True)
class Kustomization:
    """A kustomization file: the ConfigMaps and Secrets it generates (names as written), and the
    images whose tag or name it rewrites (`images[].name`)."""

    path: str
    pos: Position
    namespace: str | None = None
    name_prefix: str = ""
    name_suffix: str = ""
    resources: tuple[str, ...] = ()
    generated_config_maps: tuple[str, ...] = ()
    generated_secrets: tuple[str, ...] = ()
    images: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SkaffoldConfig:
    """A `skaffold.yaml`: the images it builds and tags at deploy time (`build.artifacts`)."""

    path: str
    pos: Position
    images: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# The cluster index

ObjT = TypeVar("ObjT", bound=K8sObject)


def _index(objects: tuple[ObjT, ...]) -> dict[str, tuple[ObjT, ...]]:
    out: dict[str, list[ObjT]] = {}
    for obj in objects:
        out.setdefault(obj.name, []).append(obj)
    return {k: tuple(v) for k, v in out.items()}


_LabelIndex = Mapping[tuple[str, str], tuple[Workload, ...]]


def _selected(service: Service, by_label: _LabelIndex) -> tuple[Workload, ...]:
    if not service.selector or service.type == "ExternalName":
        return ()
    # Start from the rarest selector pair so a big tree is not scanned per Service.
    candidates = min((by_label.get(pair, ()) for pair in service.selector), key=len)
    return tuple(w for w in candidates if service.selects(w))


@dataclass(frozen=True, slots=True)
class K8sCluster:
    """Every Kubernetes object of the project, indexed. One per project that has manifests.

    Lookups by name return all definitions (overlays may define one object several times) that
    may share the asker's namespace.
    """

    workloads: tuple[Workload, ...] = ()
    services: tuple[Service, ...] = ()
    ingresses: tuple[Ingress, ...] = ()
    config_maps: tuple[ConfigMap, ...] = ()
    secrets: tuple[Secret, ...] = ()
    limit_ranges: tuple[LimitRange, ...] = ()
    others: tuple[OtherObject, ...] = ()
    kustomizations: tuple[Kustomization, ...] = ()
    skaffold: tuple[SkaffoldConfig, ...] = ()
    _services_by_name: Mapping[str, tuple[Service, ...]] = field(
        default_factory=dict, compare=False, repr=False)
    _config_maps_by_name: Mapping[str, tuple[ConfigMap, ...]] = field(
        default_factory=dict, compare=False, repr=False)
    _secrets_by_name: Mapping[str, tuple[Secret, ...]] = field(
        default_factory=dict, compare=False, repr=False)
    _workloads_by_label: _LabelIndex = field(
        default_factory=dict, compare=False, repr=False)
    _services_by_workload: Mapping[int, tuple[Service, ...]] = field(
        default_factory=dict, compare=False, repr=False)
    _by_name_and_key: Mapping[tuple[str, str, str], tuple[ConfigMap | Secret, ...]] = field(
        default_factory=dict, compare=False, repr=False)

    @staticmethod
    def build(objects: tuple[object, ...]) -> K8sCluster:
        workloads = tuple(o for o in objects if isinstance(o, Workload))
        services = tuple(o for o in objects if isinstance(o, Service))
        config_maps = tuple(o for o in objects if isinstance(o, ConfigMap))
        secrets = tuple(o for o in objects if isinstance(o, Secret))
        by_label: dict[tuple[str, str], list[Workload]] = {}
        for w in workloads:
            for pair in set(w.pod_labels):
                by_label.setdefault(pair, []).append(w)
        index = {k: tuple(v) for k, v in by_label.items()}
        by_key: dict[tuple[str, str, str], list[ConfigMap | Secret]] = {}
        keyed: list[ConfigMap | Secret] = [*config_maps, *secrets]
        for obj in keyed:
            for entry in obj.entries:
                by_key.setdefault((obj.kind, obj.name, entry.key), []).append(obj)
        fronting: dict[int, list[Service]] = {}
        for service in services:
            for workload in _selected(service, index):
                fronting.setdefault(id(workload), []).append(service)
        return K8sCluster(
            workloads=workloads,
            services=services,
            ingresses=tuple(o for o in objects if isinstance(o, Ingress)),
            config_maps=config_maps,
            secrets=secrets,
            limit_ranges=tuple(o for o in objects if isinstance(o, LimitRange)),
            others=tuple(o for o in objects if isinstance(o, OtherObject)),
            kustomizations=tuple(o for o in objects if isinstance(o, Kustomization)),
            skaffold=tuple(o for o in objects if isinstance(o, SkaffoldConfig)),
            _services_by_name=_index(services),
            _config_maps_by_name=_index(config_maps),
            _secrets_by_name=_index(secrets),
            _workloads_by_label=index,
            # Keyed by identity: the workloads live as long as the cluster holds them.
            _services_by_workload={k: tuple(v) for k, v in fronting.items()},
            _by_name_and_key={k: tuple(v) for k, v in by_key.items()},
        )

    def workloads_selected_by(self, service: Service) -> tuple[Workload, ...]:
        """Workloads whose pods the Service selects (fragments included; check `partial`)."""
        return _selected(service, self._workloads_by_label)

    def services_selecting(self, workload: Workload) -> tuple[Service, ...]:
        """Services whose selector picks the workload's pods (one of `workloads`, by identity)."""
        return self._services_by_workload.get(id(workload), ())

    def services_named(self, name: str, near: K8sObject | None = None) -> tuple[Service, ...]:
        found = self._services_by_name.get(name, ())
        return tuple(s for s in found if near is None or s.shares_namespace(near))

    def config_maps_named(self, name: str, near: K8sObject | None = None) -> tuple[ConfigMap, ...]:
        found = self._config_maps_by_name.get(name, ())
        return tuple(c for c in found if near is None or c.shares_namespace(near))

    def secrets_named(self, name: str, near: K8sObject | None = None) -> tuple[Secret, ...]:
        found = self._secrets_by_name.get(name, ())
        return tuple(s for s in found if near is None or s.shares_namespace(near))

    def config_map_has_key(self, name: str, key: str, near: K8sObject | None = None) -> bool:
        """Whether some definition of ConfigMap `name` (sharing `near`'s namespace) has `key`."""
        found = self._by_name_and_key.get(("ConfigMap", name, key), ())
        return any(near is None or c.shares_namespace(near) for c in found)

    def secret_has_key(self, name: str, key: str, near: K8sObject | None = None) -> bool:
        found = self._by_name_and_key.get(("Secret", name, key), ())
        return any(near is None or c.shares_namespace(near) for c in found)

    def generated_config_map(self, name: str) -> bool:
        """Whether a kustomization generates (or merges into) a ConfigMap of this name."""
        return any(name in k.generated_config_maps for k in self.kustomizations)

    def image_rewritten(self, repository: str) -> bool:
        """Whether kustomize `images:` or skaffold sets the tag of this image at deploy time."""
        return any(repository in k.images for k in self.kustomizations) or any(
            repository in s.images for s in self.skaffold)

    def generated_secret(self, name: str) -> bool:
        return any(name in k.generated_secrets for k in self.kustomizations)

    def has_custom_resources(self, near: K8sObject | None = None) -> bool:
        """Whether custom resources (which operators may turn into pods) share a namespace."""
        return any(not o.builtin and (near is None or o.shares_namespace(near)) for o in self.others)

    def limit_range_sets_memory(self, near: K8sObject) -> bool:
        return any(lr.default_memory_limit and lr.shares_namespace(near) for lr in self.limit_ranges)


def assemble(models: Sequence[object]) -> tuple[object, ...]:
    """One `K8sCluster` over every Kubernetes object and kustomization, or nothing if none."""
    objects = tuple(m for m in models if isinstance(m, K8sObject | Kustomization | SkaffoldConfig))
    if not objects:
        return ()
    return (K8sCluster.build(objects),)
