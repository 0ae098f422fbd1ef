"""YAML read into a small positioned tree, shared by the compose and Kubernetes parsers.

PyYAML's composer (libyaml when available) gives nodes with marks; we copy them into our own
frozen nodes with 1-based positions, apply `<<` merge keys, and bound what hostile input can do:
alias expansion (a "billion laughs" document) and nesting depth are capped, and each problem
becomes a `ParseProblem` with its location instead of an exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

import yaml

from deploycheck.model import Location, ParseProblem, Position

MAX_NODES = 250_000
MAX_DEPTH = 120

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


def _plain_tag(value: str) -> str:
    """The YAML 1.1 type of an unquoted scalar (the safe loader's implicit resolvers). Keys and
    common values repeat across manifests, so the answer for short ones is remembered."""
    return _short_plain_tag(value) if len(value) <= 64 else _resolve_plain(value)


@lru_cache(maxsize=16384)
def _short_plain_tag(value: str) -> str:
    return _resolve_plain(value)


def _resolve_plain(value: str) -> str:
    resolvers = _Base.yaml_implicit_resolvers
    for tag, regexp in resolvers.get(value[:1], []) + resolvers.get(None, []):
        if regexp.match(value):
            return str(tag)
    return _STR


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, minus the work it does for features the safe schema does not use: path
    resolvers (none are registered), and a regular-expression scan for every plain scalar."""

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _plain_tag(value or "") if implicit[0] else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


class YScalar(NamedTuple):
    value: str
    tag: str
    pos: Position
    plain: bool  # unquoted: implicit typing applied (YAML 1.1 by PyYAML)

    @property
    def is_str(self) -> bool:
        return self.tag == _STR

    def as_int(self) -> int | None:
        text = self.value.strip()
        if text.lstrip("+-").isdigit():
            return int(text)
        return None

    def as_bool(self) -> bool | None:
        text = self.value.strip().lower()
        if text in ("true", "yes", "on", "y"):
            return True
        if text in ("false", "no", "off", "n"):
            return False
        return None


class YSeq(NamedTuple):
    items: tuple[YNode, ...]
    pos: Position


class YMap(NamedTuple):
    pairs: tuple[tuple[YScalar, YNode], ...]
    pos: Position

    def get(self, key: str) -> YNode | None:
        for k, v in self.pairs:
            if k.value == key:
                return v
        return None

    def key_node(self, key: str) -> YScalar | None:
        for k, _ in self.pairs:
            if k.value == key:
                return k
        return None

    def keys(self) -> Iterator[str]:
        return (k.value for k, _ in self.pairs)

    def map(self, key: str) -> YMap | None:
        node = self.get(key)
        return node if isinstance(node, YMap) else None

    def seq(self, key: str) -> YSeq | None:
        node = self.get(key)
        return node if isinstance(node, YSeq) else None

    def scalar(self, key: str) -> YScalar | None:
        node = self.get(key)
        return node if isinstance(node, YScalar) else None

    def str(self, key: str) -> str | None:
        node = self.scalar(key)
        return None if node is None or node.tag.endswith(":null") else node.value


YNode = YScalar | YSeq | YMap


class YDocument(NamedTuple):
    root: YNode | None
    pos: Position


class _TooBig(Exception):
    def __init__(self, why: str, mark: yaml.Mark | None) -> None:
        super().__init__(why)
        self.why = why
        self.mark = mark


def _pos(mark: yaml.Mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


_new = tuple.__new__
_ScalarNode = yaml.ScalarNode
_MappingNode = yaml.MappingNode


class _Converter:
    """yaml nodes to Y nodes. The hot loop of reading manifests: types are compared directly
    and nodes made with `tuple.__new__`, which skips a Python-level constructor call."""

    def __init__(self) -> None:
        self.count = 0

    def node(self, node: yaml.Node, depth: int) -> YNode:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(f"the document expands to more than {MAX_NODES:,} nodes "
                          "(aliases repeated like a 'billion laughs' bomb?)", node.start_mark)
        if depth > MAX_DEPTH:
            raise _TooBig(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
        mark = node.start_mark
        pos = _new(Position, (mark.line + 1, mark.column + 1))
        cls = type(node)
        if cls is _ScalarNode:
            return _new(YScalar, (node.value, node.tag, pos, not node.style))  # type: ignore[attr-defined]
        depth += 1
        if cls is not _MappingNode:
            return _new(YSeq, (tuple([self.node(item, depth) for item in node.value]), pos))
        pairs: list[tuple[YScalar, YNode]] = []
        merged: list[tuple[YScalar, YNode]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                for src in self._merge_sources(value_node, depth - 1):
                    merged.extend(src.pairs)
                continue
            key = self.node(key_node, depth)
            if type(key) is not YScalar:
                key = YScalar("", "tag:yaml.org,2002:null", key.pos, True)
            pairs.append((key, self.node(value_node, depth)))
        if merged:
            own = {k.value for k, _ in pairs}
            # Explicit keys win over merged ones; earlier merge sources win over later ones.
            seen: set[str] = set()
            for k, v in merged:
                if k.value not in own and k.value not in seen:
                    pairs.append((k, v))
                    seen.add(k.value)
        return _new(YMap, (tuple(pairs), pos))

    def _merge_sources(self, value: yaml.Node, depth: int) -> list[YMap]:
        nodes = value.value if isinstance(value, yaml.SequenceNode) else [value]
        out = []
        for n in nodes:
            converted = self.node(n, depth + 1)
            if isinstance(converted, YMap):
                out.append(converted)
        return out


def load(path: str, text: str) -> tuple[list[YDocument], list[ParseProblem]]:
    """Every document of a YAML stream, with the problems that stopped reading (if any)."""
    docs: list[YDocument] = []
    problems: list[ParseProblem] = []
    converter = _Converter()
    try:
        for node in yaml.compose_all(text, Loader=_Loader):
            if node is None:
                docs.append(YDocument(None, Position(1, 1)))
                continue
            docs.append(YDocument(converter.node(node, 0), _pos(node.start_mark)))
    except _TooBig as exc:
        pos = _pos(exc.mark) if exc.mark else Position(1, 1)
        problems.append(ParseProblem(Location.at(path, pos), f"YAML refused: {exc.why}", "yaml"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = _pos(mark) if mark else Position(1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        problems.append(ParseProblem(Location.at(path, pos), f"invalid YAML: {what}", "yaml"))
    except yaml.YAMLError as exc:
        problems.append(ParseProblem(Location.at(path, Position(1, 1)), f"invalid YAML: {exc}", "yaml"))
    except RecursionError:
        problems.append(ParseProblem(Location.at(path, Position(1, 1)),
                                     "YAML refused: nesting too deep to read safely", "yaml"))
    return docs, problems
