"""Kubernetes manifests: every `*.yaml` that is not a compose file comes here (kind "yaml").

Only documents that are Kubernetes objects (a mapping with `apiVersion` and `kind`) become models;
CI configs, Helm values and other YAML yield nothing. A YAML syntax error is reported only when
the file looks like Kubernetes (an object was read, `apiVersion:` and `kind:` appear at the start
of lines, or the file sits under `k8s/`, `kubernetes/`, `manifests/` or `deploy/`). Helm chart
templates (Go template markers such as `{{ .Values.x }}`) are skipped: their YAML only exists
after `helm template`. Kustomization files become `Kustomization` models (the ConfigMaps and
Secrets kustomize generates, the images it retags), and `skaffold.yaml` a `SkaffoldConfig`.

The reader is lenient: a field of the wrong type is treated as absent (kubectl would refuse the
object, and the YAML itself reads fine), never as a crash.
"""

from __future__ import annotations

import re
from typing import TypedDict

from deploycheck.model import Position, SourceFile
from deploycheck.model.kubernetes import (
    ARCH_LABELS,
    WORKLOAD_KINDS,
    Argv,
    ConfigEntry,
    ConfigMap,
    Container,
    ContainerPort,
    EnvFrom,
    EnvFromKind,
    EnvRef,
    EnvVar,
    Ingress,
    IngressBackend,
    IngressPath,
    IngressTLS,
    Kustomization,
    Labels,
    LimitRange,
    OtherObject,
    Probe,
    ProbeHandler,
    ProbeKind,
    Quantity,
    RefKind,
    Resources,
    Secret,
    SecurityContext,
    Service,
    ServicePort,
    SkaffoldConfig,
    Volume,
    VolumeMount,
    Workload,
    cpu_millicores,
    memory_bytes,
)
from deploycheck.parsers import Parsed
from deploycheck.parsers.yamlnodes import YMap, YNode, YScalar, YSeq, load

_K8S_DIRS = frozenset({"k8s", "kubernetes", "manifests", "deploy"})
_KUSTOMIZATION_NAMES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})
_HELM = re.compile(r"\{\{-|-\}\}|\{\{[^}\n]*(?:\.Values\.|\.Release\.|\.Chart\.|\binclude\s+\"|\btoYaml\b)")
_TOP_API = re.compile(r"^apiVersion\s*:", re.MULTILINE)
_TOP_KIND = re.compile(r"^kind\s*:", re.MULTILINE)
_BUILTIN_GROUPS = frozenset({
    "apps", "batch", "networking.k8s.io", "policy", "rbac.authorization.k8s.io", "autoscaling",
    "storage.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io", "scheduling.k8s.io",
    "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "certificates.k8s.io", "extensions",
    "apiregistration.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io",
})
_NULL = "tag:yaml.org,2002:null"


def parse(source: SourceFile) -> Parsed:
    path = source.path
    text = source.text.removeprefix("\ufeff")
    name = path.rpartition("/")[2]
    in_k8s_dir = any(part in _K8S_DIRS for part in path.split("/")[:-1])
    is_kustomization = name in _KUSTOMIZATION_NAMES
    # Fast path: most non-Kubernetes YAML (CI configs, values files) never mentions both keys.
    if not in_k8s_dir and not is_kustomization and ("apiVersion" not in text or "kind" not in text):
        return Parsed()
    if _HELM.search(text):
        return Parsed()
    docs, problems = load(path, text)
    models: list[object] = []
    for doc in docs:
        if isinstance(doc.root, YMap):
            _document(doc.root, path, models, is_kustomization, in_list=False)
    looks_k8s = (bool(models) or in_k8s_dir or is_kustomization
                 or bool(_TOP_API.search(text) and _TOP_KIND.search(text)))
    return Parsed(tuple(models), tuple(problems) if looks_k8s else ())


# ---------------------------------------------------------------------------------------------
# Scalars


def _scalar(node: YNode | None) -> YScalar | None:
    if isinstance(node, YScalar) and node.tag != _NULL:
        return node
    return None


def _str(node: YNode | None) -> str | None:
    s = _scalar(node)
    return s.value if s is not None else None


def _int(node: YNode | None) -> int | None:
    s = _scalar(node)
    return s.as_int() if s is not None else None


def _bool(node: YNode | None) -> bool | None:
    s = _scalar(node)
    return s.as_bool() if s is not None else None


