"""Kubernetes objects as read from manifests: workloads, containers, Services, Ingresses, config.

The parser (the `parsers/kubernetes/` package) fills these from every `*.yaml` that holds Kubernetes objects;
`assemble` indexes them into one `K8sCluster` per project, which the rules that relate objects
(a Service and the pods it selects, an env var and the ConfigMap it reads) target.

Conventions: label maps are tuples of `(key, value)` pairs in file order; a field the manifest
leaves out is `None` (or `()`), so rules can tell "unset" (the Kubernetes default applies) from a
value. Objects without `metadata.namespace` get `namespace="default"` and
`namespace_explicit=False`: `kubectl apply -n` or kustomize may put them anywhere, so
`shares_namespace` treats them as compatible with every namespace.

The package, records first: `quantities` reads resource quantities (`Quantity`, `Resources`);
`objects` holds `K8sObject`, the metadata every object has, with `Labels` and the objects that
only carry data (`ConfigMap`, `Secret`, `LimitRange`, `OtherObject`); `containers` a container
and its parts (ports, env, probes, security context, mounts); `workloads` the objects that run
pods; `networking` Services and Ingresses; `deploytools` the kustomize and skaffold files. Then
`cluster` indexes them all (`K8sCluster`, with the selector index) and holds `assemble`.
Everything other modules use is re-exported here, so `from deploycheck.model.kubernetes import
...` is the import to use.
"""

from deploycheck.model.kubernetes.cluster import K8sCluster, assemble
from deploycheck.model.kubernetes.containers import (
    Argv,
    Container,
    ContainerPort,
    EnvFrom,
    EnvFromKind,
    EnvRef,
    EnvVar,
    Probe,
    ProbeHandler,
    ProbeKind,
    RefKind,
    SecurityContext,
    VolumeMount,
    split_image,
)
from deploycheck.model.kubernetes.deploytools import Kustomization, SkaffoldConfig
from deploycheck.model.kubernetes.networking import (
    Ingress,
    IngressBackend,
    IngressPath,
    IngressTLS,
    Service,
    ServicePort,
)
from deploycheck.model.kubernetes.objects import (
    ConfigEntry,
    ConfigMap,
    K8sObject,
    Labels,
    LimitRange,
    OtherObject,
    Secret,
)
from deploycheck.model.kubernetes.quantities import (
    Quantity,
    Resources,
    cpu_millicores,
    memory_bytes,
    parse_quantity,
)
from deploycheck.model.kubernetes.workloads import (
    ARCH_LABELS,
    BATCH_KINDS,
    WORKLOAD_KINDS,
    Volume,
    Workload,
)

__all__ = [
    "ARCH_LABELS",
    "BATCH_KINDS",
    "WORKLOAD_KINDS",
    "Argv",
    "ConfigEntry",
    "ConfigMap",
    "Container",
    "ContainerPort",
    "EnvFrom",
    "EnvFromKind",
    "EnvRef",
    "EnvVar",
    "Ingress",
    "IngressBackend",
    "IngressPath",
    "IngressTLS",
    "K8sCluster",
    "K8sObject",
    "Kustomization",
    "Labels",
    "LimitRange",
    "OtherObject",
    "Probe",
    "ProbeHandler",
    "ProbeKind",
    "Quantity",
    "RefKind",
    "Resources",
    "Secret",
    "SecurityContext",
    "Service",
    "ServicePort",
    "SkaffoldConfig",
    "Volume",
    "VolumeMount",
    "Workload",
    "assemble",
    "cpu_millicores",
    "memory_bytes",
    "parse_quantity",
    "split_image",
]
