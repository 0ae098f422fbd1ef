"""Workloads: the pod template of Deployments, StatefulSets, Jobs, CronJobs, Pods and the rest.

`_workload` finds the pod template (the Pod itself, `spec.template`, or a CronJob's
`spec.jobTemplate.spec.template`), the selector and replicas, and reads the pod spec: containers
and init containers (through `containers`), the pod securityContext, service account, node
selector and the architectures required node affinity allows, host network, restart policy,
volumes and sysctls.
"""

from __future__ import annotations

from deploycheck.model.kubernetes import ARCH_LABELS, Labels, SecurityContext, Volume, Workload
from deploycheck.parsers.kubernetes.containers import _container, _security
from deploycheck.parsers.kubernetes.fields import (
    _Base,
    _bool,
    _int,
    _key_pos,
    _labels,
    _maps,
    _path,
    _pos,
    _str,
    _strings,
)
from deploycheck.parsers.yamlnodes import YMap


def _workload(root: YMap, spec: YMap | None, base: _Base) -> Workload:
    kind = base["kind"]
    selector: Labels | None = None
    if kind == "Pod":
        template_meta, pod_spec, template_pos = root.map("metadata"), spec, _pos(spec)
    else:
        if kind == "CronJob":
            spec = _path(spec, "jobTemplate", "spec")
        template = spec.map("template") if spec else None
        template_meta = template.map("metadata") if template else None
        pod_spec = template.map("spec") if template else None
        template_pos = _pos(template)
        if spec is not None:
            sel = spec.get("selector")
            if kind == "ReplicationController":
                selector = _labels(sel) or None
            elif isinstance(sel, YMap):
                selector = _labels(sel.get("matchLabels")) or None
    labels_node = template_meta.get("labels") if template_meta else None
    pod_security = _security(pod_spec.map("securityContext") if pod_spec else None, SecurityContext())
    containers = tuple(_container(m, pod_security, init=False)
                       for m in _maps(pod_spec.get("containers") if pod_spec else None))
    init = tuple(_container(m, pod_security, init=True)
                 for m in _maps(pod_spec.get("initContainers") if pod_spec else None))
    node_selector = _labels(pod_spec.get("nodeSelector")) if pod_spec else ()
    return Workload(
        **base,
        pod_labels=_labels(labels_node),
        pod_labels_pos=_key_pos(template_meta, "labels") if template_meta else None,
        pod_annotations=_labels(template_meta.get("annotations")) if template_meta else (),
        selector=selector,
        replicas=_int(spec.get("replicas")) if spec and kind != "Pod" else None,
        containers=containers,
        init_containers=init,
        pod_security=pod_security,
        service_account=(_str(pod_spec.get("serviceAccountName")) or _str(pod_spec.get("serviceAccount"))
                         if pod_spec else None),
        node_selector=node_selector,
        node_arch=tuple(v for k, v in node_selector if k in ARCH_LABELS),
        affinity_arch=_affinity_arch(pod_spec),
        host_network=bool(pod_spec and _bool(pod_spec.get("hostNetwork"))),
        restart_policy=_str(pod_spec.get("restartPolicy")) if pod_spec else None,
        volumes=tuple(_volume(m) for m in _maps(pod_spec.get("volumes") if pod_spec else None)),
        sysctls=_sysctls(pod_spec),
        template_pos=template_pos,
        partial=not containers or any(not c.image for c in containers + init),
    )


def _affinity_arch(pod_spec: YMap | None) -> tuple[str, ...]:
    """Architectures allowed by required node affinity: terms are ORed, so every term must pin."""
    required = _path(pod_spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
    terms = _maps(required.get("nodeSelectorTerms") if required else None)
    allowed: list[str] = []
    for term in terms:
        pinned = False
        for expr in _maps(term.get("matchExpressions")):
            if _str(expr.get("key")) in ARCH_LABELS and _str(expr.get("operator")) == "In":
                pinned = True
                allowed.extend(v for v in _strings(expr.get("values")) if v not in allowed)
        if not pinned:
            return ()
    return tuple(allowed)


def _sysctls(pod_spec: YMap | None) -> Labels:
    security = pod_spec.map("securityContext") if pod_spec else None
    items = _maps(security.get("sysctls") if security else None)
    return tuple((n, _str(m.get("value")) or "") for m in items if (n := _str(m.get("name"))))


def _volume(m: YMap) -> Volume:
    name = _str(m.get("name")) or ""
    for kind, name_key in (("configMap", "name"), ("secret", "secretName"),
                           ("persistentVolumeClaim", "claimName"), ("hostPath", "path")):
        src = m.map(kind)
        if src is not None:
            return Volume(name, kind, m.pos, _str(src.get(name_key)), bool(_bool(src.get("optional"))))
    projected = m.map("projected")
    if projected is not None:
        sources = []
        for item in _maps(projected.get("sources")):
            for kind in ("configMap", "secret"):
                ref = item.map(kind)
                if ref is not None and (ref_name := _str(ref.get("name"))):
                    sources.append((kind, ref_name))
        return Volume(name, "projected", m.pos, sources=tuple(sources))
    other = next((k.value for k, _ in m.pairs if k.value != "name"), "unknown")
    return Volume(name, other, m.pos)
