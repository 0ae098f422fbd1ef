"""Which model each YAML document becomes, and the Kustomization and skaffold documents.

`_document` looks at `apiVersion` and `kind`: a Kustomization (or a kustomization file without a
kind) becomes a `Kustomization` read by `_kustomization`, a skaffold `Config` a `SkaffoldConfig`
with its artifact images, a `List` has its items read one level deep, and every other object is
handed to its reader (workloads, Services, Ingresses, ConfigMaps, Secrets, LimitRanges) or becomes
an `OtherObject`, marked built-in when its API group ships with Kubernetes.
"""

from __future__ import annotations

from deploycheck.model.kubernetes import (
    WORKLOAD_KINDS,
    ConfigMap,
    Kustomization,
    OtherObject,
    Secret,
    SkaffoldConfig,
)
from deploycheck.parsers.kubernetes.fields import _base, _maps, _str, _strings
from deploycheck.parsers.kubernetes.objects import _entries, _ingress, _limit_range, _service
from deploycheck.parsers.kubernetes.workloads import _workload
from deploycheck.parsers.yamlnodes import YMap

_BUILTIN_GROUPS = frozenset({
    "apps", "batch", "networking.k8s.io", "policy", "rbac.authorization.k8s.io", "autoscaling",
    "storage.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io", "scheduling.k8s.io",
    "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "certificates.k8s.io", "extensions",
    "apiregistration.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io",
})


def _document(root: YMap, path: str, out: list[object], is_kustomization: bool, in_list: bool) -> None:
    api = _str(root.get("apiVersion"))
    kind = _str(root.get("kind"))
    if kind == "Kustomization" or (is_kustomization and not in_list and kind is None):
        out.append(_kustomization(root, path))
        return
    if not api or not kind:
        return
    if api.startswith("skaffold/") and kind == "Config":
        build = root.map("build")
        artifacts = _maps(build.get("artifacts") if build else None)
        images = tuple(i for i in (_str(a.get("image")) for a in artifacts) if i)
        out.append(SkaffoldConfig(path, root.pos, images))
        return
    if kind == "List" or (kind.endswith("List") and root.seq("items") is not None):
        if not in_list:
            for item in _maps(root.get("items")):
                _document(item, path, out, False, in_list=True)
        return
    base = _base(root, path, api, kind)
    spec = root.map("spec")
    if kind in WORKLOAD_KINDS:
        out.append(_workload(root, spec, base))
    elif kind == "Service" and api == "v1":
        out.append(_service(spec, base))
    elif kind == "Ingress":
        out.append(_ingress(spec, base))
    elif kind == "ConfigMap" and api == "v1":
        out.append(ConfigMap(**base, entries=_entries(root, ("data", "binaryData"), keep_values=True)))
    elif kind == "Secret" and api == "v1":
        out.append(Secret(**base, entries=_entries(root, ("data", "stringData"), keep_values=False),
                          type=_str(root.get("type")) or "Opaque"))
    elif kind == "LimitRange" and api == "v1":
        out.append(_limit_range(spec, base))
    else:
        group = api.rpartition("/")[0]
        out.append(OtherObject(**base, builtin=(group == "" or group in _BUILTIN_GROUPS)))


def _kustomization(root: YMap, path: str) -> Kustomization:
    def generated(section: str) -> tuple[str, ...]:
        return tuple(n for n in (_str(m.get("name")) for m in _maps(root.get(section))) if n)

    return Kustomization(
        path=path,
        pos=root.pos,
        namespace=_str(root.get("namespace")),
        name_prefix=_str(root.get("namePrefix")) or "",
        name_suffix=_str(root.get("nameSuffix")) or "",
        resources=_strings(root.get("resources")) + _strings(root.get("bases")),
        generated_config_maps=generated("configMapGenerator"),
        generated_secrets=generated("secretGenerator"),
        images=generated("images"),
    )
