"""Value resolution: what an expression evaluates to, as `ValuePart`s, without running anything.

`_Values.resolve` follows string and number literals, `+`, constants and variables assigned once
(with their fallbacks), `pkg.Name` of other packages, fields of struct literals and of config
loaders, `os.Getenv`/`LookupEnv`, `flag` defaults, `fmt.Sprintf`/`Sprint`, `strconv`,
`net.JoinHostPort`, `cmp.Or` and getEnv-style helpers; what stays unknown is kept as an "ident"
or "call" part for `model.golang.assemble`. `_returned_fields` turns a function returning one
config struct literal into values named `Load().Port` for callers in any file or package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploycheck.model.golang import PackageValue, ValuePart
from deploycheck.parsers.golang.assignments import _Assignments
from deploycheck.parsers.golang.envtags import _EnvTags
from deploycheck.parsers.golang.records import _Func
from deploycheck.parsers.golang.syntax import _address_of, go_string
from deploycheck.parsers.golang.tables import _helper_name, _looks_like_env

if TYPE_CHECKING:
    from tree_sitter import Node


class _Values(_Assignments, _EnvTags):
    def resolve(self, node: Node | None, scope: str, depth: int = 0) -> list[ValuePart]:
        if node is None or depth > 12:
            return [ValuePart("unknown", self.text(node))]
        kind = node.type
        if kind in ("interpreted_string_literal", "raw_string_literal"):
            return [ValuePart("lit", go_string(node) or "", None, self.pos(node))]
        if kind in ("int_literal", "float_literal"):
            return [ValuePart("lit", self.text(node), None, self.pos(node))]
        if kind == "parenthesized_expression" and node.named_children:
            return self.resolve(node.named_children[0], scope, depth + 1)
        if kind == "binary_expression" and self._operator(node) == "+":
            return self.resolve(node.child_by_field_name("left"), scope, depth + 1) + self.resolve(
                node.child_by_field_name("right"), scope, depth + 1
            )
        if kind == "unary_expression" and self._operator(node) == "*":
            return self.resolve(node.child_by_field_name("operand"), scope, depth + 1)
        if kind == "identifier":
            return self.resolve_ident(self.text(node), scope, depth + 1, node)
        if kind == "call_expression":
            return self._resolve_call(node, scope, depth)
        if kind == "selector_expression":
            return self._resolve_selector(node, scope, depth)
        return [ValuePart("unknown", self.text(node), None, self.pos(node))]

    def _resolve_selector(self, node: Node, scope: str, depth: int) -> list[ValuePart]:
        """`pkg.Name` (another package's const or var), or `cfg.Field` where cfg holds a struct
        literal or the result of a function that returns one (`cfg := config.Load()`)."""
        where = self.pos(node)
        unknown = [ValuePart("unknown", self.text(node), None, where)]
        operand = node.child_by_field_name("operand")
        field_name = self.text(node.child_by_field_name("field"))
        if operand is None or operand.type != "identifier" or not field_name:
            return unknown
        var = self.text(operand)
        assigns = self.locals.get(scope, {}).get(var) or self.locals.get("", {}).get(var)
        if not assigns and var in self.aliases:
            return [ValuePart("ident", field_name, None, where, arg=self.aliases[var])]
        whole = self.text(node)
        if self.locals.get(scope, {}).get(whole) or self.locals.get("", {}).get(whole):
            return self.resolve_ident(whole, scope, depth + 1, node)  # `cfg.Port = ...`
        primary = [a for a in assigns or [] if not a.fallback]
        at_scope = scope if self.locals.get(scope, {}).get(var) else ""
        if len(primary) == 1 and not (primary[0].multi and primary[0].index):
            value_node = _address_of(primary[0].value) if primary[0].value is not None else None
            tagged = self._env_field(var, field_name, at_scope, value_node, where)
            if tagged is not None:
                return [tagged]
        if len(primary) != 1 or primary[0].value is None or (primary[0].multi and primary[0].index):
            return unknown
        if self._handed_to_calls(var, at_scope):
            return unknown  # `yaml.Unmarshal(data, &cfg)`, `cfg.Load()`: the literal may not last
        value = _address_of(primary[0].value)
        if value.type == "composite_literal":
            found = dict(self._keyed(value)).get(field_name)
            return self.resolve(found, at_scope, depth + 1) if found is not None else unknown
        if value.type == "call_expression" and not self.args(value):
            path, name, receiver = self.callee(value)
            if receiver is None and name:
                # resolved by `assemble`, from the function's PackageValue (maybe in another package)
                return [ValuePart("ident", f"{name}().{field_name}", None, where, arg=path)]
        return unknown

    def resolve_ident(
        self, name: str, scope: str, depth: int = 0, node: Node | None = None
    ) -> list[ValuePart]:
        where = self.pos(node) if node is not None else None
        if depth > 12:
            return [ValuePart("unknown", name, None, where)]
        assigns = self.locals.get(scope, {}).get(name)
        at_scope = scope
        if not assigns and scope:
            func = next((f for f in self.funcs if f.name == scope), None)
            if func is not None and name in func.params:
                return [ValuePart("unknown", name, None, where)]
            assigns = self.locals.get("", {}).get(name)
            at_scope = ""
        if not assigns:
            return [ValuePart("ident", name, None, where)]
        primary = [a for a in assigns if not a.fallback]
        fallbacks = [a for a in assigns if a.fallback]
        if len(primary) != 1:
            return [ValuePart("unknown", name, None, where)]
        first = primary[0]
        if first.flag is not None:
            return [first.flag]
        if first.value is None:
            return [ValuePart("unknown", name, None, where)]
        if first.multi:
            is_lookup = first.value.type == "call_expression" and self.callee(first.value)[1] == "LookupEnv"
            if not (is_lookup and first.index == 0):
                return [ValuePart("unknown", name, None, where)]
        parts = self.resolve(first.value, at_scope, depth + 1)
        if fallbacks and len(parts) == 1 and parts[0].kind == "env" and parts[0].default is None:
            fallback = fallbacks[0].value
            extra = self.resolve(fallback, at_scope, depth + 1) if fallback is not None else []
            if len(extra) == 1 and extra[0].kind == "lit":
                return [ValuePart("env", parts[0].text, extra[0].text, parts[0].pos)]
        elif fallbacks:
            return [ValuePart("unknown", name, None, where)]
        return parts

    def _resolve_call(self, call: Node, scope: str, depth: int) -> list[ValuePart]:
        path, name, receiver = self.callee(call)
        args = self.args(call)
        where = self.pos(call)
        unknown = [ValuePart("unknown", self.text(call), None, where)]
        if path == "os" and name in ("Getenv", "LookupEnv") and args:
            key = go_string(args[0])
            return [ValuePart("env", key, None, where)] if key else unknown
        if (
            path == "flag"
            and name in ("String", "Int", "Int64", "Uint", "Uint64", "Float64", "Duration")
            and len(args) >= 2
        ):
            flag_name = go_string(args[0])
            if flag_name is not None:
                return [ValuePart("flag", flag_name, self._literal_text(args[1]), where)]
        if path == "fmt" and name == "Sprintf" and args:
            return self._sprintf(args, scope, depth) or unknown
        if path == "fmt" and name == "Sprint" and len(args) >= 1:
            return [p for a in args for p in self.resolve(a, scope, depth + 1)]
        if path == "strconv" and name in ("Itoa", "FormatInt", "FormatUint", "Quote") and args:
            return self.resolve(args[0], scope, depth + 1)
        if path == "net" and name == "JoinHostPort" and len(args) == 2:
            host = self.resolve(args[0], scope, depth + 1)
            return [*host, ValuePart("lit", ":"), *self.resolve(args[1], scope, depth + 1)]
        if path == "cmp" and name == "Or" and len(args) >= 2:
            first = self.resolve(args[0], scope, depth + 1)
            rest = self.resolve(args[1], scope, depth + 1)
            if len(first) == 1 and first[0].kind == "env" and len(rest) == 1 and rest[0].kind == "lit":
                return [ValuePart("env", first[0].text, rest[0].text, first[0].pos)]
            return unknown
        if path and _helper_name(name) and 1 <= len(args) <= 2 and _looks_like_env(go_string(args[0]) or ""):
            default = self._const_text(args[1], scope, depth + 1) if len(args) == 2 else None
            return [ValuePart("env", go_string(args[0]) or "", default, where)]
        if not path and receiver is None and len(args) == 2:
            key = go_string(args[0])
            fallback = self._const_text(args[1], scope, depth + 1)
            if key:
                if name in self.helpers:
                    return [ValuePart("env", key, fallback, where)]
                return [ValuePart("call", name, fallback, where, key)]
        return unknown

    def _sprintf(self, args: list[Node], scope: str, depth: int) -> list[ValuePart] | None:
        fmt = go_string(args[0])
        if fmt is None:
            return None
        parts: list[ValuePart] = []
        rest = args[1:]
        literal: list[str] = []
        i = 0
        while i < len(fmt):
            ch = fmt[i]
            if ch != "%":
                literal.append(ch)
                i += 1
                continue
            if fmt[i + 1 : i + 2] == "%":
                literal.append("%")
                i += 2
                continue
            j = i + 1
            while j < len(fmt) and fmt[j] in "+-# 0123456789.":
                j += 1
            if j >= len(fmt) or not rest:
                return None
            if literal:
                parts.append(ValuePart("lit", "".join(literal)))
                literal = []
            parts.extend(self.resolve(rest.pop(0), scope, depth + 1))
            i = j + 1
        if literal:
            parts.append(ValuePart("lit", "".join(literal)))
        return parts

    def effective(self, node: Node, scope: str) -> str | None:
        """The string a node evaluates to with no run-time input (env fallbacks, flag defaults)."""
        parts = self.resolve(node, scope)
        texts = [p.effective() for p in parts]
        if any(t is None for t in texts):
            return None
        return "".join(t for t in texts if t is not None)

    def _const_text(self, node: Node, scope: str, depth: int = 0) -> str | None:
        """The text of a literal or of a constant expression (no env or flag involved)."""
        literal = self._literal_text(node)
        if literal is not None:
            return literal
        parts = self.resolve(node, scope, depth + 1)
        if all(p.kind == "lit" for p in parts):
            return "".join(p.text for p in parts)
        return None

    def _returned_fields(self, func: _Func) -> list[PackageValue]:
        """`func Load() *Config { return &Config{Port: getEnv("PORT", "8080")} }`: the fields of
        the one struct literal the function returns (directly, or through a variable), as values
        named `Load().Port` for callers in any file or package."""
        body = func.node.child_by_field_name("body")
        if body is None or func.node.type != "function_declaration" or func.params or \
                func.node.child_by_field_name("result") is None or \
                self.data.find(b"return", body.start_byte, body.end_byte) < 0:
            return []
        literals: list[tuple[Node, str]] = []  # (struct literal, variable it is returned through)
        stack = list(body.named_children)
        while stack:
            node = stack.pop()
            if node.type == "func_literal":
                continue
            if node.type != "return_statement":
                stack.extend(node.named_children)
                continue
            values = node.named_children[0].named_children if node.named_children else []
            first = _address_of(values[0]) if values else None
            if first is None or first.type == "nil":
                continue
            if first.type == "identifier":
                named = self.locals.get(func.name, {}).get(self.text(first), [])
                assigns = [a for a in named if not a.fallback]
                value = _address_of(assigns[0].value) if len(assigns) == 1 and assigns[0].value else None
                if value is None or value.type != "composite_literal":
                    return []
                literals.append((value, self.text(first)))
            elif first.type == "composite_literal":
                literals.append((first, ""))
            else:
                return []
        if len(literals) != 1:
            return []
        literal, var = literals[0]
        if var and (func.name, var) not in self.env_filled and self._handed_to_calls(var, func.name):
            return []  # filled by a decoder or a method: the literal is only a starting point
        if var and (func.name, var) in self.env_filled:
            type_name = self.text(literal.child_by_field_name("type")).lstrip("*")
            tagged = [(f, self._env_field(var, f, func.name, literal, None))
                      for f in self.struct_env.get(type_name, {})]
            return [PackageValue(f"{func.name}().{f}", (part,), self.path) for f, part in tagged if part]
        fields: dict[str, Node | None] = dict(self._keyed(literal))
        if var:  # `cfg.Port = ...` after the literal wins
            for name in self.locals.get(func.name, {}):
                if name.startswith(var + ".") and "." not in name[len(var) + 1:]:
                    fields[name[len(var) + 1:]] = None
        out = []
        for name, value in fields.items():
            if value is None:
                parts = self.resolve_ident(f"{var}.{name}", func.name)
            else:
                parts = self.resolve(value, func.name)
            out.append(PackageValue(f"{func.name}().{name}", tuple(parts), self.path))
        return out