def _int_or_str(node: YNode | None) -> int | str | None:
    """An IntOrString field (`port`, `targetPort`): digits read as a number even when quoted."""
    s = _scalar(node)
    if s is None:
        return None
    number = s.as_int()
    return number if number is not None else s.value


def _pos(node: YNode | None) -> Position | None:
    return node.pos if node is not None else None


def _key_pos(m: YMap, key: str) -> Position | None:
    k = m.key_node(key)
    return k.pos if k is not None else None


def _maps(node: YNode | None) -> list[YMap]:
    if isinstance(node, YSeq):
        return [item for item in node.items if isinstance(item, YMap)]
    return []


def _strings(node: YNode | None) -> tuple[str, ...]:
    if isinstance(node, YSeq):
        return tuple(s.value for s in (_scalar(i) for i in node.items) if s is not None)
    return ()


def _labels(node: YNode | None) -> Labels:
    if not isinstance(node, YMap):
        return ()
    out: list[tuple[str, str]] = []
    for key, value in node.pairs:
        s = _scalar(value)
        if key.tag != _NULL and s is not None:
            out.append((key.value, s.value))
    return tuple(out)


def _path(m: YMap | None, *keys: str) -> YMap | None:
    for key in keys:
        if m is None:
            return None
        m = m.map(key)
    return m


# ---------------------------------------------------------------------------------------------
# Documents


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


class _Base(TypedDict):
    kind: str
    api_version: str
    name: str
    namespace: str
    namespace_explicit: bool
    labels: Labels
    annotations: Labels
    path: str
    pos: Position
    name_pos: Position | None


def _base(root: YMap, path: str, api: str, kind: str) -> _Base:
    meta = root.map("metadata")
    name_node = meta.get("name") if meta else None
    name = _str(name_node) or (_str(meta.get("generateName")) if meta else None) or ""
    namespace = _str(meta.get("namespace")) if meta else None
    return _Base(
        kind=kind,
        api_version=api,
        name=name,
        namespace=namespace or "default",
        namespace_explicit=bool(namespace),
        labels=_labels(meta.get("labels")) if meta else (),
        annotations=_labels(meta.get("annotations")) if meta else (),
        path=path,
        pos=root.pos,
        name_pos=_pos(name_node),
    )


def _entries(root: YMap, keys: tuple[str, ...], keep_values: bool) -> tuple[ConfigEntry, ...]:
    out: list[ConfigEntry] = []
    for section in keys:
        m = root.map(section)
        if m is None:
            continue
        for key, value in m.pairs:
            stored = _str(value) if keep_values and section == "data" else None
            out.append(ConfigEntry(key.value, key.pos, stored))
    return tuple(out)


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


def _limit_range(spec: YMap | None, base: _Base) -> LimitRange:
    limit = request = False
    for item in _maps(spec.get("limits")) if spec else []:
        if (_str(item.get("type")) or "Container") != "Container":
            continue
        default, default_request = item.map("default"), item.map("defaultRequest")
        limit = limit or (default is not None and default.get("memory") is not None)
        request = request or (default_request is not None and default_request.get("memory") is not None)
    return LimitRange(**base, default_memory_limit=limit, default_memory_request=request)


# ---------------------------------------------------------------------------------------------
# Workloads


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


def _security(node: YMap | None, pod: SecurityContext) -> SecurityContext:
    """Merge a securityContext over `pod` (the pod-level context, or empty)."""
    if node is None:
        return pod
    non_root = _bool(node.get("runAsNonRoot"))
    user = _int(node.get("runAsUser"))
    group = _int(node.get("runAsGroup"))
    caps = node.map("capabilities")
    return SecurityContext(
        run_as_non_root=non_root if non_root is not None else pod.run_as_non_root,
        run_as_non_root_pos=(_key_pos(node, "runAsNonRoot") if non_root is not None
                             else pod.run_as_non_root_pos),
        run_as_user=user if user is not None else pod.run_as_user,
        run_as_user_pos=_key_pos(node, "runAsUser") if user is not None else pod.run_as_user_pos,
        run_as_group=group if group is not None else pod.run_as_group,
        privileged=_bool(node.get("privileged")),
        allow_privilege_escalation=_bool(node.get("allowPrivilegeEscalation")),
        read_only_root_fs=_bool(node.get("readOnlyRootFilesystem")),
        capabilities_add=_strings(caps.get("add")) if caps else (),
        capabilities_drop=_strings(caps.get("drop")) if caps else (),
        capabilities_pos=_key_pos(node, "capabilities"),
        pos=node.pos,
    )


