"""How traffic reaches pods: Services and Ingresses.

`Service` (with its `ServicePort`s) and the selector test `selects`, which says whether a
Service picks a workload's pods. `Ingress` with its paths, TLS entries and backends
(`IngressBackend`: a Service and port, or another resource), in the v1 and v1beta1 forms.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.kubernetes.objects import K8sObject, Labels
from deploycheck.model.kubernetes.workloads import Workload
from deploycheck.model.location import Position


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
