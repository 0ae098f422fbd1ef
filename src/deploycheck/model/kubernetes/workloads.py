"""Workloads: the objects that run pods (Deployment, StatefulSet, Job, Pod, Argo Rollout, ...).

`Workload` holds the pod template (labels, containers and init containers, pod security,
volumes, node constraints) and answers what the pod runs and on which ports. `WORKLOAD_KINDS`
names the kinds read as workloads, `BATCH_KINDS` those that run to completion, `ARCH_LABELS` the
node labels that pin a CPU architecture.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from deploycheck.model.kubernetes.containers import Container, ContainerPort, SecurityContext
from deploycheck.model.kubernetes.objects import K8sObject, Labels
from deploycheck.model.location import Position

WORKLOAD_KINDS = frozenset({
    "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job",
    "CronJob", "Pod", "Rollout",
})
BATCH_KINDS = frozenset({"Job", "CronJob"})
ARCH_LABELS = ("kubernetes.io/arch", "beta.kubernetes.io/arch")


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
