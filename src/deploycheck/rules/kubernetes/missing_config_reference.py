from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Position, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import (
    ConfigMap,
    EnvFromKind,
    K8sCluster,
    RefKind,
    Secret,
    Workload,
)


class MissingConfigReference(Rule[K8sCluster]):
    """A container reads a ConfigMap or Secret key (or a ConfigMap) the manifests do not provide.

    ## Why
    The kubelet resolves `valueFrom.configMapKeyRef`, `secretKeyRef` and `envFrom` before it
    starts the container. A missing key or ConfigMap blocks the pod in
    `CreateContainerConfigError` with `Error: couldn't find key DB_HOST in ConfigMap
    default/api-config` or `Error: configmap "api-config" not found`; a missing ConfigMap volume
    leaves it in `ContainerCreating` with `MountVolume.SetUp failed ... configmap "api-config" not
    found` (O10: the runtime config the app needs is not provided).

    To avoid false alarms the rule reports: a key missing from a ConfigMap or Secret that the
    manifests define (and no kustomize generator extends); a ConfigMap that is not defined at
    all only when the workload's folder defines other ConfigMaps. Secrets are often created
    outside the repository, so a Secret that is not defined is never reported. References marked
    `optional: true` are skipped.

    ## Bad
    ```k8s/app.yaml
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: api-config
    data:
      DATABASE_HOST: db
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
            - name: api
              image: api:2.0
              env:
                - name: DB_HOST
                  valueFrom:
                    configMapKeyRef: {name: api-config, key: DB_HOST}
    ```

    ## Good
    ```k8s/app.yaml
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: api-config
    data:
      DB_HOST: db
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
            - name: api
              image: api:2.0
              env:
                - name: DB_HOST
                  valueFrom:
                    configMapKeyRef: {name: api-config, key: DB_HOST}
    ```

    ## Fix
    Add the key to the ConfigMap or Secret (or fix the name or key in the reference), create the
    missing ConfigMap, or mark the reference `optional: true` if the app copes without it.
    """

    code = "DC311"
    name = "missing-config-reference"
    category = Category.CONFIG
    severity = Severity.ERROR
    target = K8sCluster
    fix = "add the key to the ConfigMap/Secret, fix the reference, or mark it optional: true"

    def check(self, model: K8sCluster, options: NoOptions) -> Iterator[Violation]:
        by_folder: dict[str, list[ConfigMap]] = {}
        for config_map in model.config_maps:
            by_folder.setdefault(config_map.directory, []).append(config_map)
        for workload in model.workloads:
            local = [c.name for c in by_folder.get(workload.directory, []) if c.shares_namespace(workload)]
            for container in workload.all_containers():
                who = f"container {container.name!r} of {workload.ref}"
                for var in container.env:
                    ref = var.value_from
                    if ref is None or ref.optional or not ref.name or not ref.key:
                        continue
                    if ref.kind is RefKind.CONFIG_MAP_KEY:
                        yield from self._config_map_key(model, workload, who, f"env {var.name}",
                                                        ref.name, ref.key, ref.pos, local)
                    elif ref.kind is RefKind.SECRET_KEY:
                        yield from self._secret_key(model, workload, who, f"env {var.name}",
                                                    ref.name, ref.key, ref.pos)
                for source in container.env_from:
                    if source.kind is EnvFromKind.CONFIG_MAP and source.name and not source.optional:
                        yield from self._config_map(model, workload, who, "envFrom", source.name,
                                                    source.pos, local, "CreateContainerConfigError")
            for volume in workload.volumes:
                if volume.kind == "configMap" and volume.source and not volume.optional:
                    yield from self._config_map(model, workload, f"volume {volume.name!r} of {workload.ref}",
                                                "volume", volume.source, volume.pos, local,
                                                "ContainerCreating (MountVolume.SetUp failed)")

    def _config_map(self, model: K8sCluster, workload: Workload, who: str, what: str, name: str,
                    pos: Position, local: list[str], state: str) -> Iterator[Violation]:
        """`local`: the ConfigMaps defined next to the workload; without any, stay quiet."""
        if not local or model.config_maps_named(name, near=workload) or model.generated_config_map(name):
            return
        others = sorted(set(local))
        yield Violation(
            f"{who} reads ConfigMap {name!r} ({what}), which no manifest defines (ConfigMaps here: "
            f"{', '.join(others)}); the pod stays in {state} with `configmap \"{name}\" not found`",
            Location.at(workload.path, pos),
            fix=f"define ConfigMap {name!r}, use one of {', '.join(others)}, or mark the reference optional",
        )

    def _config_map_key(self, model: K8sCluster, workload: Workload, who: str, what: str, name: str,
                        key: str, pos: Position, local: list[str]) -> Iterator[Violation]:
        if model.config_map_has_key(name, key, near=workload):
            return
        found = model.config_maps_named(name, near=workload)
        if not found:
            yield from self._config_map(model, workload, who, what, name, pos, local,
                                        "CreateContainerConfigError")
            return
        if model.generated_config_map(name):
            return
        yield self._missing_key(workload, who, what, found, key, pos)

    def _secret_key(self, model: K8sCluster, workload: Workload, who: str, what: str, name: str,
                    key: str, pos: Position) -> Iterator[Violation]:
        if model.secret_has_key(name, key, near=workload) or model.generated_secret(name):
            return
        found = model.secrets_named(name, near=workload)
        if not found:
            return
        yield self._missing_key(workload, who, what, found, key, pos)

    @staticmethod
    def _missing_key(workload: Workload, who: str, what: str,
                     found: tuple[ConfigMap, ...] | tuple[Secret, ...], key: str, pos: Position) -> Violation:
        # Nearest definitions first (same folder); a few are enough to point at.
        candidates: list[ConfigMap | Secret] = list(found)
        shown = sorted(candidates, key=lambda o: o.directory != workload.directory)[:3]
        obj = shown[0]
        keys = sorted(obj.keys())
        return Violation(
            f"{who} reads key {key!r} of {obj.ref} ({what}), but {obj.ref} at {obj.where()} has only "
            f"{', '.join(keys) if keys else 'no keys'}; the pod stays in CreateContainerConfigError with "
            f"`couldn't find key {key} in {obj.kind} {workload.namespace}/{obj.name}`",
            Location.at(workload.path, pos),
            related=tuple(Related(Location.at(o.path, o.name_pos or o.pos), f"{o.ref} is defined here")
                          for o in shown),
            fix=f"add {key!r} to {obj.ref}, or reference one of its keys ({', '.join(keys)})"
            if keys else f"add {key!r} to {obj.ref}",
        )
