"""What every Kubernetes object has, and the objects that only carry data.

`K8sObject` is the metadata of any manifest object (kind, name, namespace, labels, annotations,
where it was read) with the namespace rule of the package: an object without
`metadata.namespace` may land in any namespace, so `shares_namespace` matches it with all.
`Labels` is the label-map type used throughout. The plain objects built on it: `ConfigMap` and
`Secret` (their keys as `ConfigEntry`), `LimitRange` and `OtherObject` (CRDs, RBAC, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Location, Position

Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class K8sObject:
    """What every manifest object has. `pos` is the document's start, `name_pos` the name's."""

    kind: str
    api_version: str
    name: str
    namespace: str
    namespace_explicit: bool
    labels: Labels
    annotations: Labels
    path: str
    pos: Position
    name_pos: Position | None = None

    @property
    def ref(self) -> str:
        """`Deployment/web` — how messages name the object."""
        return f"{self.kind}/{self.name}"

    @property
    def directory(self) -> str:
        """The folder of the manifest ('' for the root)."""
        return self.path.rpartition("/")[0]

    def where(self, pos: Position | None = None) -> str:
        """`path:line` of `pos` (default: the name, else the document start), for messages."""
        return Location.at(self.path, pos or self.name_pos or self.pos).short()

    def location(self, pos: Position | None = None) -> Location:
        return Location.at(self.path, pos or self.pos)

    def label(self, key: str) -> str | None:
        return dict(self.labels).get(key)

    def annotation(self, key: str) -> str | None:
        return dict(self.annotations).get(key)

    def shares_namespace(self, other: K8sObject | None = None, namespace: str | None = None) -> bool:
        """Whether the two may end up in one namespace (unstated namespaces match anything)."""
        if other is not None:
            if not (self.namespace_explicit and other.namespace_explicit):
                return True
            return self.namespace == other.namespace
        if namespace is None or not self.namespace_explicit:
            return True
        return self.namespace == namespace


@dataclass(frozen=True, slots=True)
class ConfigEntry:
    """A key of a ConfigMap or Secret; `value` is kept for ConfigMap `data` only."""

    key: str
    pos: Position
    value: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfigMap(K8sObject):
    entries: tuple[ConfigEntry, ...] = ()  # data and binaryData

    def keys(self) -> frozenset[str]:
        return frozenset(e.key for e in self.entries)

    def has_key(self, key: str) -> bool:
        return any(e.key == key for e in self.entries)

    def value(self, key: str) -> str | None:
        return next((e.value for e in self.entries if e.key == key), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Secret(K8sObject):
    entries: tuple[ConfigEntry, ...] = ()  # keys of data and stringData, values not kept
    type: str = "Opaque"

    def keys(self) -> frozenset[str]:
        return frozenset(e.key for e in self.entries)

    def has_key(self, key: str) -> bool:
        return any(e.key == key for e in self.entries)


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitRange(K8sObject):
    """A LimitRange; `default_memory_limit` when it gives containers a default memory limit."""

    default_memory_limit: bool = False
    default_memory_request: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherObject(K8sObject):
    """Any other object (CRDs, RBAC, ...); `builtin` is False for custom resources."""

    builtin: bool = True
