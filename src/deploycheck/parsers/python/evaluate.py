"""Evaluation of expressions without running them, and the reads of the environment they see.

`_Evaluator.eval` resolves literals, module constants, f-strings, arithmetic, comparisons,
conditionals and a few well-known calls (`int()`, `os.path.join`, `str.lower`, `cpu_count`),
recording in a `_Trace` which environment variables a value depends on; an environment read
(`os.environ.get`, `os.getenv`, python-decouple's `config`, django-environ's `env.bool`)
evaluates to its default. Anything else is `UNKNOWN`, and recursion stops at `MAX_EVAL_DEPTH`.
The call-argument helpers the mixins use to read servers, CORS and routes live here too.
"""

from __future__ import annotations

import ast

from deploycheck.model import Position
from deploycheck.model.python import UNKNOWN, DictValue
from deploycheck.parsers.python.names import _Names
from deploycheck.parsers.python.syntax import _kw, _literal_str, _pos
from deploycheck.parsers.python.tables import _ENVIRON_CASTERS, _ENVIRON_URL_DEFAULTS
from deploycheck.parsers.python.values import _convert, _environ_cast, _known, _to_bool, _Trace

MAX_EVAL_DEPTH = 40
_STR_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "title", "casefold", "capitalize"})


class _Evaluator(_Names):
    # ---- evaluation

    def eval(self, node: ast.AST | None, trace: _Trace, depth: int = 0) -> object:
        if node is None or depth > MAX_EVAL_DEPTH:
            return UNKNOWN
        d = depth + 1
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, (str, int, float, bool, type(None))) else UNKNOWN
        if isinstance(node, ast.Name):
            const = self.consts.get(node.id)
            if const is None:
                return UNKNOWN
            trace.env.extend(const.env)
            trace.cpu = trace.cpu or const.cpu
            return const.value
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return tuple(UNKNOWN if isinstance(e, ast.Starred) else self.eval(e, trace, d) for e in node.elts)
        if isinstance(node, ast.Dict):
            return DictValue(tuple((self.eval(k, trace, d), self.eval(v, trace, d))
                                   for k, v in zip(node.keys, node.values, strict=False) if k is not None))
        if isinstance(node, ast.JoinedStr):
            parts: list[str] = []
            for v in node.values:
                val = self.eval(v.value if isinstance(v, ast.FormattedValue) else v, trace, d)
                if not isinstance(val, (str, int, float)) or isinstance(val, bool):
                    return UNKNOWN
                parts.append(str(val))
            return "".join(parts)
        if isinstance(node, ast.BinOp):
            return self._binop(node, trace, d)
        if isinstance(node, ast.UnaryOp):
            val = self.eval(node.operand, trace, d)
            if not _known(val):
                return UNKNOWN
            if isinstance(node.op, ast.Not):
                return not val
            if isinstance(node.op, ast.USub) and isinstance(val, (int, float)):
                return -val
            return UNKNOWN
        if isinstance(node, ast.BoolOp):
            vals = [self.eval(v, trace, d) for v in node.values]
            result: object = UNKNOWN
            for val in vals:
                if not _known(val):
                    return UNKNOWN
                result = val
                if isinstance(node.op, ast.And) and not val:
                    return val
                if isinstance(node.op, ast.Or) and val:
                    return val
            return result
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left = self.eval(node.left, trace, d)
            right = self.eval(node.comparators[0], trace, d)
            if not _known(left, right):
                return UNKNOWN
            op = node.ops[0]
            try:
                if isinstance(op, (ast.Eq, ast.Is)):
                    return left == right
                if isinstance(op, (ast.NotEq, ast.IsNot)):
                    return left != right
                if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (tuple, str)):
                    inside = left in right if isinstance(right, tuple) else (
                        isinstance(left, str) and left in right)
                    return inside if isinstance(op, ast.In) else not inside
            except TypeError:
                return UNKNOWN
            return UNKNOWN
        if isinstance(node, ast.IfExp):
            test = self.eval(node.test, trace, d)
            if not _known(test):
                return UNKNOWN
            return self.eval(node.body if test else node.orelse, trace, d)
        if isinstance(node, ast.Call):
            return self._call(node, trace, d)
        if isinstance(node, ast.Subscript):
            name = self.environ_subscript(node)
            if name:
                trace.env.append(name)
            return UNKNOWN
        return UNKNOWN

    def _binop(self, node: ast.BinOp, trace: _Trace, d: int) -> object:
        left = self.eval(node.left, trace, d)
        right = self.eval(node.right, trace, d)
        if not _known(left, right) or isinstance(left, bool) or isinstance(right, bool):
            return UNKNOWN
        op = node.op
        try:
            if isinstance(op, ast.Add):
                if isinstance(left, str) and isinstance(right, str):
                    return left + right
                if isinstance(left, tuple) and isinstance(right, tuple):
                    return left + right
                if isinstance(left, (int, float)) and isinstance(right, (int, float)):
                    return left + right
            numbers = isinstance(left, (int, float)) and isinstance(right, (int, float))
            if numbers and isinstance(op, ast.Mult):
                return left * right  # type: ignore[operator]
            if numbers and isinstance(op, ast.Sub):
                return left - right  # type: ignore[operator]
            if numbers and isinstance(op, ast.FloorDiv) and right:
                return left // right  # type: ignore[operator]
            if numbers and isinstance(op, ast.Div) and right:
                return left / right  # type: ignore[operator]
        except (OverflowError, ValueError, MemoryError):
            return UNKNOWN
        return UNKNOWN

    def _call(self, node: ast.Call, trace: _Trace, d: int) -> object:
        env = self.env_read(node)
        if env is not None:
            name, default, has_default, _ = env
            if name:
                trace.env.append(name)
            value = self.eval(default, trace, d) if has_default else None
            cast = _kw(node, "cast")
            if cast is not None and has_default:
                value = self._cast(cast, value)
            elif env[3] == "django-environ" and isinstance(node.func, ast.Attribute) and has_default:
                value = _environ_cast(node.func.attr, value)
            return value
        q = self.qual(node.func)
        if q in ("multiprocessing.cpu_count", "os.cpu_count", "psutil.cpu_count") or (
                q == "cpu_count" and "multiprocessing" in self.imports):
            trace.cpu = True
            return UNKNOWN
        if q == "len" and node.args and isinstance(node.args[0], ast.Call) and \
                self.qual(node.args[0].func) == "os.sched_getaffinity":
            trace.cpu = True
            return UNKNOWN
        args = [self.eval(a, trace, d) for a in node.args]
        if q in ("max", "min") and args and all(isinstance(a, (int, float)) and not isinstance(a, bool)
                                               for a in args):
            return max(args) if q == "max" else min(args)  # type: ignore[type-var]
        if q in ("str", "int", "float", "bool") and len(args) == 1:
            return _convert(q, args[0])
        if q.endswith("strtobool") and len(args) == 1:
            b = _to_bool(args[0])
            return UNKNOWN if b is UNKNOWN else int(bool(b))
        if q in ("os.path.join", "pathlib.Path", "Path") and args and all(isinstance(a, str) for a in args):
            return "/".join(str(a).rstrip("/") for a in args)
        if isinstance(node.func, ast.Attribute) and not node.keywords:
            recv = self.eval(node.func.value, trace, d)
            if isinstance(recv, str):
                meth = node.func.attr
                if meth in _STR_METHODS and not args:
                    return str(getattr(recv, meth)())
                if meth == "split" and len(args) <= 1 and all(isinstance(a, str) for a in args):
                    parts = recv.split(str(args[0])) if args else recv.split()
                    return tuple(parts)
                if meth == "join" and len(args) == 1 and isinstance(args[0], tuple) and \
                        all(isinstance(a, str) for a in args[0]):
                    return recv.join(str(a) for a in args[0])
        return UNKNOWN

    def _cast(self, cast: ast.expr, value: object) -> object:
        q = self.qual(cast)
        if q == "bool":
            return _to_bool(value)
        if q in ("int", "str", "float"):
            return _convert(q, value)
        if isinstance(cast, ast.Call) and self.qual(cast.func).endswith("Csv") and isinstance(value, str):
                return tuple(s.strip() for s in value.split(",") if s.strip())
        return value if q == "" else UNKNOWN

    # ---- environment reads

    def environ_subscript(self, node: ast.Subscript) -> str | None:
        if self.qual(node.value) != "os.environ":
            return None
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
        return ""

    def env_read(self, node: ast.Call) -> tuple[str, ast.expr | None, bool, str] | None:
        """(name, default expression, has default, via) if `node` reads an environment variable."""
        q = self.qual(node.func)
        name_node = node.args[0] if node.args else _kw(node, "key") or _kw(node, "var")
        if q in ("os.environ.get", "os.getenv", "os.environ.setdefault"):
            default = node.args[1] if len(node.args) > 1 else _kw(node, "default")
            via = "getenv" if q.endswith("getenv") else "environ.get"
            return _literal_str(name_node), default, default is not None, via
        recv_binding = self.bindings.get(q.split(".")[0], "")
        if self.match(q, ("decouple",), "config") or (
                q.split(".")[-1] == "config" and recv_binding.endswith("AutoConfig")):
            default = _kw(node, "default")
            if default is None and len(node.args) > 1:
                default = node.args[1]
            return _literal_str(name_node), default, default is not None, "decouple"
        recv = ""
        caster = ""
        if isinstance(node.func, ast.Name) and node.func.id in self.env_schemes:
            recv = node.func.id
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and \
                node.func.value.id in self.env_schemes and node.func.attr in _ENVIRON_CASTERS:
            recv, caster = node.func.value.id, node.func.attr
        if recv:
            name = _literal_str(name_node)
            if not name and caster in _ENVIRON_URL_DEFAULTS:
                name = _ENVIRON_URL_DEFAULTS[caster]
            default = _kw(node, "default")
            if default is None and len(node.args) > 1 and isinstance(node.func, ast.Attribute):
                default = node.args[1]
            scheme = self.env_schemes[recv].get(name)
            if default is None and isinstance(scheme, ast.Tuple) and len(scheme.elts) == 2:
                default = scheme.elts[1]
            return name, default, default is not None, "django-environ"
        return None

    # ---- call arguments

    def _arg(self, node: ast.Call, index: int | None, name: str) -> ast.expr | None:
        kw = _kw(node, name)
        if kw is not None:
            return kw
        if index is not None and index < len(node.args) and not any(
                isinstance(a, ast.Starred) for a in node.args[:index + 1]):
            return node.args[index]
        return None

    def _value(self, expr: ast.expr | None) -> tuple[object, str, Position | None]:
        if expr is None:
            return None, "", None
        trace = _Trace()
        val = self.eval(expr, trace)
        return val, (trace.env[0] if trace.env else ""), _pos(expr)

    def _strings(self, expr: ast.expr) -> tuple[str, ...]:
        val = self.eval(expr, _Trace())
        if isinstance(val, str):
            return (val,)
        if isinstance(val, tuple):
            return tuple(v if isinstance(v, str) else "?" for v in val)
        return ("?",)
