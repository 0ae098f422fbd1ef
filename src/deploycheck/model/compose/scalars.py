"""The base of the compose reader: reading a tree's scalars as text, lists, booleans and
`KEY=VALUE` pairs, interpolating `${VAR}` references with the folder's variables, and collecting
the references and parse problems met along the way (each reported once).
"""

from __future__ import annotations

from collections.abc import Mapping

from deploycheck.model.compose.tree import RawMap, RawNode, RawScalar, RawSeq
from deploycheck.model.envfile import EnvValue, VarRef, interpolate
from deploycheck.model.location import Location, Position
from deploycheck.model.problems import ParseProblem


class _ScalarReader:
    """Scalars of one compose file, interpolated with `env`; see `_Reader` for services."""

    def __init__(self, path: str, env: Mapping[str, EnvValue]) -> None:
        self.path = path
        self.env = env
        self.directory = path.rpartition("/")[0]
        self.refs: list[VarRef] = []
        self.problems: list[ParseProblem] = []
        self._seen_refs: set[tuple[int, int, str]] = set()
        self._seen_problems: set[tuple[int, int, str]] = set()

    def problem(self, pos: Position, message: str) -> None:
        key = (pos.line, pos.column, message)
        if key not in self._seen_problems:
            self._seen_problems.add(key)
            self.problems.append(ParseProblem(Location.at(self.path, pos), message, "compose"))

    def interp(self, node: RawScalar) -> tuple[str, tuple[VarRef, ...]]:
        if "$" not in node.text:
            return node.text, ()
        text = node.text
        start = node.pos
        shift = 0 if node.plain else 1
        one_line = "\n" not in text

        def pos_of(offset: int) -> Position:
            if one_line:
                return Position(start.line, start.column + shift + offset)
            return start

        result = interpolate(text, self.env, self.path, pos_of)
        for ref in result.refs:
            key = (ref.pos.line, ref.pos.column, ref.name)
            if key not in self._seen_refs:
                self._seen_refs.add(key)
                self.refs.append(ref)
        if result.error:
            self.problem(node.pos, f"{result.error}: Compose stops with 'invalid interpolation "
                                   "format'; write a literal $ as $$")
        return result.value, result.refs

    def text(self, node: RawNode | None) -> str:
        if isinstance(node, RawScalar) and not node.is_null:
            return self.interp(node)[0]
        return ""

    def strings(self, node: RawNode | None) -> list[tuple[str, RawScalar]]:
        """A list of strings, or a single string read as a one-item list."""
        if isinstance(node, RawScalar):
            return [] if node.is_null else [(self.text(node), node)]
        if isinstance(node, RawSeq):
            return [(self.text(item), item) for item in node.items
                    if isinstance(item, RawScalar) and not item.is_null]
        return []

    def boolean(self, node: RawNode | None) -> bool | None:
        if not isinstance(node, RawScalar):
            return None
        text = self.text(node).strip().lower()
        if text in ("true", "yes", "on", "y"):
            return True
        if text in ("false", "no", "off", "n"):
            return False
        return None

    def key_values(self, node: RawNode | None) -> list[tuple[str, str | None, RawScalar]]:
        """`KEY=VALUE` lists and `KEY: VALUE` maps alike; a missing value is None."""
        out: list[tuple[str, str | None, RawScalar]] = []
        if isinstance(node, RawSeq):
            for item in node.items:
                if not isinstance(item, RawScalar) or item.is_null:
                    continue
                text = self.text(item)
                name, eq, rest = text.partition("=")
                out.append((name.strip(), rest if eq else None, item))
        elif isinstance(node, RawMap):
            for key, value_node in node.pairs:
                if isinstance(value_node, RawScalar):
                    value = None if value_node.is_null else self.text(value_node)
                    out.append((key.text, value, key))
                else:
                    self.problem(value_node.pos, f"the value of {key.text} must be a string, "
                                                 "number, boolean or null")
        return out
