"""The lenient readers every Kubernetes object uses, and the metadata all objects share.

Scalars read as strings, ints, bools or IntOrString (an explicit YAML null, or a node of the wrong
type, reads as absent), positions of nodes and keys, lists of mappings or strings, label maps and
paths through nested mappings. `_Base` is the part every object model shares (kind, apiVersion,
name, namespace, labels, annotations, positions), read from `metadata` by `_base`.
"""

from __future__ import annotations

from typing import TypedDict

from deploycheck.model import Position
from deploycheck.model.kubernetes import Labels
from deploycheck.parsers.yamlnodes import YMap, YNode, YScalar, YSeq

_NULL = "tag:yaml.org,2002:null"


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
