"""Python source → `PyModule` facts, read with `ast` only: the project's code is never imported or run.

One pass collects imports (for qualified names), module constants (evaluated in order, so later
code can see `HOST = "0.0.0.0"`), and every call, decorator, subscript and dict with the context
it runs in (module level, under `if __name__ == "__main__":`, or inside a function). The
`_Eval`uator resolves expressions through literals, constants and environment-read defaults,
recording which variables a value depends on. Hostile input (deep nesting, NUL bytes, syntax
errors) becomes a `ParseProblem`; the evaluator caps its own recursion.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.model.python import (
    UNKNOWN,
    AppCreation,
    CorsConfig,
    DictValue,
    EnvRead,
    GunicornConfig,
    LocalHostUse,
    LogFile,
    MetricsExposure,
    OutboundCall,
    PyModule,
    Route,
    RouterInclude,
    ServerRun,
    Setting,
    Str,
    TimeZoneUse,
)
from deploycheck.model.servercmd import is_loopback
from deploycheck.parsers import Parsed

MAX_EVAL_DEPTH = 40


def parse(source: SourceFile) -> Parsed:
    try:
        tree = ast.parse(source.text, filename=source.path)
    except SyntaxError as exc:
        pos = Position(max(exc.lineno or 1, 1), max(exc.offset or 1, 1))
        return _problem(source, pos, f"Python syntax error: {exc.msg}")
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        why = "source contains NUL bytes" if "null" in str(exc).lower() else f"cannot parse: {exc!s:.80}"
        return _problem(source, Position(1, 1), f"Python {why}")
    try:
        return Parsed(models=(_Reader(source, tree).read(),))
    except RecursionError:
        return _problem(source, Position(1, 1), "Python source nested too deeply to analyse")


def _problem(source: SourceFile, pos: Position, message: str) -> Parsed:
    return Parsed(problems=(ParseProblem(Location.at(source.path, pos), message, "python"),))


def _pos(node: ast.AST) -> Position:
    return Position(getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1)


# -- evaluation -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Trace:
    env: list[str] = field(default_factory=list)
    cpu: bool = False


@dataclass(frozen=True, slots=True)
class _Const:
    value: object
    env: tuple[str, ...]
    cpu: bool


_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "off", "n", "f", ""})
_STR_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "title", "casefold", "capitalize"})


def _to_bool(value: object) -> object:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return UNKNOWN
    if value is UNKNOWN:
        return UNKNOWN
    return bool(value)


def _known(*values: object) -> bool:
    return all(v is not UNKNOWN and not isinstance(v, DictValue) for v in values)


class _Reader:
    def __init__(self, source: SourceFile, tree: ast.Module) -> None:
        self.src = source
        self.tree = tree
        self.aliases: dict[str, str] = {}  # local name -> qualified name
        self.module_names: set[str] = set()  # names bound by `import x`
        self.imports: set[str] = set()
        self.consts: dict[str, _Const] = {}
        self.bindings: dict[str, str] = {}  # var -> qualified callee it was assigned from
        self.binding_calls: dict[str, ast.Call] = {}
        self.env_schemes: dict[str, dict[str, ast.expr]] = {}  # django-environ Env(...) defaults
        self.dotted = source.path.removesuffix(".py").replace("/", ".")
        self.env_default_nodes: dict[int, str] = {}  # id(default expr) -> variable name
        self.settings_classes: set[str] = set()
        self.star_imports: list[str] = []
        self.outbound: list[OutboundCall] = []
        self.has_main = False
        self.main_blocks: list[ast.If] = []
        self.checked_env: set[str] = set()  # names tested with `"X" in os.environ`
        self.import_nodes: list[ast.Import | ast.ImportFrom] = []
        self.call_assigns: list[ast.Assign] = []

    # ---- names

    def qual(self, node: ast.AST) -> str:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.qual(node.value)
            return f"{base}.{node.attr}" if base else ""
        return ""

    @staticmethod
    def match(qual: str, packages: tuple[str, ...], last: str, bare: bool = False) -> bool:
        """`qual` ends in `last` and comes from one of `packages` (or is bare, if allowed)."""
        if not qual:
            return False
        parts = qual.split(".")
        if parts[-1] != last:
            return False
        if len(parts) == 1:
            return bare
        return parts[0] in packages

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

    # ---- reading

    def read(self) -> PyModule:
        contexts = self._walk()
        self._imports()
        main_funcs = self._main_funcs()
        self._bindings_and_consts()
        settings_like = self._settings_path()
        reads = self._env_reads(contexts)
        mod = _Collected()
        for node, guard, func, _ in contexts:
            g = guard
            if guard == "function" and func in main_funcs:
                g = "main-function"
            if isinstance(node, ast.Call):
                self._on_call(node, g, mod)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._on_function(node, mod)
            elif isinstance(node, ast.ClassDef):
                self._on_class(node, mod)
            elif isinstance(node, ast.Dict):
                self._on_dict(node, mod)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                self._on_string(node, mod)
        top_names = self._top_assigned()
        is_django = self._is_django(top_names, settings_like)
        settings: tuple[Setting, ...] = ()
        if is_django:
            settings = tuple(self._settings(upper=True))
            self._django_extras(settings, mod)
        gunicorn = None
        stem: str = self.src.name.removesuffix(".py").lower()
        if not is_django and ("gunicorn" in stem or len(top_names & _GUNICORN_NAMES) >= 2):
            gsettings = tuple(self._settings(upper=False))
            gunicorn = GunicornConfig(self.src.path, gsettings)
            for s in gsettings:
                if s.name in ("accesslog", "errorlog") and isinstance(s.value, str) and _is_file(s.value):
                    mod.log_files.append(LogFile(s.value, s.pos, f"gunicorn {s.name}"))
        return PyModule(
            path=self.src.path,
            module=self.dotted,
            imports=tuple(sorted(self.imports)),
            apps=tuple(mod.apps),
            servers=tuple(mod.servers),
            cors=tuple(mod.cors),
            routes=tuple(mod.routes),
            env_reads=tuple(reads) + tuple(mod.env_reads),
            is_django_settings=is_django,
            settings=settings,
            star_imports=tuple(self.star_imports),
            gunicorn=gunicorn,
            log_files=tuple(mod.log_files),
            outbound=tuple(self.outbound) + tuple(mod.outbound),
            time_zones=tuple(mod.time_zones),
            metrics=tuple(mod.metrics),
            local_hosts=tuple(mod.local_hosts),
            has_main_guard=self.has_main,
            includes=tuple(mod.includes),
        )

    def _imports(self) -> None:
        package = self.dotted.rpartition(".")[0]
        if self.src.name == "__init__.py":
            package = self.dotted.removesuffix(".__init__")
        for node in self.import_nodes:
            if isinstance(node, ast.Import):
                for a in node.names:
                    top = a.name.split(".")[0]
                    self.imports.add(top)
                    local = a.asname or top
                    self.aliases[local] = a.name if a.asname else top
                    self.module_names.add(local)
                    self._sdk(a.name, node)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".") if package else []
                    keep = len(parts) - (node.level - 1)
                    prefix = ".".join(parts[:max(keep, 0)])
                    base = f"{prefix}.{base}".strip(".") if base else prefix
                elif base:
                    self.imports.add(base.split(".")[0])
                    self._sdk(base, node)
                for a in node.names:
                    if a.name == "*":
                        if node in self.tree.body:
                            self.star_imports.append(base)
                        continue
                    self.aliases[a.asname or a.name] = f"{base}.{a.name}" if base else a.name

    def _sdk(self, name: str, node: ast.AST) -> None:
        top = name.split(".")[0]
        lib = "google.cloud" if name.startswith("google.cloud") else top
        if (top in _TLS_SDKS or lib == "google.cloud") and not any(o.library == lib for o in self.outbound):
            self.outbound.append(OutboundCall(lib, _pos(node)))

    def _walk(self) -> list[tuple[ast.AST, str, str, bool]]:
        """The nodes facts come from, with their context: (node, guard, top-level function, in try).

        One iterative pass over the tree (no recursion limit); `ctx` and annotation fields are
        not entered, imports and call assignments are set aside on the way.
        """
        out: list[tuple[ast.AST, str, str, bool]] = []
        stack: list[tuple[ast.AST, str, str, bool]] = [(n, "top-level", "", False)
                                                       for n in reversed(self.tree.body)]
        interesting = _INTERESTING
        while stack:
            item = stack.pop()
            node, guard, func, in_try = item
            cls = type(node)
            if cls in interesting:
                if cls is ast.Constant:
                    value = node.value  # type: ignore[attr-defined]
                    if isinstance(value, str) and "://" in value:
                        out.append(item)
                    continue
                out.append(item)
            elif cls is ast.Import or cls is ast.ImportFrom:
                self.import_nodes.append(node)  # type: ignore[arg-type]
                continue
            elif cls is ast.Assign and type(node.value) is ast.Call:  # type: ignore[attr-defined]
                self.call_assigns.append(node)  # type: ignore[arg-type]
            if cls is ast.If and guard == "top-level" and _is_main_test(node.test):  # type: ignore[attr-defined]
                assert isinstance(node, ast.If)
                self.has_main = True
                self.main_blocks.append(node)
                stack.extend((c, guard, func, in_try) for c in reversed(node.orelse))
                stack.extend((c, "main", func, in_try) for c in reversed(node.body))
                stack.append((node.test, guard, func, in_try))
            elif cls is ast.FunctionDef or cls is ast.AsyncFunctionDef or cls is ast.Lambda:
                name = func or getattr(node, "name", "<lambda>")
                body = node.body  # type: ignore[attr-defined]
                # decorators and defaults run where the def is; the body runs when called
                stack.extend((c, "function", name, in_try) for c in reversed(body if isinstance(body, list)
                                                                             else [body]))
                stack.extend((c, guard, func, in_try) for c in reversed(getattr(node, "decorator_list", [])))
                stack.append((node.args, guard, func, in_try))  # type: ignore[attr-defined]
            elif cls is ast.Try or cls.__name__ == "TryStar":
                catches = any(_catches_lookup(h) for h in node.handlers)  # type: ignore[attr-defined]
                tail = [*node.handlers, *node.orelse, *node.finalbody]  # type: ignore[attr-defined]
                stack.extend((c, guard, func, in_try) for c in reversed(tail))
                body = node.body  # type: ignore[attr-defined]
                stack.extend((c, guard, func, in_try or catches) for c in reversed(body))
            else:
                stack.extend((c, guard, func, in_try) for c in _children(node))
        return out

    def _main_funcs(self) -> set[str]:
        names: set[str] = set()
        for block in self.main_blocks:
            for n in ast.walk(block):
                if isinstance(n, ast.Call):
                    if isinstance(n.func, ast.Name):
                        names.add(n.func.id)
                    for a in n.args:  # asyncio.run(main()), anyio.run(main)
                        if isinstance(a, ast.Name):
                            names.add(a.id)
        return names

    def _bindings_and_consts(self) -> None:
        for node in self.call_assigns:
            if isinstance(node.value, ast.Call):
                q = self.qual(node.value.func)
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        self.bindings[t.id] = q
                        self.binding_calls[t.id] = node.value
                        if q.split(".")[-1] == "Env" and q.split(".")[0] in ("environ", "Env"):
                            self.env_schemes[t.id] = {k.arg: k.value for k in node.value.keywords if k.arg}
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                trace = _Trace()
                value = self.eval(stmt.value, trace)
                for t in targets:
                    if isinstance(t, ast.Name):
                        self.consts[t.id] = _Const(value, tuple(trace.env), trace.cpu)

    def _top_assigned(self) -> set[str]:
        names: set[str] = set()
        for stmt, _ in _top_statements(self.tree.body, False):
            for t in _assign_targets(stmt):
                names.add(t.id)
        return names

    def _settings(self, upper: bool) -> Iterator[Setting]:
        for stmt, conditional in _top_statements(self.tree.body, False):
            value_node = getattr(stmt, "value", None)
            if value_node is None or isinstance(stmt, ast.AugAssign):
                continue
            for t in _assign_targets(stmt):
                if (t.id.isupper() if upper else t.id.islower()) and not t.id.startswith("_"):
                    trace = _Trace()
                    value = self.eval(value_node, trace)
                    env = tuple(dict.fromkeys(trace.env))
                    yield Setting(t.id, value, _pos(t), env, trace.cpu, conditional)

    def _settings_path(self) -> bool:
        parts = self.src.path.lower().split("/")
        stem = parts[-1].removesuffix(".py")
        return "settings" in stem or "settings" in parts[:-1]

    def _is_django(self, names: set[str], settings_like: bool) -> bool:
        strong = len(names & _DJANGO_NAMES)
        if strong >= 2:
            return True
        if not settings_like or (not names and not self.star_imports):
            return False
        # `settings/production.py` may hold nothing but `from .base import *` and an override
        return strong >= 1 or "django" in self.imports or bool(self.star_imports)

    # ---- env reads

    def _env_reads(self, contexts: list[tuple[ast.AST, str, str, bool]]) -> list[EnvRead]:
        reads: list[EnvRead] = []
        for node, _, _, _ in contexts:
            # `if "SENTRY_DSN" in os.environ:` makes a later os.environ["SENTRY_DSN"] optional
            if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In) and \
                    self.qual(node.comparators[0]) == "os.environ" and _literal_str(node.left):
                self.checked_env.add(_literal_str(node.left))
        for node, _, _, in_try in contexts:
            if isinstance(node, ast.Call):
                found = self.env_read(node)
                if found is None:
                    continue
                name, default, has_default, via = found
                if not name:
                    continue
                if default is not None:
                    self.env_default_nodes[id(default)] = name
                text = None
                if has_default:
                    val = self.eval(default, _Trace())
                    text = _text(val)
                required = not has_default and via in ("decouple", "django-environ") and not in_try and \
                    name not in self.checked_env
                reads.append(EnvRead(name, _pos(node), via, required, text, has_default))
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                key = self.environ_subscript(node)
                if key:
                    reads.append(EnvRead(key, _pos(node), "environ[]",
                                         not in_try and key not in self.checked_env))
        return reads

    # ---- calls

    def _on_call(self, node: ast.Call, guard: str, mod: _Collected) -> None:
        q = self.qual(node.func)
        last = q.split(".")[-1] if q else (node.func.attr if isinstance(node.func, ast.Attribute) else "")
        if last in _FRAMEWORKS and self.match(q, _FRAMEWORKS[last][0], last, bare=True):
            self._app(node, _FRAMEWORKS[last][1], mod)
        if self.match(q, ("uvicorn",), "run"):
            mod.servers.append(self._uvicorn(node, guard))
        elif self.match(q, ("waitress",), "serve"):
            mod.servers.append(self._server(node, guard, "waitress", "0.0.0.0", 8080, q))
        elif self.match(q, ("aiohttp",), "run_app") or q.endswith("web.run_app"):
            mod.servers.append(self._server(node, guard, "aiohttp", "0.0.0.0", 8080, q))
        elif isinstance(node.func, ast.Attribute) and node.func.attr in ("run", "run_server"):
            kind = self._run_receiver(node)
            if kind:
                host, port = _RUN_DEFAULTS[kind]
                mod.servers.append(self._server(node, guard, kind, host, port, q))
        first = self.qual(node.args[0]).split(".")[-1] if node.args else ""
        if (last in ("add_middleware", "Middleware") and first == "CORSMiddleware") or (
                last == "CORSMiddleware" and node.args):
            mod.cors.append(self._starlette_cors(node))
        elif self.match(q, ("flask_cors",), "CORS") or self.match(q, ("flask_cors",), "cross_origin"):
            mod.cors.append(self._flask_cors(node))
        self._route_call(node, q, last, mod)
        self._log_call(node, q, last, mod)
        self._misc_call(node, q, last, mod)

    def _app(self, node: ast.Call, framework: str, mod: _Collected) -> None:
        name = next((n for n, c in self.binding_calls.items() if c is node), "")
        prefix = ""
        known = True
        key = "url_prefix" if framework == "blueprint" else "prefix"
        p = _kw(node, key)
        if p is not None:
            val = self.eval(p, _Trace())
            prefix = val if isinstance(val, str) else ""
            known = isinstance(val, str)
        mod.apps.append(AppCreation(framework, name, _pos(node), prefix, known))

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

    def _uvicorn(self, node: ast.Call, guard: str) -> ServerRun:
        run = self._server(node, guard, "uvicorn", "127.0.0.1", 8000, "uvicorn.run", app_index=0)
        return run

    def _server(self, node: ast.Call, guard: str, kind: str, default_host: str, default_port: int,
                q: str, app_index: int | None = None) -> ServerRun:
        is_method = isinstance(node.func, ast.Attribute) and kind in _RUN_DEFAULTS
        offset = 0
        app = ""
        if kind == "socketio":
            offset = 1
            app = ast.unparse(node.args[0]) if node.args else ""
        elif is_method and isinstance(node.func, ast.Attribute):
            app = ast.unparse(node.func.value)
        elif kind in ("uvicorn", "waitress", "aiohttp"):
            a = self._arg(node, 0, "app")
            if a is not None:
                val = self.eval(a, _Trace())
                app = val if isinstance(val, str) else ast.unparse(a)
            offset = 1
        listen = _kw(node, "listen") if kind == "waitress" else None
        host_expr = self._arg(node, offset if kind in _RUN_DEFAULTS else None, "host")
        port_expr = self._arg(node, offset + 1 if kind in _RUN_DEFAULTS else None, "port")
        debug_expr = self._arg(node, offset + 2 if kind in ("flask", "quart", "socketio") else None, "debug")
        host_val, host_env, host_pos = self._value(host_expr if listen is None else listen)
        port_val, port_env, port_pos = self._value(port_expr)
        host: str | None = default_host
        port: int | None = default_port
        if listen is not None and isinstance(host_val, str):
            h, _, p = host_val.rpartition(":")
            host_val, port_val = h.replace("*", "0.0.0.0") or "0.0.0.0", p
        if host_expr is not None or listen is not None:
            if isinstance(host_val, str) and host_val:
                host = host_val
            elif host_val in (None, "") and kind in _RUN_DEFAULTS:
                host = default_host  # Flask & co. fall back to 127.0.0.1 for a falsy host
            else:
                host = None
        if port_expr is not None or listen is not None:
            port = _port(port_val)
        reload_val, _, reload_pos = self._value(_kw(node, "reload") or _kw(node, "use_reloader"))
        debug_val, debug_env, debug_pos = self._value(debug_expr)
        proxy_val, _, _ = self._value(_kw(node, "proxy_headers"))
        fwd_val, _, _ = self._value(_kw(node, "forwarded_allow_ips"))
        workers_val, _, _ = self._value(_kw(node, "workers"))
        return ServerRun(
            kind=kind, pos=_pos(node), app=app, host=host,
            host_explicit=host_expr is not None or listen is not None, host_pos=host_pos, host_env=host_env,
            port=port, port_explicit=port_expr is not None or listen is not None, port_pos=port_pos,
            port_env=port_env,
            reload=_opt_bool(reload_val), reload_pos=reload_pos,
            debug=_opt_bool(debug_val) if debug_expr is not None else None, debug_pos=debug_pos,
            debug_env=debug_env,
            proxy_headers=_opt_bool(proxy_val) if _kw(node, "proxy_headers") is not None else None,
            forwarded_allow_ips=fwd_val if isinstance(fwd_val, str) else None,
            workers=_port(workers_val),
            guard=guard,
        )

    def _run_receiver(self, node: ast.Call) -> str:
        """Which framework's dev server `<x>.run(...)` starts, or '' if it is not one."""
        assert isinstance(node.func, ast.Attribute)
        recv = node.func.value
        if not isinstance(recv, ast.Name) or recv.id in self.module_names:
            return ""
        bound = self.bindings.get(recv.id, "")
        last = bound.split(".")[-1]
        if last in _APP_KINDS:
            kind = _APP_KINDS[last]
            if node.func.attr == "run_server" and kind != "dash":
                return ""
            return kind
        if last in _FRAMEWORKS or last in ("Celery", "Typer", "Click", "Thread", "Process"):
            return ""
        origin = self.aliases.get(recv.id, bound)
        if origin.split(".")[0] in _NOT_APPS:
            return ""
        if not re.fullmatch(r"(app|api|application|server|flask_app|[a-z_]*_app)", recv.id):
            return ""
        kws = {k.arg for k in node.keywords}
        if None in kws or not kws <= _FLASK_RUN_KW or len(node.args) > 3:
            return ""
        if not ("flask" in self.imports or recv.id in self.aliases or bound):
            return ""
        return "flask"

    # ---- CORS

    def _origins(self, expr: ast.expr | None) -> tuple[tuple[Str, ...] | None, tuple[str, ...]]:
        if expr is None:
            return None, ()
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            out: list[Str] = []
            env: list[str] = []
            for e in expr.elts:
                trace = _Trace()
                val = self.eval(e, trace)
                env.extend(trace.env)
                if isinstance(val, str):
                    out.append(Str(val, _pos(e)))
                elif isinstance(val, tuple) and all(isinstance(v, str) for v in val):
                    out.extend(Str(str(v), _pos(e)) for v in val)
                else:
                    return None, tuple(env)
            return tuple(out), tuple(env)
        trace = _Trace()
        val = self.eval(expr, trace)
        if isinstance(val, str):
            return (Str(val, _pos(expr)),), tuple(trace.env)
        if isinstance(val, tuple) and all(isinstance(v, str) for v in val):
            return tuple(Str(str(v), _pos(expr)) for v in val), tuple(trace.env)
        return None, tuple(trace.env)

    def _starlette_cors(self, node: ast.Call) -> CorsConfig:
        complete = not any(k.arg is None for k in node.keywords)
        origins_expr = _kw(node, "allow_origins")
        origins, env = self._origins(origins_expr) if origins_expr is not None else (
            ((), ()) if complete else (None, ()))
        regex_val, _, _ = self._value(_kw(node, "allow_origin_regex"))
        cred_expr = _kw(node, "allow_credentials")
        cred_val, _, cred_pos = self._value(cred_expr)
        methods_expr = _kw(node, "allow_methods")
        headers_expr = _kw(node, "allow_headers")
        return CorsConfig(
            library="starlette", pos=_pos(node), origins=origins,
            origins_pos=_pos(origins_expr) if origins_expr is not None else None, origins_env=env,
            origin_regex=regex_val if isinstance(regex_val, str) else None,
            credentials=_opt_bool(cred_val) if cred_expr is not None else (False if complete else None),
            credentials_pos=cred_pos,
            methods=(self._strings(methods_expr) if methods_expr is not None
                     else (None if complete else ("?",))),
            headers=self._strings(headers_expr) if headers_expr is not None else None,
        )

    def _strings(self, expr: ast.expr) -> tuple[str, ...]:
        val = self.eval(expr, _Trace())
        if isinstance(val, str):
            return (val,)
        if isinstance(val, tuple):
            return tuple(v if isinstance(v, str) else "?" for v in val)
        return ("?",)

    def _flask_cors(self, node: ast.Call) -> CorsConfig:
        origins_expr = _kw(node, "origins")
        origins: tuple[Str, ...] | None = (Str("*", _pos(node)),)
        env: tuple[str, ...] = ()
        if origins_expr is not None:
            origins, env = self._origins(origins_expr)
        cred_expr = _kw(node, "supports_credentials")
        cred_val, _, cred_pos = self._value(cred_expr)
        credentials = _opt_bool(cred_val) if cred_expr is not None else False
        resources = _kw(node, "resources")
        if isinstance(resources, ast.Dict):
            collected: list[Str] = []
            for value in resources.values:
                if not isinstance(value, ast.Dict):
                    origins = None
                    break
                sub = {_literal_str(k): v for k, v in zip(value.keys, value.values, strict=False)
                       if k is not None}
                if "origins" in sub:
                    found, more_env = self._origins(sub["origins"])
                    env += more_env
                    if found is None:
                        origins = None
                        break
                    collected.extend(found)
                elif origins is not None:
                    collected.extend(origins)
                if "supports_credentials" in sub:
                    c, _, p = self._value(sub["supports_credentials"])
                    if c is True:
                        credentials, cred_pos = True, p
            else:
                origins = tuple(collected)
        elif resources is not None:
            origins = None
        methods_expr = _kw(node, "methods")
        return CorsConfig(
            library="flask-cors", pos=_pos(node), origins=origins,
            origins_pos=_pos(origins_expr) if origins_expr is not None else None, origins_env=env,
            origin_regex=None, credentials=credentials, credentials_pos=cred_pos,
            methods=self._strings(methods_expr) if methods_expr is not None else ("*",),
            headers=None,
        )

    # ---- routes

    def _framework_of(self, receiver: str) -> str:
        last = self.bindings.get(receiver, "").split(".")[-1]
        if last in ("FastAPI", "APIRouter"):
            return "fastapi"
        if last in ("Flask", "Blueprint", "Quart"):
            return "flask"
        if last in ("Starlette", "Router"):
            return "starlette"
        for fw in ("fastapi", "flask", "starlette", "quart", "sanic", "litestar"):
            if fw in self.imports:
                return "flask" if fw == "quart" else fw
        return "unknown"

    def _prefix(self, receiver: str) -> tuple[str, bool, str]:
        """(prefix of the receiver, whether routes on it are partial, its qualified name when
        it is a router or blueprint whose includes elsewhere can complete the paths)."""
        call = self.binding_calls.get(receiver) if receiver else None
        last = self.bindings.get(receiver, "").split(".")[-1]
        if call is None or last not in ("APIRouter", "Blueprint", "FastAPI", "Flask", "Starlette", "Quart"):
            return "", True, ""
        key = "url_prefix" if last == "Blueprint" else "prefix"
        p = _kw(call, key)
        val = self.eval(p, _Trace()) if p is not None else ""
        is_router = last in ("APIRouter", "Blueprint")
        router = f"{self.dotted}.{receiver}" if is_router and isinstance(val, str) else ""
        return (val if isinstance(val, str) else ""), is_router, router

    def _object_ref(self, node: ast.expr) -> str:
        """The qualified name of a module-level object: imported (through the aliases) or
        defined in this module."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id) or f"{self.dotted}.{node.id}"
        return self.qual(node) if isinstance(node, ast.Attribute) else ""

    def _include(self, node: ast.Call, last: str, mod: _Collected) -> None:
        """`app.include_router(router, prefix=...)`, `app.register_blueprint(bp, url_prefix=...)`."""
        if not (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)):
            return
        target_expr = self._arg(node, 0, "router" if last == "include_router" else "blueprint")
        target = self._object_ref(target_expr) if target_expr is not None else ""
        receiver = node.func.value.id
        kind = self.bindings.get(receiver, "").split(".")[-1]
        if not target or receiver in self.aliases:
            return
        if kind in ("APIRouter", "Blueprint"):
            into = f"{self.dotted}.{receiver}"
        elif kind in ("FastAPI", "Flask", "Quart", "Starlette"):
            into = ""
        else:
            return  # an object we cannot place
        key = "url_prefix" if last == "register_blueprint" else "prefix"
        p = _kw(node, key)
        value = self.eval(p, _Trace()) if p is not None else ""
        prefix = value if isinstance(value, str) else None
        replaces = last == "register_blueprint" and p is not None
        mod.includes.append(RouterInclude(target, into, prefix, replaces, _pos(node)))

    def _on_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, mod: _Collected) -> None:
        for dec in node.decorator_list:
            if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute)):
                continue
            verb = dec.func.attr
            recv = dec.func.value
            if verb not in _VERBS and verb not in ("route", "api_route"):
                continue
            path_expr = self._arg(dec, 0, "path") or _kw(dec, "rule")
            path = self.eval(path_expr, _Trace()) if path_expr is not None else UNKNOWN
            if not isinstance(path, str) or (path and not path.startswith("/")):
                continue
            receiver = recv.id if isinstance(recv, ast.Name) else ""
            framework = self._framework_of(receiver)
            if verb in _VERBS:
                methods: tuple[str, ...] = (verb.upper(),)
            else:
                m = _kw(dec, "methods")
                methods = tuple(s.upper() for s in self._strings(m)) if m is not None else ("GET",)
            prefix, partial, router = self._prefix(receiver)
            mod.routes.append(Route(framework, methods, _join(prefix, path), _pos(dec), node.name, partial,
                                    router, prefix if router else ""))

    def _route_call(self, node: ast.Call, q: str, last: str, mod: _Collected) -> None:
        if last in ("include_router", "register_blueprint"):
            self._include(node, last, mod)
            return
        if last in ("add_api_route", "add_url_rule", "add_route", "mount", "add_websocket_route") and \
                isinstance(node.func, ast.Attribute):
            path_expr = self._arg(node, 0, "path") or _kw(node, "rule")
            path = self.eval(path_expr, _Trace()) if path_expr is not None else UNKNOWN
            if not isinstance(path, str) or (path and not path.startswith("/")):
                return
            recv = node.func.value
            receiver = recv.id if isinstance(recv, ast.Name) else ""
            m = _kw(node, "methods")
            methods = tuple(s.upper() for s in self._strings(m)) if m is not None else (
                ("*",) if last == "mount" else ("GET",))
            prefix, partial, router = self._prefix(receiver)
            full = _join(prefix, path)
            mod.routes.append(Route(self._framework_of(receiver), methods, full, _pos(node), "", partial,
                                    router, prefix if router else ""))
            if last == "mount" and len(node.args) > 1 and isinstance(node.args[1], ast.Call) and \
                    self.qual(node.args[1].func).split(".")[-1] in ("make_asgi_app", "make_wsgi_app"):
                mod.metrics.append(MetricsExposure(self.qual(node.args[1].func).split(".")[-1], _pos(node),
                                                   None, full))
            return
        if last in ("Route", "Mount", "WebSocketRoute") and q.split(".")[0] in ("starlette", last):
            path = self.eval(self._arg(node, 0, "path"), _Trace())
            if isinstance(path, str) and path.startswith("/"):
                m = _kw(node, "methods")
                methods = tuple(s.upper() for s in self._strings(m)) if m is not None else (
                    ("*",) if last == "Mount" else ("GET",))
                mod.routes.append(Route("starlette", methods, path, _pos(node), "", True))
            return
        if last in ("path", "re_path", "url") and q.split(".")[0] == "django":
            raw = self.eval(self._arg(node, 0, "route" if last == "path" else "regex"), _Trace())
            if not isinstance(raw, str):
                return
            path = raw if last == "path" else _regex_prefix(raw)
            view = node.args[1] if len(node.args) > 1 else _kw(node, "view")
            included = isinstance(view, ast.Call) and self.qual(view.func).split(".")[-1] == "include"
            mod.routes.append(Route("django", ("*",), "/" + path.lstrip("/"), _pos(node), "", True))
            if included and isinstance(view, ast.Call) and view.args:
                target = self.eval(view.args[0], _Trace())
                if isinstance(target, str) and "django_prometheus" in target:
                    mod.metrics.append(MetricsExposure("django-prometheus", _pos(node), None,
                                                       "/" + path.lstrip("/") + "metrics"))

    # ---- logging, outbound, misc

    def _log_call(self, node: ast.Call, q: str, last: str, mod: _Collected) -> None:
        if last in _FILE_HANDLERS and (q.split(".")[0] == "logging" or q == last):
            target = self._arg(node, 0, "filename")
            val, _, _ = self._value(target)
            path = val if isinstance(val, str) else None
            if path is None or _is_file(path):
                mod.log_files.append(LogFile(path, _pos(node), last))
        elif q == "logging.basicConfig":
            target = _kw(node, "filename")
            if target is not None:
                val, _, _ = self._value(target)
                path = val if isinstance(val, str) else None
                if path is None or _is_file(path):
                    mod.log_files.append(LogFile(path, _pos(node), "basicConfig"))
        elif last == "add" and q.startswith("loguru.logger") and node.args:
            val, _, _ = self._value(node.args[0])
            if isinstance(val, str) and _is_file(val):
                mod.log_files.append(LogFile(val, _pos(node), "loguru"))

    def _misc_call(self, node: ast.Call, q: str, last: str, mod: _Collected) -> None:
        top = q.split(".")[0] if q else ""
        if top in ("requests", "httpx", "aiohttp", "urllib", "urllib3") and node.args:
            val = self.eval(node.args[0], _Trace())
            if isinstance(val, str) and val.startswith("https://"):
                mod.outbound.append(OutboundCall(top, _pos(node), val))
        if (last == "ZoneInfo" and top in ("zoneinfo", "backports", "ZoneInfo")) or \
                (last == "timezone" and top == "pytz") or (last == "gettz" and top == "dateutil"):
            val = self.eval(node.args[0], _Trace()) if node.args else UNKNOWN
            if isinstance(val, str) and val and val.upper() != "UTC":
                mod.time_zones.append(TimeZoneUse(val, _pos(node), last))
        if last == "start_http_server" and top in ("prometheus_client", "start_http_server"):
            port_val, _, _ = self._value(self._arg(node, 0, "port"))
            mod.metrics.append(MetricsExposure("start_http_server", _pos(node), _port(port_val)))
        if last == "expose" and isinstance(node.func, ast.Attribute) and \
                "prometheus_fastapi_instrumentator" in self.imports:
            endpoint = _kw(node, "endpoint")
            ep = self.eval(endpoint, _Trace()) if endpoint is not None else "/metrics"
            path = ep if isinstance(ep, str) else "/metrics"
            mod.metrics.append(MetricsExposure("instrumentator", _pos(node), None, path))
            mod.routes.append(Route(self._framework_of(""), ("GET",), path, _pos(node), "", False))
        if top in _DB_CLIENTS and last in _DB_CLIENTS[top]:
            host_expr = _kw(node, "host") or _kw(node, "hostname")
            if host_expr is not None:
                trace = _Trace()
                val = self.eval(host_expr, trace)
                if isinstance(val, str) and is_loopback(val):
                    mod.local_hosts.append(LocalHostUse(top, val, _pos(host_expr),
                                                        trace.env[0] if trace.env else ""))

    def _on_string(self, node: ast.Constant, mod: _Collected) -> None:
        text = node.value
        if not isinstance(text, str) or "://" not in text or len(text) > 2000:
            return
        m = _DB_URL.match(text.strip())
        if m:
            mod.local_hosts.append(LocalHostUse(m.group(1).split("+")[0], m.group(2), _pos(node),
                                                self.env_default_nodes.get(id(node), "")))

    def _on_dict(self, node: ast.Dict, mod: _Collected) -> None:
        keys = {_literal_str(k): v for k, v in zip(node.keys, node.values, strict=False) if k is not None}
        cls = keys.get("class")
        if cls is not None:
            name = self.eval(cls, _Trace())
            if isinstance(name, str) and name.split(".")[-1] in _FILE_HANDLERS:
                fname = keys.get("filename")
                val = self.eval(fname, _Trace()) if fname is not None else UNKNOWN
                path = val if isinstance(val, str) else None
                if path is None or _is_file(path):
                    where = _pos(fname if fname is not None else node)
                    mod.log_files.append(LogFile(path, where, "dictConfig"))

    def _on_class(self, node: ast.ClassDef, mod: _Collected) -> None:
        bases = [self.qual(b).split(".")[-1] for b in node.bases]
        if "BaseSettings" not in bases and not (set(bases) & self.settings_classes):
            return
        self.settings_classes.add(node.name)
        prefix = ""
        case_sensitive = False
        for stmt in node.body:
            if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
                for s in stmt.body:
                    for t in _assign_targets(s):
                        val = self.eval(getattr(s, "value", None), _Trace())
                        if t.id == "env_prefix" and isinstance(val, str):
                            prefix = val
                        if t.id == "case_sensitive" and val is True:
                            case_sensitive = True
            for t in _assign_targets(stmt):
                if t.id == "model_config" and isinstance(getattr(stmt, "value", None), ast.Call):
                    call = stmt.value  # type: ignore[attr-defined]
                    p = self.eval(_kw(call, "env_prefix"), _Trace())
                    prefix = p if isinstance(p, str) else prefix
                    case_sensitive = self.eval(_kw(call, "case_sensitive"), _Trace()) is True
        for stmt in node.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            fname = stmt.target.id
            if fname.startswith("_") or fname == "model_config" or "ClassVar" in ast.unparse(stmt.annotation):
                continue
            env_name = prefix + fname
            required = stmt.value is None
            default: object = None
            if isinstance(stmt.value, ast.Call) and self.qual(stmt.value.func).split(".")[-1] == "Field":
                call = stmt.value
                for key in ("validation_alias", "alias", "env"):
                    alias = self.eval(_kw(call, key), _Trace()) if _kw(call, key) is not None else None
                    if isinstance(alias, str):
                        env_name = alias
                        break
                first = call.args[0] if call.args else _kw(call, "default")
                ellipsis = isinstance(first, ast.Constant) and first.value is Ellipsis
                has = (first is not None and not ellipsis) or _kw(call, "default_factory") is not None
                required = not has
                default = self.eval(first, _Trace()) if first is not None and has else None
            elif stmt.value is not None:
                default = self.eval(stmt.value, _Trace())
            name = env_name if case_sensitive else env_name.upper()
            text = None if required else _text(default)
            mod.env_reads.append(EnvRead(name, _pos(stmt), "pydantic", required, text, not required))

    def _django_extras(self, settings: tuple[Setting, ...], mod: _Collected) -> None:
        for s in settings:
            if s.name == "TIME_ZONE" and isinstance(s.value, str) and s.value.upper() != "UTC":
                mod.time_zones.append(TimeZoneUse(s.value, s.pos, "TIME_ZONE"))
        for stmt, _ in _top_statements(self.tree.body, False):
            if not any(t.id == "DATABASES" for t in _assign_targets(stmt)):
                continue
            for n in ast.walk(stmt):
                if isinstance(n, ast.Dict):
                    for k, v in zip(n.keys, n.values, strict=False):
                        if _literal_str(k) == "HOST":
                            trace = _Trace()
                            val = self.eval(v, trace)
                            if isinstance(val, str) and is_loopback(val):
                                mod.local_hosts.append(LocalHostUse("django DATABASES", val, _pos(v),
                                                                    trace.env[0] if trace.env else ""))


@dataclass(slots=True)
class _Collected:
    apps: list[AppCreation] = field(default_factory=list)
    servers: list[ServerRun] = field(default_factory=list)
    cors: list[CorsConfig] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    env_reads: list[EnvRead] = field(default_factory=list)
    log_files: list[LogFile] = field(default_factory=list)
    outbound: list[OutboundCall] = field(default_factory=list)
    time_zones: list[TimeZoneUse] = field(default_factory=list)
    metrics: list[MetricsExposure] = field(default_factory=list)
    local_hosts: list[LocalHostUse] = field(default_factory=list)
    includes: list[RouterInclude] = field(default_factory=list)


# -- tables -----------------------------------------------------------------------------------

_FRAMEWORKS: dict[str, tuple[tuple[str, ...], str]] = {
    "FastAPI": (("fastapi",), "fastapi"),
    "Flask": (("flask",), "flask"),
    "Starlette": (("starlette",), "starlette"),
    "Quart": (("quart",), "quart"),
    "Sanic": (("sanic",), "sanic"),
    "Dash": (("dash",), "dash"),
    "APIRouter": (("fastapi",), "apirouter"),
    "Blueprint": (("flask", "quart"), "blueprint"),
}
_APP_KINDS = {"Flask": "flask", "Quart": "quart", "Sanic": "sanic", "Dash": "dash", "SocketIO": "socketio"}
_RUN_DEFAULTS: dict[str, tuple[str, int]] = {
    "flask": ("127.0.0.1", 5000), "quart": ("127.0.0.1", 5000), "sanic": ("127.0.0.1", 8000),
    "dash": ("127.0.0.1", 8050), "socketio": ("127.0.0.1", 5000),
}
_FLASK_RUN_KW = frozenset({"host", "port", "debug", "load_dotenv", "use_reloader", "use_debugger", "threaded",
                           "processes", "ssl_context", "passthrough_errors", "extra_files", "reloader_type",
                           "exclude_patterns", "use_evalex"})
_NOT_APPS = frozenset({"asyncio", "trio", "anyio", "subprocess", "uvicorn", "typer", "click", "celery",
                       "unittest", "pytest", "doctest", "threading", "multiprocessing", "schedule", "fire",
                       "luigi", "prefect", "dagster", "airflow", "gevent", "eventlet", "streamlit", "gradio",
                       "bentoml", "ray",
                       "docker", "invoke", "fabric", "nox", "sqlalchemy", "alembic", "discord", "telegram",
                       "aiogram", "pyrogram", "locust", "hypercorn"})
_VERBS = frozenset({"get", "post", "put", "delete", "patch", "options", "head", "trace"})
_ENVIRON_CASTERS = frozenset({"str", "bool", "int", "float", "list", "tuple", "dict", "url", "path", "json",
                              "db", "db_url", "cache", "cache_url", "email", "email_url", "search_url",
                              "parse_value"})
_FILE_HANDLERS = frozenset({"FileHandler", "RotatingFileHandler", "TimedRotatingFileHandler",
                            "WatchedFileHandler", "ConcurrentRotatingFileHandler"})
_TLS_SDKS = frozenset({"boto3", "botocore", "stripe", "openai", "anthropic", "sendgrid", "twilio",
                       "sentry_sdk", "slack_sdk", "firebase_admin", "azure", "supabase", "pinecone",
                       "mailchimp3"})
_DB_CLIENTS: dict[str, frozenset[str]] = {
    "psycopg2": frozenset({"connect"}), "psycopg": frozenset({"connect"}),
    "pymysql": frozenset({"connect", "Connect"}), "MySQLdb": frozenset({"connect"}),
    "mysql": frozenset({"connect"}), "asyncpg": frozenset({"connect", "create_pool"}),
    "aiomysql": frozenset({"connect", "create_pool"}), "redis": frozenset({"Redis", "StrictRedis",
                                                                           "ConnectionPool"}),
    "aioredis": frozenset({"Redis", "from_url"}), "pymongo": frozenset({"MongoClient"}),
    "motor": frozenset({"AsyncIOMotorClient"}), "pika": frozenset({"ConnectionParameters"}),
    "elasticsearch": frozenset({"Elasticsearch"}), "cassandra": frozenset({"Cluster"}),
}
_DB_URL = re.compile(r"^((?:postgres(?:ql)?|mysql|mariadb|redis|rediss|mongodb|amqp|amqps|mssql|oracle|"
                     r"memcached|nats|kafka|clickhouse)(?:\+[\w]+)?)://(?:[^@/\s]*@)?"
                     r"(localhost|127\.0\.0\.1|\[::1\])(?:[:/?]|$)", re.I)
_DJANGO_NAMES = frozenset({
    "INSTALLED_APPS", "MIDDLEWARE", "ROOT_URLCONF", "WSGI_APPLICATION", "ASGI_APPLICATION",
    "AUTH_PASSWORD_VALIDATORS", "TEMPLATES", "DEFAULT_AUTO_FIELD", "MIDDLEWARE_CLASSES", "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST",
    "STATIC_ROOT", "AUTH_USER_MODEL",
})
_ENVIRON_URL_DEFAULTS = {"db": "DATABASE_URL", "db_url": "DATABASE_URL", "cache": "CACHE_URL",
                         "cache_url": "CACHE_URL", "email": "EMAIL_URL", "email_url": "EMAIL_URL"}
_GUNICORN_NAMES = frozenset({"bind", "workers", "worker_class", "threads", "timeout", "accesslog", "errorlog",
                             "loglevel", "worker_tmp_dir", "keepalive", "graceful_timeout", "max_requests",
                             "preload_app", "wsgi_app", "worker_connections", "max_requests_jitter",
                             "forwarded_allow_ips", "capture_output"})


# -- helpers ----------------------------------------------------------------------------------


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


def _convert(kind: str, value: object) -> object:
    if value is UNKNOWN or isinstance(value, (DictValue, tuple)):
        return UNKNOWN
    try:
        if kind == "str":
            return str(value)
        if kind == "int":
            return int(value)  # type: ignore[call-overload]
        if kind == "float":
            return float(value)  # type: ignore[arg-type]
        return bool(value)
    except (TypeError, ValueError, OverflowError):
        return UNKNOWN


def _environ_cast(caster: str, value: object) -> object:
    """django-environ's `env.bool("X", default="yes")` casts its default like a value read."""
    if caster == "bool":
        return _to_bool(value)
    if caster in ("int", "float", "str"):
        return _convert(caster, value)
    if caster in ("list", "tuple") and isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


def _opt_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        b = _to_bool(value)
        return b if isinstance(b, bool) else None
    return None


def _port(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 65536:
        return value
    if isinstance(value, str) and value.strip().isdigit() and int(value) < 65536:
        return int(value)
    return None


def _text(value: object) -> str | None:
    if value is None or value is UNKNOWN or isinstance(value, DictValue):
        return None
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _is_file(path: str) -> bool:
    p = path.strip()
    return bool(p) and p not in ("-", "/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2",
                                 "/dev/null", "ext://sys.stdout", "ext://sys.stderr")


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path or "/"
    return prefix.rstrip("/") + (path if path.startswith("/") or not path else "/" + path) if path else prefix


def _regex_prefix(regex: str) -> str:
    r = regex.lstrip("^")
    out = []
    for ch in r:
        if ch in ".*+?[](){}|$\\":
            break
        out.append(ch)
    return "".join(out)


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
