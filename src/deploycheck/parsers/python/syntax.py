"""Helpers over `ast` nodes shared by the reader's mixins.

Positions of nodes (1-based), the children of a node in source order, keyword arguments and
string literals of calls, the `if __name__ == "__main__":` test, except clauses that catch a
failed lookup, assignment targets, and the module-level statements of a file, descending into
if/try/with blocks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from deploycheck.model import Position


def _pos(node: ast.AST) -> Position:
    return Position(getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1)


_INTERESTING = frozenset({ast.Call, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Dict,
                          ast.Subscript, ast.Compare, ast.Constant})
_SKIP_FIELDS = frozenset({"ctx", "annotation", "returns", "type_comment", "type_params", "type_ignores"})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _children(node: ast.AST) -> list[ast.AST]:
    """Child nodes in source order, without `ctx` and annotations (a cheaper ast.iter_child_nodes)."""
    cls = type(node)
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = tuple(f for f in cls._fields if f not in _SKIP_FIELDS)
    out: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            out.extend(v for v in value if isinstance(v, ast.AST))
        elif isinstance(value, ast.AST):
            out.append(value)
    out.reverse()
    return out


def _kw(node: ast.Call, name: str) -> ast.expr | None:
    for k in node.keywords:
        if k.arg == name:
            return k.value
    return None


def _literal_str(node: ast.AST | None) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


def _is_main_test(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return bool(names and consts)


def _catches_lookup(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = [handler.type] if not isinstance(handler.type, ast.Tuple) else list(handler.type.elts)
    return any(isinstance(n, ast.Name) and n.id in ("KeyError", "LookupError", "Exception", "BaseException")
               for n in names)


def _assign_targets(stmt: ast.AST) -> list[ast.Name]:
    if isinstance(stmt, ast.Assign):
        out: list[ast.Name] = []
        for t in stmt.targets:
            if isinstance(t, ast.Name):
                out.append(t)
            elif isinstance(t, (ast.Tuple, ast.List)):
                out.extend(e for e in t.elts if isinstance(e, ast.Name))
        return out
    if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and isinstance(stmt.target, ast.Name):
        return [stmt.target]
    return []


def _top_statements(body: list[ast.stmt], conditional: bool) -> Iterator[tuple[ast.stmt, bool]]:
    """Module-level statements, descending into if/try/with blocks (marked conditional)."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            if _is_main_test(stmt.test):
                continue
            yield from _top_statements(stmt.body, True)
            yield from _top_statements(stmt.orelse, True)
        elif isinstance(stmt, ast.Try):
            yield from _top_statements(stmt.body, True)
            for h in stmt.handlers:
                yield from _top_statements(h.body, True)
            yield from _top_statements(stmt.orelse, True)
            yield from _top_statements(stmt.finalbody, conditional)
        elif isinstance(stmt, ast.With):
            yield from _top_statements(stmt.body, conditional)
        else:
            yield stmt, conditional
