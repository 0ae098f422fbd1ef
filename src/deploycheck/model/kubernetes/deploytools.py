"""The tools that rewrite manifests at deploy time: kustomize and skaffold.

`Kustomization` is a kustomization file (namespace, name prefix/suffix, the resources it lists,
the ConfigMaps and Secrets it generates and the images it retags); `SkaffoldConfig` a
`skaffold.yaml` with the images it builds. Rules ask the cluster about them so they do not flag
names and tags that only exist after these tools ran.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class Kustomization:
    """A kustomization file: the ConfigMaps and Secrets it generates (names as written), and the
    images whose tag or name it rewrites (`images[].name`)."""

    path: str
    pos: Position
    namespace: str | None = None
    name_prefix: str = ""
    name_suffix: str = ""
    resources: tuple[str, ...] = ()
    generated_config_maps: tuple[str, ...] = ()
    generated_secrets: tuple[str, ...] = ()
    images: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SkaffoldConfig:
    """A `skaffold.yaml`: the images it builds and tags at deploy time (`build.artifacts`)."""

    path: str
    pos: Position
    images: tuple[str, ...] = ()