def _argv(node: YNode | None) -> Argv | None:
    if not isinstance(node, YSeq):
        return None
    scalars = [s for s in (_scalar(i) for i in node.items) if s is not None]
    return Argv(tuple(s.value for s in scalars), node.pos, tuple(s.pos for s in scalars))


def _container(m: YMap, pod_security: SecurityContext, init: bool) -> Container:
    image_node = m.get("image")
    return Container(
        name=_str(m.get("name")) or "",
        image=_str(image_node),
        pos=m.pos,
        image_pos=_pos(image_node),
        ports=tuple(_container_port(p) for p in _maps(m.get("ports"))),
        command=_argv(m.get("command")),
        args=_argv(m.get("args")),
        env=tuple(v for v in (_env_var(e) for e in _maps(m.get("env"))) if v is not None),
        env_from=tuple(v for v in (_env_from(e) for e in _maps(m.get("envFrom"))) if v is not None),
        resources=_resources(m.map("resources"), _key_pos(m, "resources")),
        readiness_probe=_probe(m, "readinessProbe", ProbeKind.READINESS),
        liveness_probe=_probe(m, "livenessProbe", ProbeKind.LIVENESS),
        startup_probe=_probe(m, "startupProbe", ProbeKind.STARTUP),
        security=_security(m.map("securityContext"), pod_security),
        working_dir=_str(m.get("workingDir")),
        image_pull_policy=_str(m.get("imagePullPolicy")),
        volume_mounts=tuple(
            VolumeMount(_str(v.get("name")) or "", _str(v.get("mountPath")) or "", v.pos,
                        _str(v.get("subPath")), bool(_bool(v.get("readOnly"))))
            for v in _maps(m.get("volumeMounts"))),
        init=init,
        restart_policy=_str(m.get("restartPolicy")),
    )


def _container_port(m: YMap) -> ContainerPort:
    return ContainerPort(
        name=_str(m.get("name")),
        container_port=_int(m.get("containerPort")),
        protocol=(_str(m.get("protocol")) or "TCP").upper(),
        pos=m.pos,
        host_port=_int(m.get("hostPort")),
    )


def _env_var(m: YMap) -> EnvVar | None:
    name = _str(m.get("name"))
    if name is None:
        return None
    value_from = m.map("valueFrom")
    ref: EnvRef | None = None
    if value_from is not None:
        for kind in RefKind:
            src = value_from.map(kind.value)
            if src is not None:
                ref = EnvRef(
                    kind=kind,
                    pos=_key_pos(value_from, kind.value) or src.pos,
                    name=_str(src.get("name")),
                    key=_str(src.get("key")),
                    optional=bool(_bool(src.get("optional"))),
                    field_path=_str(src.get("fieldPath")),
                    resource=_str(src.get("resource")),
                    container_name=_str(src.get("containerName")),
                )
                break
    return EnvVar(name, _str(m.get("value")), m.pos, ref)


def _env_from(m: YMap) -> EnvFrom | None:
    for kind in EnvFromKind:
        src = m.map(kind.value)
        if src is not None:
            return EnvFrom(kind, _str(src.get("name")), m.pos, _str(m.get("prefix")) or "",
                           bool(_bool(src.get("optional"))))
    return None


def _resources(m: YMap | None, key_pos: Position | None) -> Resources:
    if m is None:
        return Resources()

    def quantity(section: str, key: str) -> Quantity | None:
        values = _path(m, section)
        node = _scalar(values.get(key)) if values else None
        if node is None:
            return None
        value = cpu_millicores(node.value) if key == "cpu" else memory_bytes(node.value)
        return Quantity(node.value, value, node.pos)

    return Resources(
        cpu_request=quantity("requests", "cpu"),
        cpu_limit=quantity("limits", "cpu"),
        memory_request=quantity("requests", "memory"),
        memory_limit=quantity("limits", "memory"),
        pos=key_pos,
    )


