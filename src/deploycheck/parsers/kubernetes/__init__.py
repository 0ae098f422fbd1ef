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

The package: this module decides whether a file is worth reading (Helm templates, files that look
like Kubernetes) and holds `parse`. `documents` turns each YAML document into its model (and reads
Kustomization and skaffold documents); it calls `workloads` (pod templates, volumes), which uses
`containers` (ports, probes, env, resources, security context), and `objects` (Services,
Ingresses, ConfigMap/Secret entries, LimitRanges). All of them rest on `fields`, the lenient
scalar and field readers and the metadata every object shares.
"""

from __future__ import annotations

import re

from deploycheck.model import SourceFile
from deploycheck.parsers import Parsed
from deploycheck.parsers.kubernetes.documents import _document
from deploycheck.parsers.yamlnodes import YMap, load

__all__ = ["parse"]

_K8S_DIRS = frozenset({"k8s", "kubernetes", "manifests", "deploy"})
_KUSTOMIZATION_NAMES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})
_HELM = re.compile(r"\{\{-|-\}\}|\{\{[^}\n]*(?:\.Values\.|\.Release\.|\.Chart\.|\binclude\s+\"|\btoYaml\b)")
_TOP_API = re.compile(r"^apiVersion\s*:", re.MULTILINE)
_TOP_KIND = re.compile(r"^kind\s*:", re.MULTILINE)


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
