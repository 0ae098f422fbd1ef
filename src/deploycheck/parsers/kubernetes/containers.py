"""Containers of a pod template: ports, command and args, env, resources, probes, security.

`_container` reads one entry of `containers` or `initContainers` into a `Container`: its ports,
argv, env vars (with `valueFrom` references) and `envFrom` sources, resource requests and limits
(as `Quantity`s with parsed values), readiness/liveness/startup probes and volume mounts.
`_security` merges a container's securityContext over the pod-level one, and is also used by the
workload reader for the pod-level context itself.
"""

from __future__ import annotations

from deploycheck.model import Position
from deploycheck.model.kubernetes import (
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
    Quantity,
    RefKind,
    Resources,
    SecurityContext,
    VolumeMount,
    cpu_millicores,
    memory_bytes,
)
from deploycheck.parsers.kubernetes.fields import (
    _bool,
    _int,
    _int_or_str,
    _key_pos,
    _maps,
    _path,
    _pos,
    _scalar,
    _str,
    _strings,
)
from deploycheck.parsers.yamlnodes import YMap, YNode, YSeq


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
