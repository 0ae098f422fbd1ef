"""Assignments: which values each name is given, per function scope, and the `if x == ""` fallbacks.

`_Assignments` records every `:=`, `=`, `var` and `const` (and `flag.StringVar(&x, ...)`) as
`_Assign` entries under the scope it happens in ("" for package level); a compound assignment
such as `x += ...` makes a name non-constant. It then marks the assignments inside
`if x == "" { x = "8080" }` (or `len(x) == 0`, or `!ok` of `os.LookupEnv`) as fallbacks, so a
value read from the environment can carry its default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploycheck.model.golang import ValuePart
from deploycheck.parsers.golang.base import _Base
from deploycheck.parsers.golang.records import _Assign
from deploycheck.parsers.golang.syntax import go_string

if TYPE_CHECKING:
    from tree_sitter import Node


class _Assignments(_Base):
    def _read_assignments(self) -> None:
        for stmt in self.caps.get("assign", []):
            if stmt.type in ("short_var_declaration", "assignment_statement"):
                left = stmt.child_by_field_name("left")
                right = stmt.child_by_field_name("right")
                if stmt.type == "assignment_statement" and self._operator(stmt) != "=":
                    names = [] if left is None else left.named_children
                    for node in names:  # `x += ...` makes x non-constant
                        self._add_assign(stmt, self.text(node), _Assign(None, stmt, 0, False))
                    continue
                lhs = left.named_children if left is not None else []
                rhs = right.named_children if right is not None else []
            else:
                lhs = stmt.children_by_field_name("name")
                value = stmt.child_by_field_name("value")
                rhs = value.named_children if value is not None else []
            for i, target in enumerate(lhs):
                name = self.text(target)
                if target.type not in ("identifier", "selector_expression") or name == "_":
                    continue
                if len(rhs) == len(lhs):
                    assign = _Assign(rhs[i], stmt, i, False)
                elif len(rhs) == 1:
                    assign = _Assign(rhs[0], stmt, i, True)
                else:
                    assign = _Assign(None, stmt, i, False)
                self._add_assign(stmt, name, assign)
        # flag.StringVar(&x, "name", "default", "usage") assigns x
        for call in self.caps.get("call", []) if "flag" in self.aliases.values() else []:
            path, name, _ = self.callee(call)
            if path == "flag" and name.endswith("Var") and name != "Var":
                args = self.args(call)
                if len(args) >= 3 and args[0].type == "unary_expression":
                    var = self.text(args[0].child_by_field_name("operand"))
                    flag_name = go_string(args[1])
                    if var and flag_name is not None:
                        part = ValuePart("flag", flag_name, self._literal_text(args[2]), self.pos(call))
                        assign = _Assign(None, call, 0, False, flag=part)
                        self._add_assign(call, var, assign)
                        if not self._declared_locally(call, var):
                            self.locals.setdefault("", {}).setdefault(var, []).append(assign)

    def _declared_locally(self, node: Node, name: str) -> bool:
        scope = self.scope_name(node)
        return bool(scope) and any(
            a.stmt.type in ("short_var_declaration", "var_spec")
            for a in self.locals.get(scope, {}).get(name, [])
        )

    def _add_assign(self, stmt: Node, name: str, assign: _Assign) -> None:
        self.locals.setdefault(self.scope_name(stmt), {}).setdefault(name, []).append(assign)

    def _read_fallbacks(self) -> None:
        """Mark `if x == "" { x = "8080" }` (and `if !ok`) assignments as fallbacks."""
        for node in self.ifs:
            var, _ = self._empty_test(node)
            consequence = node.child_by_field_name("consequence")
            if not var or consequence is None:
                continue
            for assign in self.locals.get(self.scope_name(node), {}).get(var, []):
                if consequence.start_byte <= assign.stmt.start_byte < consequence.end_byte:
                    assign.fallback = True

    def _empty_test(self, if_node: Node) -> tuple[str, Node | None]:
        """The variable an `if` tests for emptiness (`x == ""`, `len(x) == 0`, `!ok` of LookupEnv)."""
        cond = if_node.child_by_field_name("condition")
        if cond is None:
            return "", None
        if cond.type == "binary_expression" and self._operator(cond) in ("||", "&&"):
            cond = cond.child_by_field_name("left")
            if cond is None:
                return "", None
        if cond.type == "binary_expression" and self._operator(cond) == "==":
            left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
            for a, b in ((left, right), (right, left)):
                if a is None or b is None:
                    continue
                if a.type == "identifier" and self.text(b) in ('""', "``"):
                    return self.text(a), cond
                if (
                    a.type == "call_expression"
                    and self.text(a.child_by_field_name("function")) == "len"
                    and self.text(b) == "0"
                ):
                    inner = self.args(a)
                    if inner and inner[0].type == "identifier":
                        return self.text(inner[0]), cond
                if a.type == "call_expression" and self.text(b) in ('""', "``"):
                    return "", a  # os.Getenv("X") == ""
        if cond.type == "unary_expression" and self._operator(cond) == "!":
            operand = cond.child_by_field_name("operand")
            ok = self.text(operand)
            for assign in self.locals.get(self.scope_name(if_node), {}).get(ok, []):
                if assign.multi and assign.index == 1 and assign.value is not None:
                    _, name, _ = (
                        self.callee(assign.value)
                        if assign.value.type == "call_expression"
                        else ("", "", None)
                    )
                    if name == "LookupEnv":
                        left = assign.stmt.child_by_field_name("left")
                        if left is not None and left.named_children:
                            return self.text(left.named_children[0]), cond
        return "", None
