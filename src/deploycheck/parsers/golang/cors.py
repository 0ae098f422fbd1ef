"""Hand-written CORS handlers: functions that set `Access-Control-Allow-Origin` themselves.

`_CorsHandlers` finds, per function, the header sets of `Access-Control-Allow-Origin` and
`-Credentials` (`c.Header(k, v)`, `w.Header().Set(k, v)`), tells whether the origin is `*`, a
literal, or the request's `Origin` reflected back, whether a reflected origin is compared with
anything first (`_in_check`), and whether the function answers `OPTIONS` preflights itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploycheck.model.golang import CorsHandler
from deploycheck.parsers.golang.base import _Base
from deploycheck.parsers.golang.records import _Func
from deploycheck.parsers.golang.syntax import go_string
from deploycheck.parsers.golang.tables import _NOT_CHECKS, ACAC, ACAO, RESPOND_NAMES, _mentions_options

if TYPE_CHECKING:
    from tree_sitter import Node

    from deploycheck.parsers.golang.records import _Facts


class _CorsHandlers(_Base):
    def _header_set(self, call: Node) -> tuple[str, Node] | None:
        """(lower-cased header name, value node) for c.Header(k, v) / X.Header().Set(k, v) / .Add."""
        _, name, receiver = self.callee(call)
        args = self.args(call)
        if len(args) != 2:
            return None
        if name == "Header" or (
            name in ("Set", "Add")
            and receiver is not None
            and self.text(receiver).replace(" ", "").endswith(("Header()", "Header"))
        ):
            key = go_string(args[0])
            if key:
                return key.lower(), args[1]
        return None

    def _origin_read(self, node: Node) -> bool:
        if node.type != "call_expression":
            return False
        _, name, _ = self.callee(node)
        args = self.args(node)
        return (
            name in ("GetHeader", "Get") and len(args) == 1 and (go_string(args[0]) or "").lower() == "origin"
        )

    def _read_cors_handlers(self, facts: _Facts) -> None:
        if b"ccess-control-allow-" not in self.data.lower():
            return  # cheap pre-check: no CORS header name anywhere in the file
        per_func: dict[int, list[tuple[str, Node, Node]]] = {}
        for call in self.caps.get("call", []):
            found = self._header_set(call)
            if found is not None and found[0] in (ACAO, ACAC):
                func = self.scope_of(call)
                if func is not None:
                    per_func.setdefault(func.start, []).append((found[0], found[1], call))
        for start, sets in per_func.items():
            func = next(f for f in self.funcs if f.start == start)
            origin_sets = [(v, c) for k, v, c in sets if k == ACAO]
            if not origin_sets:
                continue
            value, set_call = origin_sets[0]
            scope = func.name
            origin, origin_value, checked = "other", self.text(value), True
            literal = go_string(value)
            if literal is not None:
                origin, origin_value = ("*" if literal == "*" else "literal"), literal
            else:
                reads = self._origin_nodes(value, scope)
                if reads is not None:
                    origin = "reflect"
                    checked = self._origin_checked(func, reads, set_call)
            credentials = [c for k, v, c in sets if k == ACAC and (go_string(v) or "").lower() == "true"]
            facts.cors_handlers.append(
                CorsHandler(
                    name=func.name,
                    origin=origin,
                    origin_value=origin_value,
                    origin_pos=self.pos(set_call),
                    origin_checked=checked,
                    credentials=bool(credentials),
                    credentials_pos=self.pos(credentials[0]) if credentials else None,
                    answers_options=self._answers_options(func),
                    path=self.path,
                    pos=self.pos(func.node.child_by_field_name("name") or func.node),
                )
            )

    def _origin_nodes(self, value: Node, scope: str) -> tuple[str, Node | None] | None:
        """('', read call) when `value` reads the Origin header inline; (var, None) when it is a
        variable assigned from it; None otherwise."""
        if self._origin_read(value):
            return "", value
        if value.type == "identifier":
            name = self.text(value)
            assigns = self.locals.get(scope, {}).get(name, [])
            if assigns and all(a.value is not None and self._origin_read(a.value) for a in assigns):
                return name, None
        return None

    def _origin_checked(self, func: _Func, reads: tuple[str, Node | None], set_call: Node) -> bool:
        var, inline = reads
        body = func.node.child_by_field_name("body")
        if body is None:
            return False
        if not var:
            # inline reflection: checked only if the Origin header is also compared somewhere
            for call in self.in_range("call", body):
                if call != inline and self._origin_read(call) and self._in_check(call, body):
                    return True
            return False
        stack = [body]
        while stack:
            node = stack.pop()
            if node.type == "identifier" and self.text(node) == var and self._in_check(node, body):
                return True
            stack.extend(node.named_children)
        return False

    def _in_check(self, node: Node, stop: Node) -> bool:
        """Whether `node` takes part in a comparison other than an emptiness test."""
        child, current = node, node.parent
        while current is not None and current != stop:
            kind = current.type
            if kind == "binary_expression" and self._operator(current) in ("==", "!="):
                other = (
                    current.child_by_field_name("right")
                    if child == current.child_by_field_name("left")
                    else current.child_by_field_name("left")
                )
                return other is not None and self.text(other) not in ('""', "``")
            if kind == "index_expression":
                return True  # allowed[origin]
            if kind == "expression_switch_statement" and child == current.child_by_field_name("value"):
                return True
            if kind == "argument_list" and current.parent is not None:
                _, name, _ = self.callee(current.parent)
                return self._header_set(current.parent) is None and name not in _NOT_CHECKS
            if kind in ("block", "statement_list"):
                return False
            child, current = current, current.parent
        return False

    def _answers_options(self, func: _Func) -> bool:
        body = func.node.child_by_field_name("body")
        if body is None:
            return False
        for node in self.in_range("if", body):
            cond = node.child_by_field_name("condition")
            consequence = node.child_by_field_name("consequence")
            if (
                cond is not None
                and consequence is not None
                and _mentions_options(self.text(cond))
                and self._responds(consequence)
            ):
                return True
        stack = [body]
        while stack:
            node = stack.pop()
            if node.type == "expression_case":
                value = node.child_by_field_name("value")
                if value is not None and _mentions_options(self.text(value)) and self._responds(node):
                    return True
            stack.extend(node.named_children)
        return False

    def _responds(self, block: Node) -> bool:
        for call in self.in_range("call", block):
            _, name, _ = self.callee(call)
            if name in RESPOND_NAMES:
                return True
        stack = [block]
        while stack:
            node = stack.pop()
            if node.type == "return_statement":
                return True
            stack.extend(node.named_children)
        return False
