"""Services, Ingresses, ConfigMap and Secret entries, and LimitRanges.

`_service` reads a Service's selector, type and ports (a missing `targetPort` defaults to `port`);
`_ingress` its rules, paths, TLS entries, class and default backend, with `_backend` reading both
the `networking.k8s.io/v1` and the older `serviceName`/`servicePort` backend shapes. `_entries`
lists the keys of a ConfigMap's or Secret's data sections (values kept only for ConfigMap
`data`), and `_limit_range` whether a LimitRange sets default memory limits and requests.
"""

from __future__ import annotations

from deploycheck.model.kubernetes import (
    ConfigEntry,
    Ingress,
    IngressBackend,
    IngressPath,
    IngressTLS,
    LimitRange,
    Service,
    ServicePort,
)
from deploycheck.parsers.kubernetes.fields import (
    _Base,
    _int,
    _int_or_str,
    _key_pos,
    _labels,
    _maps,
    _pos,
    _str,
    _strings,
)
from deploycheck.parsers.yamlnodes import YMap


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


def _limit_range(spec: YMap | None, base: _Base) -> LimitRange:
    limit = request = False
    for item in _maps(spec.get("limits")) if spec else []:
        if (_str(item.get("type")) or "Container") != "Container":
            continue
        default, default_request = item.map("default"), item.map("defaultRequest")
        limit = limit or (default is not None and default.get("memory") is not None)
        request = request or (default_request is not None and default_request.get("memory") is not None)
    return LimitRange(**base, default_memory_limit=limit, default_memory_request=request)


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
