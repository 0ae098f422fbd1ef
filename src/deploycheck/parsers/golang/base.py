"""The reader's state and its basic questions about nodes.

`_Base` holds what one file's pass collects (captured nodes by kind, import aliases, functions
sorted by start, assignments per scope, routers, env helpers, env-tag structs) and answers the
questions every mixin asks: a node's text and 1-based position (in characters, not bytes), the
function a node is in, what a call calls (memoized), its arguments, captured nodes inside a
range, and the pieces of literals and assignments (operators, keyed fields, elements, the name a
call's result is assigned to).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import TYPE_CHECKING

from deploycheck.model import Position
from deploycheck.model.golang import GoImport
from deploycheck.parsers.golang.records import _Assign, _Func, _Router
from deploycheck.parsers.golang.syntax import go_string

if TYPE_CHECKING:
    from tree_sitter import Node


class _Base:
    def __init__(self, path: str, data: bytes, caps: dict[str, list[Node]]) -> None:
        self.path = path
        self.data = data
        self.ascii = data.isascii()
        self.caps = caps
        self.aliases: dict[str, str] = {}  # local package name -> import path
        self.imports: list[GoImport] = []
        self.package = ""
        self.package_pos: Position | None = None
        self.funcs: list[_Func] = []
        self.func_starts: list[int] = []
        self.locals: dict[str, dict[str, list[_Assign]]] = {}
        self.struct_env: dict[str, dict[str, tuple[str, str | None]]] = {}  # type -> field -> tag
        self.env_filled: dict[tuple[str, str], str] = {}  # (scope, variable) -> envconfig prefix
        self.routers: dict[str, _Router] = {}
        self.helpers: set[str] = set()
        self.ifs = caps.get("if", [])
        # the same (start, end) can be a call and its callee in `f()()`: keys are call nodes only
        self._callees: dict[int, tuple[str, str, Node | None]] = {}
        self._args: dict[int, list[Node]] = {}
        for node in caps.get("package", []):
            ident = node.named_children[0] if node.named_children else None
            if ident is not None:
                self.package = self.text(ident)
                self.package_pos = self.pos(node)
                break

    def text(self, node: Node | None) -> str:
        if node is None:
            return ""
        return (node.text or b"").decode("utf-8", "replace")

    def pos(self, node: Node) -> Position:
        row, column = node.start_point
        if not self.ascii and column:
            start = node.start_byte - column
            column = len(self.data[start : node.start_byte].decode("utf-8", "replace"))
        return Position(row + 1, column + 1)

    def scope_of(self, node: Node) -> _Func | None:
        i = bisect.bisect_right(self.func_starts, node.start_byte) - 1
        if i >= 0 and self.funcs[i].start <= node.start_byte < self.funcs[i].end:
            return self.funcs[i]
        return None

    def scope_name(self, node: Node) -> str:
        func = self.scope_of(node)
        return func.name if func else ""

    def qualified(self, node: Node | None) -> tuple[str, str]:
        """(import path, name) for `pkg.Name` where pkg is an imported package; else ('', '')."""
        if node is not None and node.type == "selector_expression":
            operand = node.child_by_field_name("operand")
            if operand is not None and operand.type == "identifier":
                path = self.aliases.get(self.text(operand))
                if path:
                    return path, self.text(node.child_by_field_name("field"))
        return "", ""

    def callee(self, call: Node) -> tuple[str, str, Node | None]:
        """(import path or '', name, receiver node or None) of a call; memoized (rules ask often)."""
        key = call.start_byte << 32 | call.end_byte
        found = self._callees.get(key)
        if found is None:
            found = self._callee(call)
            self._callees[key] = found
        return found

    def _callee(self, call: Node) -> tuple[str, str, Node | None]:
        func = call.child_by_field_name("function")
        if func is None:
            return "", "", None
        if func.type == "identifier":
            return "", self.text(func), None
        if func.type == "selector_expression":
            operand = func.child_by_field_name("operand")
            name = self.text(func.child_by_field_name("field"))
            if operand is not None and operand.type == "identifier":
                path = self.aliases.get(self.text(operand))
                if path:
                    return path, name, None
            return "", name, operand
        return "", "", None

    def args(self, call: Node) -> list[Node]:
        key = call.start_byte << 32 | call.end_byte
        found = self._args.get(key)
        if found is None:
            arguments = call.child_by_field_name("arguments")
            found = list(arguments.named_children) if arguments is not None else []
            self._args[key] = found
        return found

    def in_range(self, name: str, node: Node) -> Iterator[Node]:
        """Captured nodes of `name` inside `node`."""
        nodes = self.caps.get(name, [])
        i = bisect.bisect_left([n.start_byte for n in nodes], node.start_byte)
        while i < len(nodes) and nodes[i].start_byte < node.end_byte:
            yield nodes[i]
            i += 1

    @staticmethod
    def _operator(stmt: Node) -> str:
        op = stmt.child_by_field_name("operator")
        return (op.text or b"").decode() if op is not None else "="

    def _literal_text(self, node: Node) -> str | None:
        if node.type in ("interpreted_string_literal", "raw_string_literal"):
            return go_string(node)
        if node.type in ("int_literal", "float_literal", "true", "false"):
            return self.text(node)
        return None

    def _keyed(self, lit: Node) -> list[tuple[str, Node]]:
        out: list[tuple[str, Node]] = []
        body = lit.child_by_field_name("body")
        for element in body.named_children if body is not None else []:
            if element.type == "keyed_element" and len(element.named_children) >= 2:
                key, value = element.named_children[0], element.named_children[-1]
                if value.type == "literal_element" and value.named_children:
                    value = value.named_children[0]
                out.append((self.text(key), value))
        return out

    def _elements(self, lit: Node) -> list[Node]:
        body = lit.child_by_field_name("body")
        return [e for e in body.named_children if e.type == "literal_element"] if body is not None else []

    def _assigned_name(self, call: Node) -> str:
        parent = call.parent
        if parent is not None and parent.type == "expression_list" and parent.parent is not None:
            stmt = parent.parent
            left = stmt.child_by_field_name("left")
            if left is not None and left.named_children:
                return self.text(left.named_children[0])
            names = stmt.children_by_field_name("name")
            if names:
                return self.text(names[0])
        if (
            parent is not None
            and parent.type == "literal_element"
            and parent.parent is not None
            and parent.parent.type == "keyed_element"
            and parent.parent.named_children
        ):
            return self.text(parent.parent.named_children[0])
        return ""
