"""YAML read into a small positioned tree, shared by the compose and Kubernetes parsers.

PyYAML's composer (libyaml when available) gives nodes with marks; we copy them into our own
frozen nodes with 1-based positions, apply `<<` merge keys, and bound what hostile input can do:
alias expansion (a "billion laughs" document) and nesting depth are capped, and each problem
becomes a `ParseProblem` with its location instead of an exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from deploycheck.model import Location, ParseProblem, Position

MAX_NODES = 250_000
MAX_DEPTH = 120

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"


@dataclass(frozen=True, slots=True)
class YScalar:
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


@dataclass(frozen=True, slots=True)
class YSeq:
    items: tuple[YNode, ...]
    pos: Position


@dataclass(frozen=True, slots=True)
class YMap:
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


@dataclass(frozen=True, slots=True)
class YDocument:
    root: YNode | None
    pos: Position


class _TooBig(Exception):
    def __init__(self, why: str, mark: yaml.Mark | None) -> None:
        super().__init__(why)
        self.why = why
        self.mark = mark


def _pos(mark: yaml.Mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


class _Converter:
    def __init__(self) -> None:
        self.count = 0

    def node(self, node: yaml.Node, depth: int) -> YNode:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(f"the document expands to more than {MAX_NODES:,} nodes "
                          "(aliases repeated like a 'billion laughs' bomb?)", node.start_mark)
        if depth > MAX_DEPTH:
            raise _TooBig(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return YScalar(str(node.value), node.tag, _pos(node.start_mark), node.style in (None, ""))
        if isinstance(node, yaml.SequenceNode):
            return YSeq(tuple(self.node(item, depth + 1) for item in node.value), _pos(node.start_mark))
        assert isinstance(node, yaml.MappingNode)
        pairs: list[tuple[YScalar, YNode]] = []
        merged: list[tuple[YScalar, YNode]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                for src in self._merge_sources(value_node, depth):
                    merged.extend(src.pairs)
                continue
            key = self.node(key_node, depth + 1)
            if not isinstance(key, YScalar):
                key = YScalar("", "tag:yaml.org,2002:null", key.pos, True)
            pairs.append((key, self.node(value_node, depth + 1)))
        own = {k.value for k, _ in pairs}
        # Explicit keys win over merged ones; earlier merge sources win over later ones.
        seen: set[str] = set()
        for k, v in merged:
            if k.value not in own and k.value not in seen:
                pairs.append((k, v))
                seen.add(k.value)
        return YMap(tuple(pairs), _pos(node.start_mark))

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
