"""Tree-sitter plumbing and node helpers: the one query, the parser, and readers of single nodes.

`_QUERY_TEXT` names the node kinds the reader looks at (captured in C, sorted by position);
`_tools` builds the Go parser and the compiled query once per process, importing tree-sitter
lazily so that start-up does not pay for it. `_first_error` finds the first syntax error,
`go_string` reads the value of a Go string literal, and `_address_of` strips `&T{...}` and
parentheses down to what they hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Query

_QUERY_TEXT = """
(call_expression) @call
(composite_literal) @lit
(short_var_declaration) @assign
(assignment_statement) @assign
(var_spec) @assign
(const_spec) @assign
(if_statement) @if
(function_declaration) @func
(method_declaration) @func
(field_declaration) @field
(comment) @comment
(import_spec) @import
(package_clause) @package
"""

_TOOLS: list[Any] = []  # [Parser, Query], created on first use, once per process


def _tools() -> tuple[Parser, Query]:
    if not _TOOLS:
        import tree_sitter
        import tree_sitter_go

        language = tree_sitter.Language(tree_sitter_go.language())
        _TOOLS.extend([tree_sitter.Parser(language), tree_sitter.Query(language, _QUERY_TEXT)])
    return _TOOLS[0], _TOOLS[1]


def _first_error(root: Node) -> Node | None:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return node
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


def go_string(node: Node | None) -> str | None:
    """The value of a Go string literal node, or None."""
    if node is None:
        return None
    raw = (node.text or b"").decode("utf-8", "replace")
    if node.type == "raw_string_literal":
        return raw[1:-1] if len(raw) >= 2 else ""
    if node.type == "interpreted_string_literal":
        body = raw[1:-1] if len(raw) >= 2 else ""
        if "\\" not in body:
            return body
        out: list[str] = []
        i = 0
        simple = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'", "0": "\0"}
        while i < len(body):
            ch = body[i]
            if ch == "\\" and i + 1 < len(body):
                out.append(simple.get(body[i + 1], body[i + 1]))
                i += 2
            else:
                out.append(ch)
                i += 1
        return "".join(out)
    return None


def _address_of(node: Node) -> Node:
    """`&T{...}` and `(x)` stripped to what they hold."""
    while True:
        inner: Node | None = None
        if node.type == "unary_expression":
            first = node.child(0)
            if first is not None and first.type == "&":
                inner = node.child_by_field_name("operand")
        elif node.type == "parenthesized_expression" and node.named_children:
            inner = node.named_children[0]
        if inner is None:
            return node
        node = inner