def _probe(container: YMap, key: str, kind: ProbeKind) -> Probe | None:
    m = container.map(key)
    key_pos = _key_pos(container, key)
    if m is None or key_pos is None:
        return None
    handler, action = ProbeHandler.NONE, None
    for key, candidate in (("httpGet", ProbeHandler.HTTP), ("tcpSocket", ProbeHandler.TCP),
                           ("grpc", ProbeHandler.GRPC), ("exec", ProbeHandler.EXEC)):
        action = m.map(key)
        if action is not None:
            handler = candidate
            break
    get = action.get if action is not None else (lambda _key: None)
    headers = tuple((n, _str(h.get("value")) or "") for h in _maps(get("httpHeaders"))
                    if (n := _str(h.get("name"))))
    port_node = get("port")
    return Probe(
        kind, handler, key_pos,
        port=_int(port_node) if handler is ProbeHandler.GRPC else _int_or_str(port_node),
        port_pos=_pos(port_node),
        path=_str(get("path")),
        path_pos=_pos(get("path")),
        scheme=(_str(get("scheme")) or "HTTP").upper(),
        host=_str(get("host")),
        host_header=next((v for n, v in headers if n.lower() == "host"), None),
        headers=headers,
        command=_strings(get("command")),
        grpc_service=_str(get("service")),
        initial_delay_seconds=_int(m.get("initialDelaySeconds")),
        period_seconds=_int(m.get("periodSeconds")),
        timeout_seconds=_int(m.get("timeoutSeconds")),
        failure_threshold=_int(m.get("failureThreshold")),
        success_threshold=_int(m.get("successThreshold")),
    )


# ---------------------------------------------------------------------------------------------
# Services and Ingresses


def _service(spec: YMap | None, base: _Base) -> Service:
    if spec is None:
        return Service(**base)
    ports = []
    for p in _maps(spec.get("ports")):
        port = _int(p.get("port"))
        target_node = p.get("targetPort")
        target = _int_or_str(target_node)
        ports.append(ServicePort(
            name=_str(p.get("name")),
            port=port,
            target_port=target if target is not None else port,
            pos=p.pos,
            target_port_pos=_pos(target_node) if target is not None else _pos(p.get("port")),
            target_port_explicit=target is not None,
            node_port=_int(p.get("nodePort")),
            protocol=(_str(p.get("protocol")) or "TCP").upper(),
            app_protocol=_str(p.get("appProtocol")),
        ))
    selector_node = spec.get("selector")
    return Service(
        **base,
        selector=_labels(selector_node) or None,
        selector_pos=_key_pos(spec, "selector"),
        ports=tuple(ports),
        type=_str(spec.get("type")) or "ClusterIP",
        cluster_ip=_str(spec.get("clusterIP")),
        external_name=_str(spec.get("externalName")),
    )


def _backend(m: YMap | None) -> IngressBackend | None:
    if m is None:
        return None
    service = m.map("service")
    if service is not None:  # networking.k8s.io/v1
        port = service.map("port")
        number = _int(port.get("number")) if port else None
        port_name = _str(port.get("name")) if port else None
        port_node = (port.get("number") or port.get("name")) if port else None
        return IngressBackend(_str(service.get("name")), m.pos, number, port_name, _pos(port_node),
                              service_pos=_pos(service.get("name")))
    if m.get("serviceName") is not None:  # extensions/v1beta1, networking.k8s.io/v1beta1
        value = _int_or_str(m.get("servicePort"))
        return IngressBackend(
            _str(m.get("serviceName")), m.pos,
            value if isinstance(value, int) else None, value if isinstance(value, str) else None,
            _pos(m.get("servicePort")), service_pos=_pos(m.get("serviceName")))
    resource = m.map("resource")
    if resource is not None:
        return IngressBackend(None, m.pos, resource_kind=_str(resource.get("kind")) or "resource")
    return None


def _ingress(spec: YMap | None, base: _Base) -> Ingress:
    if spec is None:
        return Ingress(**base)
    paths: list[IngressPath] = []
    for rule in _maps(spec.get("rules")):
        host = _str(rule.get("host"))
        http = rule.map("http")
        for p in _maps(http.get("paths") if http else None):
            backend = _backend(p.map("backend"))
            if backend is not None:
                paths.append(IngressPath(host, _str(p.get("path")), backend, p.pos, _str(p.get("pathType"))))
    annotations = dict(base["annotations"])
    return Ingress(
        **base,
        paths=tuple(paths),
        default_backend=_backend(spec.map("defaultBackend") or spec.map("backend")),
        tls=tuple(IngressTLS(_strings(t.get("hosts")), _str(t.get("secretName")), t.pos)
                  for t in _maps(spec.get("tls"))),
        ingress_class=_str(spec.get("ingressClassName")) or annotations.get("kubernetes.io/ingress.class"),
    )


