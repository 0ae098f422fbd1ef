from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import Ingress, IngressBackend, K8sCluster, Service


def _ports(service: Service) -> str:
    return ", ".join(f"{p.port}" + (f" ({p.name})" if p.name else "") for p in service.ports) or "none"


class IngressBackendUnknown(Rule[K8sCluster]):
    """An Ingress routes to a Service, or a Service port, that the manifests do not define.

    ## Why
    The ingress controller resolves `backend.service.name` and `port.number`/`port.name` (v1) or
    `serviceName`/`servicePort` (v1beta1) when it builds its routes. A missing Service, or a
    port the Service does not have, leaves the route without endpoints: ingress-nginx answers
    `503 Service Temporarily Unavailable` and logs `service "default/web" not found` or `service
    default/web does not have any active endpoint`; cloud load balancers mark the backend
    unhealthy (P6, P11: one port must agree across app, Service and proxy).

    The missing-Service case is reported only when the Ingress's folder defines Services in its
    namespace (otherwise the Service may be deployed by another repository or chart).

    ## Bad
    ```k8s/app.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: shop
    spec:
      selector: {app: shop}
      ports: [{name: http, port: 80, targetPort: 8080}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: shop
    spec:
      rules:
        - host: shop.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: shop
                    port: {number: 8080}
    ```

    ## Good
    ```k8s/app.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: shop
    spec:
      selector: {app: shop}
      ports: [{name: http, port: 80, targetPort: 8080}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: shop
    spec:
      rules:
        - host: shop.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: shop
                    port: {number: 80}
    ```

    ## Fix
    Point the backend at an existing Service and one of its `ports[].port` (the Service port, not
    the container's `targetPort`), or at its port `name`.
    """

    code = "DC304"
    name = "ingress-backend-unknown"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = K8sCluster
    fix = "point the backend at an existing Service and one of its ports (the Service port, not targetPort)"

    def check(self, model: K8sCluster, options: NoOptions) -> Iterator[Violation]:
        by_folder: dict[str, list[Service]] = {}
        for service in model.services:
            by_folder.setdefault(service.directory, []).append(service)
        for ingress in model.ingresses:
            neighbours = [s for s in by_folder.get(ingress.directory, []) if s.shares_namespace(ingress)]
            for backend in ingress.backends():
                if backend.service_name is None:
                    continue
                services = model.services_named(backend.service_name, near=ingress)
                if not services:
                    if neighbours:
                        yield self._missing_service(ingress, backend, neighbours)
                    continue
                if self._port_found(backend, services):
                    continue
                yield self._missing_port(ingress, backend, services)

    @staticmethod
    def _port_found(backend: IngressBackend, services: tuple[Service, ...]) -> bool:
        if backend.port_number is not None:
            return any(s.port_numbered(backend.port_number) for s in services)
        if backend.port_name is not None:
            return any(s.port_named(backend.port_name) for s in services)
        return True  # no port given: the API server rejects it, not a routing question

    def _missing_service(self, ingress: Ingress, backend: IngressBackend,
                         neighbours: list[Service]) -> Violation:
        names = ", ".join(sorted({s.name for s in neighbours}))
        return Violation(
            f"{ingress.ref} routes to Service {backend.service_name!r}, which no manifest defines "
            f"(Services here: {names}), so the ingress controller has no endpoints for this route "
            "and answers 503",
            Location.at(ingress.path, backend.service_pos or backend.pos),
            related=tuple(Related(Location.at(s.path, s.name_pos or s.pos), f"{s.ref} is defined here")
                          for s in neighbours),
            fix=f"use the name of the Service that fronts the app (one of: {names}), or add the Service",
        )

    def _missing_port(self, ingress: Ingress, backend: IngressBackend,
                      services: tuple[Service, ...]) -> Violation:
        service = services[0]
        what = f"port {backend.port_number}" if backend.port_number is not None \
            else f"port named {backend.port_name!r}"
        hint = ""
        if backend.port_number is not None and any(
                p.target_port == backend.port_number for p in service.ports):
            hint = f" ({backend.port_number} is the Service's targetPort, the container side)"
        return Violation(
            f"{ingress.ref} routes to {what} of Service {service.name!r}, but {service.ref} at "
            f"{service.where()} exposes only {_ports(service)}{hint}, so the route has no endpoints "
            "and the ingress controller answers 503",
            Location.at(ingress.path, backend.port_pos or backend.pos),
            related=tuple(Related(Location.at(s.path, p.pos), f"{s.ref} port {p.port}"
                                  + (f" named {p.name!r}" if p.name else ""))
                          for s in services for p in s.ports),
            fix=f"use one of {service.ref}'s ports: {_ports(service)}",
        )
