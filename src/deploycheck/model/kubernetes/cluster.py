"""The project's Kubernetes objects indexed as one `K8sCluster`, and `assemble`, which builds it.

`K8sCluster.build` sorts the parsed objects by type and indexes them: Services, ConfigMaps and
Secrets by name, ConfigMap and Secret keys, and workloads by pod label so that the Services
selecting a workload (and the workloads a Service selects) are found without a scan per Service.
Lookups return every definition that may share the asker's namespace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from deploycheck.model.kubernetes.deploytools import Kustomization, SkaffoldConfig
from deploycheck.model.kubernetes.networking import Ingress, Service
from deploycheck.model.kubernetes.objects import ConfigMap, K8sObject, LimitRange, OtherObject, Secret
from deploycheck.model.kubernetes.workloads import Workload

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
