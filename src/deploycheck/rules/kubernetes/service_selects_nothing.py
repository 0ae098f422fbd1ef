from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import K8sCluster, Labels, Service, Workload


def _fmt(labels: Labels) -> str:
    return ", ".join(f"{k}={v}" for k, v in labels) or "no labels"


def _closeness(selector: Labels, workload: Workload) -> tuple[int, int]:
    """(selector pairs the pods carry, selector values found under another key)."""
    pod = dict(workload.pod_labels)
    pairs = sum(1 for k, v in selector if pod.get(k) == v)
    values = set(pod.values())
    moved = sum(1 for k, v in selector if pod.get(k) != v and v in values)
    return pairs, moved


class ServiceSelectsNothing(Rule[K8sCluster]):
    """A Service whose selector matches the pods of no workload, so it has no endpoints.

    ## Why
    A Service sends traffic only to pods whose labels include every `key: value` of its
    `selector`. When none match, `kubectl describe svc` shows `Endpoints: <none>` and clients
    time out or get `connection refused`, though every pod is Running (P8; kubernetes/kubernetes
    #7341, #11795). Typical causes: `app:` in the selector but `name:` on the pods, a typo, or an
    extra selector key (`version: v2`) the pod template lacks. The selector is matched against
    the pod template's labels, not the Deployment's own `metadata.labels`.

    To stay quiet when the pods come from elsewhere (a Helm chart, an operator), the rule fires
    only when a workload in the same namespace shares part of the selector, or when the
    Service's folder defines workloads and the tree holds no custom resources.

    ## Bad
    ```k8s/app.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: shop
    spec:
      selector:
        matchLabels: {name: shop}
      template:
        metadata:
          labels: {name: shop}
        spec:
          containers:
            - name: shop
              image: shop:1.4
              ports: [{containerPort: 8080}]
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: shop
    spec:
      selector: {app: shop}
      ports: [{port: 80, targetPort: 8080}]
    ```

    ## Good
    ```k8s/app.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: shop
    spec:
      selector:
        matchLabels: {app: shop}
      template:
        metadata:
          labels: {app: shop}
        spec:
          containers:
            - name: shop
              image: shop:1.4
              ports: [{containerPort: 8080}]
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: shop
    spec:
      selector: {app: shop}
      ports: [{port: 80, targetPort: 8080}]
    ```

    ## Fix
    Make the Service's `selector` a subset of the pod template's `metadata.labels`
    (`spec.template.metadata.labels`), then check `kubectl get endpoints NAME`.
    """

    code = "DC301"
    name = "service-selects-no-pods"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = K8sCluster
    fix = "make the Service selector a subset of the pod template labels of the workload it fronts"

    def check(self, model: K8sCluster, options: NoOptions) -> Iterator[Violation]:
        custom = model.has_custom_resources()
        # Indexes keep this linear: a near miss shares a label value, a neighbour shares a folder.
        by_value: dict[str, list[Workload]] = {}
        by_folder: dict[str, list[Workload]] = {}
        for w in model.workloads:
            if w.pod_labels:
                for value in {v for _, v in w.pod_labels}:
                    by_value.setdefault(value, []).append(w)
                by_folder.setdefault(w.directory, []).append(w)
        for service in model.services:
            if not service.selector or service.type == "ExternalName":
                continue
            if model.workloads_selected_by(service):
                continue
            near = {id(w): w for _, v in service.selector for w in by_value.get(v, ())
                    if service.shares_namespace(w)}
            if near:
                best = max(near.values(), key=lambda w: _closeness(service.selector or (), w))
            else:
                neighbours = [w for w in by_folder.get(service.directory, ()) if service.shares_namespace(w)]
                if not neighbours or custom:
                    continue
                best = neighbours[0]
            yield self._report(service, service.selector, best)

    def _report(self, service: Service, selector: Labels, best: Workload) -> Violation:
        pod = dict(best.pod_labels)
        missing = [f"{k}={v}" + (f" (pods have {k}={pod[k]})" if k in pod else "")
                   for k, v in selector if pod.get(k) != v]
        where = best.where(best.pod_labels_pos)
        return Violation(
            f"{service.ref} selects pods labelled {_fmt(selector)}, but no workload's pods carry all "
            f"of them, so the Service has no endpoints (`Endpoints: <none>`) and connections to it "
            f"time out or are refused; the pods of {best.ref} at {where} lack {', '.join(missing)}",
            Location.at(service.path, service.selector_pos or service.pos),
            related=(Related(Location.at(best.path, best.pod_labels_pos or best.pos),
                             f"pod labels of {best.ref}: {_fmt(best.pod_labels)}"),),
            fix=f"change the selector to labels {best.ref}'s pod template has (for example "
                f"{_fmt(best.pod_labels[:len(selector)])}), or add the missing labels to the pod template",
        )
