"""Go source: deployment facts read from the syntax tree (tree-sitter with its Go grammar).

One tree-sitter query collects the nodes that matter (calls, composite literals, assignments,
if statements, functions, struct fields, comments, imports) in C; Python then looks only at those.
Nothing is executed and no regular expression reads Go code. Values are followed through string
literals, constants, package-level variables, locals assigned once (plus the
`if x == "" { x = "8080" }` fallback), `+`, `fmt.Sprintf`, `net.JoinHostPort`, `cmp.Or`,
`os.Getenv`/`LookupEnv`, getEnv-style helpers and `flag` defaults; what stays unknown is kept as
an "ident"/"call" part for `model.golang.assemble` to finish with the other files of the package.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.model.golang import (
    HTTPS_SDK_PREFIXES,
    CorsConfig,
    CorsHandler,
    EmbedDirective,
    EnvRead,
    Evidence,
    GinEngine,
    GoFile,
    GoImport,
    ListenAddress,
    ListenCall,
    LogFileOutput,
    MiddlewareUse,
    OriginEntry,
    PackageValue,
    Route,
    RuntimeFile,
    SetModeCall,
    TimeZoneLoad,
    TlsBehaviour,
    TrustedProxiesCall,
    ValuePart,
    cgo_module_of,
)
from deploycheck.parsers import Parsed

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

GIN = "github.com/gin-gonic/gin"
ROUTE_METHODS = {
    "GET": "GET",
    "POST": "POST",
    "PUT": "PUT",
    "DELETE": "DELETE",
    "PATCH": "PATCH",
    "HEAD": "HEAD",
    "OPTIONS": "OPTIONS",
    "Any": "ANY",
    "Get": "GET",
    "Post": "POST",
    "Put": "PUT",
    "Delete": "DELETE",
    "Patch": "PATCH",
    "Head": "HEAD",
    "Options": "OPTIONS",
    "All": "ANY",
    "HandleFunc": "ANY",
    "Handle": "ANY",
}
FATAL_NAMES = frozenset(
    {"Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln", "Exit", "panic", "Fatalw", "Panicw"}
)
RESPOND_NAMES = frozenset(
    {
        "Abort",
        "AbortWithStatus",
        "AbortWithStatusJSON",
        "WriteHeader",
        "Status",
        "JSON",
        "String",
        "Data",
        "NoContent",
        "AbortWithError",
    }
)
_NOT_CHECKS = frozenset({"len", "Printf", "Println", "Sprintf", "Debugf", "Infof", "Print"})
_PANICS = frozenset({"LoadHTMLGlob", "LoadHTMLFiles", "Static", "StaticFile", "http.Dir", "gin.Dir"})
ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
GIN_PROMETHEUS = (
    "github.com/zsais/go-gin-prometheus",
    "github.com/penglongli/gin-metrics",
    "github.com/Depado/ginprom",
    "github.com/chenjiandongx/ginprom",
)


def _tools() -> tuple[Parser, Query]:
    if not _TOOLS:
        import tree_sitter
        import tree_sitter_go

        language = tree_sitter.Language(tree_sitter_go.language())
        _TOOLS.extend([tree_sitter.Parser(language), tree_sitter.Query(language, _QUERY_TEXT)])
    return _TOOLS[0], _TOOLS[1]


def parse(source: SourceFile) -> Parsed:
    try:
        return _parse(source)
    except RecursionError:
        return Parsed(
            problems=(ParseProblem(Location.at(source.path), "Go source nested too deeply to read", "go"),)
        )
    except Exception as exc:  # a parser never raises; this is a bug, reported as a problem
        return Parsed(
            problems=(ParseProblem(Location.at(source.path), f"could not read Go source: {exc}", "go"),)
        )


def _parse(source: SourceFile) -> Parsed:
    from tree_sitter import QueryCursor

    parser, query = _tools()
    data = source.text.encode("utf-8", "replace")
    tree = parser.parse(data)
    captures = QueryCursor(query).captures(tree.root_node)
    reader = _Reader(
        source.path, data, {k: sorted(v, key=lambda n: n.start_byte) for k, v in captures.items()}
    )
    problems: list[ParseProblem] = []
    if tree.root_node.has_error:
        bad = _first_error(tree.root_node)
        where = reader.pos(bad) if bad is not None else Position(1, 1)
        problems.append(
            ParseProblem(
                Location.at(source.path, where),
                "Go syntax error: facts from this file may be incomplete",
                "go",
            )
        )
    if not reader.package:
        return Parsed(
            problems=(
                *problems,
                ParseProblem(Location.at(source.path), "no package clause: not a Go source file", "go"),
            )
        )
    return Parsed(models=(reader.read(),), problems=tuple(problems))


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


def _default_import_name(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if not parts:
        return ""
    last = parts[-1]
    if len(parts) > 1 and last.startswith("v") and last[1:].isdigit():
        last = parts[-2]
    if "." in last and path.startswith("gopkg.in/"):
        last = last.split(".", 1)[0]
    if last.startswith("go-"):
        last = last[3:]
    return last.replace("-", "_").replace(".", "_")


@dataclass(slots=True)
class _Assign:
    value: Node | None
    stmt: Node
    index: int
    multi: bool  # one call on the right, several names on the left
    flag: ValuePart | None = None  # flag.StringVar(&x, ...)
    fallback: bool = False


@dataclass(slots=True)
class _Router:
    kind: str  # "engine" or "group"
    engine: str
    prefix: str
    prefix_known: bool
    framework: str = "gin"


@dataclass(slots=True)
class _Func:
    start: int
    end: int
    name: str
    node: Node
    params: list[str] = field(default_factory=list)


class _Reader:
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

    # ---------------------------------------------------------------- basics

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

    # ---------------------------------------------------------------- main pass

    def read(self) -> GoFile:
        build = ""
        embeds: list[EmbedDirective] = []
        for comment in self.caps.get("comment", []):
            text = self.text(comment)
            if text.startswith("//go:build ") and (
                self.package_pos is None or comment.start_point[0] + 1 < self.package_pos.line
            ):
                build = text[len("//go:build ") :].strip()
            elif text.startswith("// +build ") and not build:
                build = text[len("// +build ") :].strip()
            elif text.startswith("//go:embed"):
                embeds.append(self._embed(comment, text))
        self._read_imports()
        self._read_funcs()
        self._read_assignments()
        self._read_fallbacks()
        self._read_env_structs()
        self._read_routers()
        facts = _Facts()
        self._read_calls(facts)
        self._read_literals(facts)
        self._read_assignment_facts(facts)
        self._read_ifs(facts)
        self._read_fields(facts)
        self._read_cors_handlers(facts)
        self._read_import_facts(facts)
        values = tuple(
            PackageValue(name, tuple(self.resolve_ident(name, "")), self.path)
            for name in self.locals.get("", {})
        ) + tuple(v for func in self.funcs for v in self._returned_fields(func))
        return GoFile(
            path=self.path,
            package=self.package,
            package_pos=self.package_pos,
            imports=tuple(self.imports),
            build_constraint=build,
            has_main_func=any(f.name == "main" and f.node.type == "function_declaration" for f in self.funcs),
            listens=tuple(facts.listens),
            engines=tuple(facts.engines),
            routes=tuple(facts.routes),
            uses=tuple(facts.uses),
            set_modes=tuple(facts.set_modes),
            trusted_proxies=tuple(facts.trusted_proxies),
            trusted_platforms=tuple(facts.trusted_platforms),
            client_ip_uses=tuple(facts.client_ip),
            cors_configs=tuple(facts.cors_configs),
            cors_handlers=tuple(facts.cors_handlers),
            runtime_files=tuple(facts.runtime_files),
            embeds=tuple(embeds),
            time_zones=tuple(facts.time_zones),
            https=tuple(facts.https),
            env_reads=tuple(facts.env_reads),
            log_files=tuple(facts.log_files),
            cgo=tuple(facts.cgo),
            tls=tuple(facts.tls),
            tuning=tuple(facts.tuning),
            metrics=tuple(facts.metrics),
            values=values,
            env_helpers=tuple(sorted(self.helpers)),
        )

    def _embed(self, comment: Node, text: str) -> EmbedDirective:
        patterns = tuple(_embed_patterns(text[len("//go:embed") :]))
        var = ""
        sibling = comment.next_named_sibling
        while sibling is not None and sibling.type == "comment":
            sibling = sibling.next_named_sibling
        if sibling is not None and sibling.type == "var_declaration":
            spec = next((c for c in sibling.named_children if c.type == "var_spec"), None)
            if spec is not None:
                var = self.text(spec.child_by_field_name("name"))
        return EmbedDirective(patterns, var, self.path, self.pos(comment))

    def _read_imports(self) -> None:
        for spec in self.caps.get("import", []):
            path = go_string(spec.child_by_field_name("path")) or ""
            name_node = spec.child_by_field_name("name")
            alias = self.text(name_node) if name_node is not None else ""
            self.imports.append(GoImport(path, alias, self.pos(spec)))
            local = alias if alias and alias not in ("_", ".") else _default_import_name(path)
            if alias not in ("_", "."):
                self.aliases[local] = path

    def _read_funcs(self) -> None:
        for node in self.caps.get("func", []):
            if node.parent is None or node.parent.type != "source_file":
                continue
            name = self.text(node.child_by_field_name("name"))
            params: list[str] = []
            param_list = node.child_by_field_name("parameters")
            for decl in param_list.named_children if param_list is not None else []:
                for child in decl.children_by_field_name("name"):
                    params.append(self.text(child))
                type_text = self.text(decl.child_by_field_name("type")).replace(" ", "")
                for child in decl.children_by_field_name("name"):
                    self._router_from_type(self.text(child), type_text)
            self.funcs.append(_Func(node.start_byte, node.end_byte, name, node, params))
        self.funcs.sort(key=lambda f: f.start)
        self.func_starts = [f.start for f in self.funcs]

    def _router_from_type(self, name: str, type_text: str) -> None:
        local = next((k for k, v in self.aliases.items() if v == GIN), "")
        if not local or not name:
            return
        if type_text in (f"*{local}.Engine", f"{local}.IRouter", f"{local}.IRoutes"):
            self.routers.setdefault(name, _Router("engine", name, "", True))
        elif type_text == f"*{local}.RouterGroup":
            self.routers.setdefault(name, _Router("group", "", "", False))

    # ---------------------------------------------------------------- assignments and values

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

    @staticmethod
    def _operator(stmt: Node) -> str:
        op = stmt.child_by_field_name("operator")
        return (op.text or b"").decode() if op is not None else "="

    def _add_assign(self, stmt: Node, name: str, assign: _Assign) -> None:
        self.locals.setdefault(self.scope_name(stmt), {}).setdefault(name, []).append(assign)

    def _literal_text(self, node: Node) -> str | None:
        if node.type in ("interpreted_string_literal", "raw_string_literal"):
            return go_string(node)
        if node.type in ("int_literal", "float_literal", "true", "false"):
            return self.text(node)
        return None

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

    def _read_env_structs(self) -> None:
        """Struct types whose fields carry env tags (caarlos0/env, kelseyhightower/envconfig,
        cleanenv, sethvargo/go-envconfig), and the variables those libraries fill in."""
        if b"env" not in self.data:
            return
        for node in self.caps.get("field", []):
            tag_node = node.child_by_field_name("tag")
            tag = go_string(tag_node) if tag_node is not None else None
            spec = node.parent.parent.parent if node.parent and node.parent.parent else None
            if not tag or spec is None or spec.type != "type_spec":
                continue
            found = _env_tag(_struct_tags(tag))
            if found is not None:
                fields = self.struct_env.setdefault(self.text(spec.child_by_field_name("name")), {})
                for ident in node.children_by_field_name("name"):
                    fields[self.text(ident)] = found
        if not self.struct_env:
            return
        for call in self.caps.get("call", []):
            path, func, _ = self.callee(call)
            args = self.args(call)
            loader = _ENV_LOADERS.get((path.split("/v")[0] if path.startswith(_CAARLOS) else path, func))
            if loader is None or len(args) <= loader:
                continue
            target = _address_of(args[loader])
            if target.type == "identifier":
                prefix = go_string(args[0]) if loader == 1 and path == _KELSEY else ""
                self.env_filled[(self.scope_name(call), self.text(target))] = (prefix or "").upper()

    def _handed_to_calls(self, var: str, scope: str) -> bool:
        """Whether `var` (or `&var`) is passed to a call, or a method is called on it, in `scope`:
        then something other than its literal may set its fields."""
        for call in self.caps.get("call", []):
            if self.scope_name(call) != scope:
                continue
            receiver = self.callee(call)[2]
            if receiver is not None and receiver.type == "identifier" and self.text(receiver) == var:
                return True
            for arg in self.args(call):
                target = _address_of(arg)
                if target.type == "identifier" and self.text(target) == var:
                    return True
        return False

    def _env_field(self, var: str, field_name: str, scope: str, value: Node | None,
                   where: Position | None) -> ValuePart | None:
        """`cfg.Port` where a struct-tag library fills cfg: the variable and default of the tag."""
        prefix = self.env_filled.get((scope, var))
        if prefix is None:
            prefix = self.env_filled.get(("", var)) if not self.locals.get(scope, {}).get(var) else None
        if prefix is None:
            return None
        type_name = ""
        if value is not None and value.type == "composite_literal":
            type_name = self.text(value.child_by_field_name("type"))
        elif value is not None and value.type == "call_expression" and self.callee(value)[1] == "new":
            args = self.args(value)
            type_name = self.text(args[0]) if args else ""
        else:
            for assign in self.locals.get(scope, {}).get(var, []) or self.locals.get("", {}).get(var, []):
                if assign.stmt.type == "var_spec":
                    type_name = self.text(assign.stmt.child_by_field_name("type"))
        found = self.struct_env.get(type_name.lstrip("*"), {}).get(field_name)
        if found is None:
            return None
        name, default = found
        return ValuePart("env", f"{prefix}_{name}" if prefix else name, default, where)

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

    # ---------------------------------------------------------------- routers

    def _read_routers(self) -> None:
        for func in self.funcs:
            params = func.params
            if len(params) >= 2 and self._is_env_helper(func, params):
                self.helpers.add(func.name)
        for stmt in self.caps.get("assign", []) + self.caps.get("field", []):
            if stmt.type == "field_declaration":
                type_text = self.text(stmt.child_by_field_name("type")).replace(" ", "")
                for name_node in stmt.children_by_field_name("name"):
                    self._router_from_type(self.text(name_node), type_text)
        for scope_assigns in self.locals.values():
            for name, assigns in scope_assigns.items():
                for assign in assigns:
                    if assign.value is not None and assign.value.type == "call_expression":
                        self._router_assign(name, assign.value)
        # keyed struct fields: `&Server{router: gin.New()}`
        for lit in self.caps.get("lit", []):
            body = lit.child_by_field_name("body")
            for element in body.named_children if body is not None else []:
                if element.type != "keyed_element" or len(element.named_children) < 2:
                    continue
                key, value = element.named_children[0], element.named_children[-1]
                inner = (
                    value.named_children[0]
                    if value.type == "literal_element" and value.named_children
                    else value
                )
                if inner.type == "call_expression":
                    self._router_assign(self.text(key), inner)

    def _router(self, recv: str) -> _Router | None:
        """The router a receiver names: `r`, or `s.router` through the struct field `router`."""
        if not recv:
            return None
        found = self.routers.get(recv)
        if found is None and "." in recv and "(" not in recv:
            found = self.routers.get(recv.rpartition(".")[2])
        return found

    def _router_assign(self, name: str, call: Node) -> None:
        path, fname, receiver = self.callee(call)
        short = name.rpartition(".")[2]
        if path == GIN and fname in ("Default", "New"):
            self.routers[name] = _Router("engine", name, "", True)
            self.routers.setdefault(short, self.routers[name])
        elif path.startswith("github.com/labstack/echo") and fname == "New":
            self.routers[name] = _Router("engine", name, "", True, "echo")
        elif path.startswith("github.com/gofiber/fiber") and fname == "New":
            self.routers[name] = _Router("engine", name, "", True, "fiber")
        elif fname == "Group" and receiver is not None:
            parent = self._router(self.text(receiver))
            args = self.args(call)
            prefix = go_string(args[0]) if args else None
            if parent is not None:
                self.routers[name] = _Router(
                    "group",
                    parent.engine,
                    _join(parent.prefix, prefix or ""),
                    parent.prefix_known and prefix is not None,
                    parent.framework,
                )

    def _is_env_helper(self, func: _Func, params: list[str]) -> bool:
        """`func getEnv(key, fallback string) string` reading os.Getenv(key) and returning fallback."""
        reads = False
        for call in self.in_range("call", func.node):
            path, name, _ = self.callee(call)
            args = self.args(call)
            if path == "os" and name in ("Getenv", "LookupEnv") and args and self.text(args[0]) == params[0]:
                reads = True
                break
        if not reads:
            return False
        stack = [func.node.child_by_field_name("body")]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            if node.type == "return_statement":
                values = node.named_children[0].named_children if node.named_children else []
                if any(self.text(v) == params[1] for v in values):
                    return True
            stack.extend(node.named_children)
        return False

    # ---------------------------------------------------------------- calls

    def _read_calls(self, facts: _Facts) -> None:
        imports_gin = GIN in self.aliases.values()
        for call in self.caps.get("call", []):
            path, name, receiver = self.callee(call)
            args = self.args(call)
            scope = self.scope_name(call)
            if path:
                self._qualified_call(facts, call, path, name, args, scope)
                continue
            recv = self.text(receiver) if receiver is not None else ""
            router = self._router(recv)
            if receiver is None:
                if args and name not in self.helpers:
                    key = go_string(args[0])
                    if key and _looks_like_env(key) and _helper_name(name) and len(args) <= 2:
                        default = self._const_text(args[1], scope) if len(args) == 2 else None
                        facts.env_reads.append(
                            EnvRead(key, default, _must(name), "helper", self.path, self.pos(call))
                        )
                    elif key and _looks_like_env(key) and len(args) == 2:
                        facts.env_reads.append(
                            EnvRead(
                                key,
                                self._literal_text(args[1]),
                                False,
                                f"call:{name}",
                                self.path,
                                self.pos(call),
                            )
                        )
                elif args and name in self.helpers:
                    key = go_string(args[0])
                    if key:
                        default = self._const_text(args[1], scope) if len(args) >= 2 else None
                        facts.env_reads.append(
                            EnvRead(key, default, False, "helper", self.path, self.pos(call))
                        )
                continue
            if (
                name in ("Run", "RunTLS")
                and router is not None
                and router.kind == "engine"
                and router.framework == "gin"
            ):
                self._gin_run(facts, call, name, args, recv, scope)
            elif name in ("Start", "StartTLS") and router is not None and router.framework == "echo" and args:
                parts = self.resolve(args[0], scope)
                facts.listen("echo-start", parts, self.text(args[0]), self.path, self.pos(call), recv)
            elif name == "Listen" and router is not None and router.framework == "fiber" and args:
                parts = self.resolve(args[0], scope)
                facts.listen("fiber-listen", parts, self.text(args[0]), self.path, self.pos(call), recv)
            elif name in ROUTE_METHODS or name == "Match":
                self._route(facts, call, name, args, recv, router, scope)
            elif name == "Use" and args:
                for arg in args:
                    text = self.text(arg)
                    facts.uses.append(
                        MiddlewareUse(
                            recv,
                            router.kind if router else "",
                            router.prefix if router else "",
                            text,
                            "cors" in text.lower(),
                            self.path,
                            self.pos(arg),
                            call.start_byte,
                            scope,
                            router.engine if router else "",
                            router.framework if router else "",
                        )
                    )
            elif name == "SetTrustedProxies" and args:
                self._trusted_proxies(facts, call, args[0], scope)
            elif name == "ClientIP" and not args and imports_gin:
                facts.client_ip.append(Evidence("ClientIP()", self.path, self.pos(call)))
            elif name in ("LoadHTMLGlob", "LoadHTMLFiles") and args:
                for arg in args:
                    self._runtime_file(facts, name, arg, call, scope)
            elif name in ("Static", "StaticFile") and len(args) == 2 and (router is not None or imports_gin):
                self._runtime_file(facts, name, args[1], call, scope)
            elif (
                name in ("ParseFiles", "ParseGlob")
                and args
                and ("html/template" in self.aliases.values() or "text/template" in self.aliases.values())
            ):
                for arg in args:
                    self._runtime_file(facts, name, arg, call, scope)
            elif name == "SetOutput" and args:
                self._log_sink(facts, f"{recv}.SetOutput", args[0], call, scope)

    def _gin_run(self, facts: _Facts, call: Node, name: str, args: list[Node], recv: str, scope: str) -> None:
        where = self.pos(call)
        if name == "Run" and not args:
            # gin.resolveAddress: ":"+$PORT when PORT is set, else ":8080"
            parts = [ValuePart("lit", ":", None, where), ValuePart("env", "PORT", "8080", where)]
            facts.listen("gin-run", parts, "", self.path, where, recv)
        elif args:
            parts = self.resolve(args[0], scope)
            facts.listen(
                "gin-run" if name == "Run" else "gin-runtls",
                parts,
                self.text(args[0]),
                self.path,
                where,
                recv,
            )

    def _qualified_call(
        self, facts: _Facts, call: Node, path: str, name: str, args: list[Node], scope: str
    ) -> None:
        where = self.pos(call)
        if (
            path in ("net/http", "github.com/fvbock/endless")
            and name in ("ListenAndServe", "ListenAndServeTLS")
            and args
        ):
            kind = "http-listenandserve" if name == "ListenAndServe" else "http-listenandservetls"
            facts.listen(kind, self.resolve(args[0], scope), self.text(args[0]), self.path, where)
        elif path == "net" and name == "Listen" and len(args) == 2:
            network = go_string(args[0])
            if network is None or network.startswith("tcp"):
                facts.listen("net-listen", self.resolve(args[1], scope), self.text(args[1]), self.path, where)
        elif path == "os" and name in ("Getenv", "LookupEnv") and args:
            key = go_string(args[0])
            if key:
                default, required = self._env_context(call, scope)
                facts.env_reads.append(EnvRead(key, default, required, name.lower(), self.path, where))
        elif path == GIN and name in ("Default", "New"):
            facts.engines.append(GinEngine(self._assigned_name(call), name, self.path, where, scope))
        elif path.startswith("github.com/labstack/echo") and name == "New":
            facts.engines.append(GinEngine(self._assigned_name(call), name, self.path, where, scope, "echo"))
        elif path.startswith("github.com/gofiber/fiber") and name == "New":
            facts.engines.append(GinEngine(self._assigned_name(call), name, self.path, where, scope, "fiber"))
        elif path == GIN and name == "SetMode" and args:
            self._set_mode(facts, call, args[0], scope)
        elif path == GIN and name in ("LoggerWithWriter",) and args:
            self._log_sink(facts, "gin.LoggerWithWriter", args[0], call, scope)
        elif path == GIN and name == "Dir" and args:
            self._runtime_file(facts, "gin.Dir", args[0], call, scope)
        elif path == "net/http" and name == "Dir" and args:
            self._runtime_file(facts, "http.Dir", args[0], call, scope)
        elif path == "net/http" and name in ("Handle", "HandleFunc") and args:
            self._route(facts, call, name, args, "http", None, scope)
        elif path in ("os", "io/ioutil") and name in ("ReadFile", "Open") and args:
            self._runtime_file(facts, f"{_default_import_name(path)}.{name}", args[0], call, scope)
        elif path in ("html/template", "text/template") and name in ("ParseFiles", "ParseGlob") and args:
            for arg in args:
                self._runtime_file(facts, f"template.{name}", arg, call, scope)
        elif path == "github.com/joho/godotenv" and name in ("Load", "Overload"):
            if not args:
                facts.runtime_files.append(
                    RuntimeFile(f"godotenv.{name}", ".env", self.path, where, self._error_ignored(call))
                )
            for arg in args:
                self._runtime_file(facts, f"godotenv.{name}", arg, call, scope)
        elif path == "github.com/spf13/viper" and name == "SetConfigFile" and args:
            self._runtime_file(facts, "viper.SetConfigFile", args[0], call, scope)
        elif path == "github.com/spf13/viper" and name == "BindEnv" and len(args) >= 2:
            for arg in args[1:]:
                key = go_string(arg)
                if key:
                    facts.env_reads.append(EnvRead(key, None, False, "viper", self.path, self.pos(arg)))
        elif path == "time" and name == "LoadLocation" and args:
            zone = go_string(args[0])
            env = ""
            if zone is None:
                parts = self.resolve(args[0], scope)
                env = next((p.text for p in parts if p.kind == "env"), "")
                zone = parts[0].effective() or "" if len(parts) == 1 else ""
            facts.time_zones.append(TimeZoneLoad(zone, env, self.path, where))
        elif path in ("log", "github.com/sirupsen/logrus") and name == "SetOutput" and args:
            self._log_sink(facts, f"{_default_import_name(path)}.SetOutput", args[0], call, scope)
        elif path == "log" and name == "New" and args:
            self._log_sink(facts, "log.New", args[0], call, scope)
        elif path == "go.uber.org/zap/zapcore" and name == "AddSync" and args:
            self._log_sink(facts, "zapcore.AddSync", args[0], call, scope)
        elif path == "log/slog" and name in ("NewJSONHandler", "NewTextHandler") and args:
            self._log_sink(facts, f"slog.{name}", args[0], call, scope)
        elif path == "runtime/debug" and name == "SetMemoryLimit":
            facts.tuning.append(Evidence("debug.SetMemoryLimit", self.path, where))
        elif path == "runtime" and name == "GOMAXPROCS" and args and self.text(args[0]) not in ("0", "-1"):
            facts.tuning.append(Evidence("runtime.GOMAXPROCS", self.path, where))
        elif path == "go.uber.org/automaxprocs/maxprocs" and name == "Set":
            facts.tuning.append(Evidence("maxprocs.Set", self.path, where))
        elif path == "github.com/prometheus/client_golang/prometheus/promhttp" and name.startswith("Handler"):
            facts.metrics.append(Evidence(f"promhttp.{name}", self.path, where))
        elif path == "google.golang.org/grpc/credentials" and "TLS" in name:
            facts.https.append(Evidence(f"credentials.{name}", self.path, where))
        elif (
            _helper_name(name) and args and 1 <= len(args) <= 2 and _looks_like_env(go_string(args[0]) or "")
        ):
            # config.GetEnv("PORT", "8080") from a helper package
            default = self._const_text(args[1], scope) if len(args) == 2 else None
            facts.env_reads.append(
                EnvRead(go_string(args[0]) or "", default, _must(name), "helper", self.path, where)
            )
        if path == "net/http" and name in (
            "Get",
            "Post",
            "Head",
            "PostForm",
            "NewRequest",
            "NewRequestWithContext",
        ):
            self._https_args(facts, call, args, scope)
        elif not path:
            return
        elif path != "net/http" and name in ("Get", "Post", "Dial", "DialContext", "NewClient"):
            self._https_args(facts, call, args, scope)

    def _https_args(self, facts: _Facts, call: Node, args: list[Node], scope: str) -> None:
        for arg in args:
            if arg.type not in (
                "interpreted_string_literal",
                "raw_string_literal",
                "identifier",
                "binary_expression",
                "call_expression",
            ):
                continue
            value = self.effective(arg, scope) if arg.type != "call_expression" else None
            if value is None and arg.type in ("binary_expression", "identifier"):
                first = self.resolve(arg, scope)[0]
                value = first.text if first.kind == "lit" else None
            if value and value.startswith("https://"):
                facts.https.append(Evidence(f"HTTPS request to {value[:60]}", self.path, self.pos(call)))
                return

    def _route(
        self,
        facts: _Facts,
        call: Node,
        name: str,
        args: list[Node],
        recv: str,
        router: _Router | None,
        scope: str,
    ) -> None:
        if not args:
            return
        method = ROUTE_METHODS.get(name, "ANY")
        route = go_string(args[0])
        if (
            name in ("Handle", "Match")
            and router is not None
            and router.framework == "gin"
            and len(args) >= 2
        ):
            method = (go_string(args[0]) or "?").upper() if name == "Handle" else "MATCH"
            route = go_string(args[1])
        if route is None:
            return
        if name in ("Handle", "HandleFunc") and " " in route.strip():
            head, _, rest = route.strip().partition(" ")  # Go 1.22 patterns: "GET /healthz"
            method, route = head.upper(), rest.strip()
            if route and not route.startswith("/"):
                route = "/" + route.partition("/")[2]
        if not route.startswith("/") and router is None:
            return
        full = _join(router.prefix, route) if router is not None else route
        facts.routes.append(
            Route(
                method,
                full,
                recv,
                router.kind if router else "",
                router.prefix_known if router else True,
                self.path,
                self.pos(call),
                call.start_byte,
                scope,
                router.engine if router else "",
            )
        )
        if name in ("Handle", "HandleFunc") and len(args) >= 2 and "promhttp" in self.text(args[1]):
            facts.metrics.append(Evidence("promhttp handler", self.path, self.pos(args[1])))

    def _set_mode(self, facts: _Facts, call: Node, arg: Node, scope: str) -> None:
        path, name = self.qualified(arg)
        value, env = "", ""
        if path == GIN and name.endswith("Mode"):
            value = name[: -len("Mode")].lower()
        else:
            parts = self.resolve(arg, scope)
            if len(parts) == 1 and parts[0].kind == "lit":
                value = parts[0].text
            env = next((p.text for p in parts if p.kind == "env"), "")
        facts.set_modes.append(
            SetModeCall(value, self.text(arg), env, self.path, self.pos(call), call.start_byte, scope)
        )

    def _trusted_proxies(self, facts: _Facts, call: Node, arg: Node, scope: str) -> None:
        node = arg
        if node.type == "identifier":
            assigns = self.locals.get(scope, {}).get(self.text(node)) or self.locals.get("", {}).get(
                self.text(node), []
            )
            if len(assigns) == 1 and assigns[0].value is not None:
                node = assigns[0].value
        if node.type == "nil":
            facts.trusted_proxies.append(TrustedProxiesCall("nil", (), self.path, self.pos(call)))
            return
        if node.type == "composite_literal":
            values = tuple(
                v
                for v in (
                    go_string(e.named_children[0]) if e.named_children else None for e in self._elements(node)
                )
                if v is not None
            )
            facts.trusted_proxies.append(TrustedProxiesCall("list", values, self.path, self.pos(call)))
            return
        facts.trusted_proxies.append(TrustedProxiesCall("other", (), self.path, self.pos(call)))

    def _elements(self, lit: Node) -> list[Node]:
        body = lit.child_by_field_name("body")
        return [e for e in body.named_children if e.type == "literal_element"] if body is not None else []

    def _runtime_file(self, facts: _Facts, call_name: str, arg: Node, call: Node, scope: str) -> None:
        value = self.effective(arg, scope)
        if value:
            # Gin's loaders panic on a missing file; calls that return an error may have it dropped
            ignored = call_name not in _PANICS and self._error_ignored(call)
            facts.runtime_files.append(RuntimeFile(call_name, value, self.path, self.pos(arg), ignored))

    def _const_text(self, node: Node, scope: str, depth: int = 0) -> str | None:
        """The text of a literal or of a constant expression (no env or flag involved)."""
        literal = self._literal_text(node)
        if literal is not None:
            return literal
        parts = self.resolve(node, scope, depth + 1)
        if all(p.kind == "lit" for p in parts):
            return "".join(p.text for p in parts)
        return None

    def _error_ignored(self, call: Node) -> bool:
        parent = call.parent
        if parent is None:
            return False
        if parent.type == "expression_statement":
            return True
        if (
            parent.type == "expression_list"
            and parent.parent is not None
            and parent.parent.type in ("assignment_statement", "short_var_declaration")
        ):
            left = parent.parent.child_by_field_name("left")
            names = [self.text(n) for n in left.named_children] if left is not None else []
            return bool(names) and names[-1] == "_"
        return False

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

    def _env_context(self, call: Node, scope: str) -> tuple[str | None, bool]:
        """(fallback, required) for an os.Getenv/LookupEnv call, from how its result is used."""
        parent = call.parent
        # cmp.Or(os.Getenv("X"), "default")
        if parent is not None and parent.type == "argument_list" and parent.parent is not None:
            path, name, _ = self.callee(parent.parent)
            args = parent.named_children
            if path == "cmp" and name == "Or" and len(args) >= 2 and args[0] == call:
                return self._literal_text(args[1]), False
        # if os.Getenv("X") == "" { log.Fatal(...) }
        if parent is not None and parent.type == "binary_expression":
            for node in self.ifs:
                _, cond = self._empty_test(node)
                if cond is not None and cond.start_byte <= call.start_byte < cond.end_byte:
                    return None, self._is_fatal(node.child_by_field_name("consequence"))
        name = self._assigned_name(call)
        if not name:
            return None, False
        default: str | None = None
        for assign in self.locals.get(scope, {}).get(name, []):
            if assign.fallback and assign.value is not None:
                default = self._literal_text(assign.value)
        required = False
        for node in self.ifs:
            if node.start_byte < call.start_byte or self.scope_name(node) != scope:
                continue
            var, _ = self._empty_test(node)
            if var == name and self._is_fatal(node.child_by_field_name("consequence")):
                required = True
                break
        return default, required

    def _is_fatal(self, block: Node | None) -> bool:
        if block is None:
            return False
        for call in self.in_range("call", block):
            _, name, _ = self.callee(call)
            if name in FATAL_NAMES or (name in ("Errorf", "New") and self._inside_return(call, block)):
                return True
        return False

    @staticmethod
    def _inside_return(node: Node, stop: Node) -> bool:
        current = node.parent
        while current is not None and current != stop:
            if current.type == "return_statement":
                return True
            current = current.parent
        return False

    # ---------------------------------------------------------------- logs

    def _log_sink(self, facts: _Facts, sink: str, arg: Node, call: Node, scope: str) -> None:
        found = self._log_target(arg, scope, 0)
        if found is not None:
            file, opened, stdout = found
            facts.log_files.append(LogFileOutput(sink, file, stdout, self.path, self.pos(call), opened))

    def _log_target(self, node: Node, scope: str, depth: int) -> tuple[str, Position | None, bool] | None:
        """(file, where opened, also stdout) when `node` is a file writer; None otherwise."""
        if depth > 6:
            return None
        if node.type == "unary_expression":
            operand = node.child_by_field_name("operand")
            return self._log_target(operand, scope, depth + 1) if operand is not None else None
        if node.type == "identifier":
            name = self.text(node)
            assigns = self.locals.get(scope, {}).get(name) or self.locals.get("", {}).get(name, [])
            for assign in assigns:
                if assign.value is not None and (not assign.multi or assign.index == 0):
                    found = self._log_target(assign.value, scope, depth + 1)
                    if found is not None:
                        return found
            return None
        if node.type == "composite_literal":
            type_text = self.text(node.child_by_field_name("type"))
            if type_text.endswith("lumberjack.Logger"):
                file = ""
                for key, value in self._keyed(node):
                    if key == "Filename":
                        file = self.effective(value, scope) or self.text(value)
                return file, self.pos(node), False
            return None
        if node.type == "call_expression":
            path, name, _ = self.callee(node)
            args = self.args(node)
            if path == "os" and name in ("Create", "OpenFile") and args:
                return self.effective(args[0], scope) or self.text(args[0]), self.pos(node), False
            if path == "io" and name == "MultiWriter":
                stdout = any(self.text(a) in ("os.Stdout", "os.Stderr") for a in args)
                for arg in args:
                    found = self._log_target(arg, scope, depth + 1)
                    if found is not None:
                        return found[0], found[1], stdout or found[2]
        return None

    # ---------------------------------------------------------------- composite literals

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

    def _read_literals(self, facts: _Facts) -> None:
        for lit in self.caps.get("lit", []):
            type_node = lit.child_by_field_name("type")
            if type_node is None or type_node.type != "qualified_type":
                continue
            pkg = self.aliases.get(self.text(type_node.child_by_field_name("package")), "")
            type_name = self.text(type_node.child_by_field_name("name"))
            scope = self.scope_name(lit)
            if pkg == "net/http" and type_name == "Server":
                for key, value in self._keyed(lit):
                    if key == "Addr":
                        facts.listen(
                            "http-server-addr",
                            self.resolve(value, scope),
                            self.text(value),
                            self.path,
                            self.pos(value),
                        )
            elif pkg == "net/http" and type_name == "Client":
                facts.https.append(Evidence("http.Client", self.path, self.pos(lit), strong=False))
            elif pkg == "crypto/tls" and type_name == "Config":
                facts.https.append(Evidence("tls.Config", self.path, self.pos(lit), strong=False))
            elif pkg.startswith(("github.com/gin-contrib/cors", "github.com/rs/cors")) and type_name in (
                "Config",
                "Options",
            ):
                facts.cors_configs.append(self._cors_config(lit, pkg, scope))
            elif pkg in ("github.com/unrolled/secure", "github.com/gin-contrib/secure") and type_name in (
                "Options",
                "Config",
            ):
                keyed = dict(self._keyed(lit))
                redirect = keyed.get("SSLRedirect")
                if redirect is not None and self.text(redirect) == "true" and "SSLProxyHeaders" not in keyed:
                    facts.tls.append(
                        TlsBehaviour(
                            "secure-ssl-redirect",
                            f"{_default_import_name(pkg)}.{type_name}{{SSLRedirect: true}}",
                            self.path,
                            self.pos(redirect),
                        )
                    )
            elif pkg == "go.uber.org/zap" and type_name == "Config":
                for key, value in self._keyed(lit):
                    if key == "OutputPaths" and value.type == "composite_literal":
                        outs = [
                            go_string(e.named_children[0]) if e.named_children else None
                            for e in self._elements(value)
                        ]
                        files = [o for o in outs if o and o not in ("stdout", "stderr")]
                        if files:
                            facts.log_files.append(
                                LogFileOutput(
                                    "zap OutputPaths",
                                    files[0],
                                    any(o in ("stdout", "stderr") for o in outs),
                                    self.path,
                                    self.pos(value),
                                )
                            )

    def _cors_config(self, lit: Node, pkg: str, scope: str) -> CorsConfig:
        library = "rs/cors" if pkg.startswith("github.com/rs/cors") else "gin-contrib/cors"
        all_origins: bool | None = None
        credentials: bool | None = None
        origins: list[OriginEntry] = []
        methods: list[str] = []
        headers: list[str] = []
        origin_func = False
        fields: list[tuple[str, Position]] = []
        for key, value in self._keyed(lit):
            fields.append((key, self.pos(value)))
            if key == "AllowAllOrigins":
                all_origins = self.text(value) == "true"
            elif key == "AllowCredentials":
                credentials = self.text(value) == "true"
            elif key in ("AllowOrigins", "AllowedOrigins"):
                node = value
                if node.type == "identifier":
                    assigns = self.locals.get(scope, {}).get(self.text(node)) or self.locals.get("", {}).get(
                        self.text(node), []
                    )
                    if len(assigns) == 1 and assigns[0].value is not None:
                        node = assigns[0].value
                if node.type == "composite_literal":
                    for element in self._elements(node):
                        inner = element.named_children[0] if element.named_children else None
                        text = self.effective(inner, scope) if inner is not None else None
                        if text is not None and inner is not None:
                            origins.append(OriginEntry(text, self.pos(inner)))
            elif key in (
                "AllowOriginFunc",
                "AllowOriginWithContextFunc",
                "AllowOriginRequestFunc",
                "AllowOriginVaryRequestFunc",
            ):
                origin_func = True
            elif (
                key in ("AllowMethods", "AllowedMethods", "AllowHeaders", "AllowedHeaders")
                and value.type == "composite_literal"
            ):
                items = [
                    go_string(e.named_children[0]) if e.named_children else None
                    for e in self._elements(value)
                ]
                target = methods if "Method" in key else headers
                target.extend(i for i in items if i is not None)
        return CorsConfig(
            library,
            self._assigned_name(lit) if lit.parent is not None else "",
            all_origins,
            tuple(origins),
            origin_func,
            credentials,
            tuple(methods),
            tuple(headers),
            tuple(fields),
            self.path,
            self.pos(lit),
        )

    # ---------------------------------------------------------------- assignments, ifs, fields

    def _read_assignment_facts(self, facts: _Facts) -> None:
        for stmt in self.caps.get("assign", []):
            if stmt.type != "assignment_statement":
                continue
            left = stmt.child_by_field_name("left")
            right = stmt.child_by_field_name("right")
            if left is None or right is None or len(left.named_children) != len(right.named_children):
                continue
            scope = self.scope_name(stmt)
            for target, value in zip(left.named_children, right.named_children, strict=True):
                path, name = self.qualified(target)
                field_name = (
                    self.text(target.child_by_field_name("field"))
                    if target.type == "selector_expression"
                    else ""
                )
                if path == GIN and name in ("DefaultWriter", "DefaultErrorWriter"):
                    self._log_sink(facts, f"gin.{name}", value, stmt, scope)
                elif field_name == "TrustedPlatform":
                    facts.trusted_platforms.append(
                        Evidence(f"TrustedPlatform = {self.text(value)}", self.path, self.pos(stmt))
                    )
                elif field_name == "ForwardedByClientIP" and self.text(value) == "false":
                    facts.trusted_platforms.append(
                        Evidence("ForwardedByClientIP = false", self.path, self.pos(stmt))
                    )
                elif field_name in ("Out",) and self._log_target(value, scope, 0) is not None:
                    self._log_sink(facts, f"{self.text(target)}", value, stmt, scope)

    def _read_ifs(self, facts: _Facts) -> None:
        for node in self.ifs:
            cond = node.child_by_field_name("condition")
            consequence = node.child_by_field_name("consequence")
            if cond is None or consequence is None:
                continue
            cond_text = self.text(cond)
            if ".TLS" not in cond_text:
                continue
            compact = cond_text.replace(" ", "")
            proxy_aware = "forwarded" in cond_text.lower()
            if ".TLS==nil" in compact and not proxy_aware:
                for call in self.in_range("call", consequence):
                    _, name, _ = self.callee(call)
                    if name == "Redirect":
                        facts.tls.append(
                            TlsBehaviour("redirect-on-tls-nil", cond_text, self.path, self.pos(cond))
                        )
                        break
            elif ".TLS!=nil" in compact and not proxy_aware:
                for call in self.in_range("call", consequence):
                    args = self.args(call)
                    if args and (go_string(args[0]) or "").lower() == "strict-transport-security":
                        facts.tls.append(
                            TlsBehaviour("hsts-only-on-tls", cond_text, self.path, self.pos(call))
                        )
                        break

    def _read_fields(self, facts: _Facts) -> None:
        if b"env" not in self.data:
            return
        for node in self.caps.get("field", []):
            tag_node = node.child_by_field_name("tag")
            tag = go_string(tag_node) if tag_node is not None else None
            if not tag:
                continue
            tags = _struct_tags(tag)
            if "envconfig" in tags:
                name = tags["envconfig"].split(",")[0]
                if name:
                    facts.env_reads.append(
                        EnvRead(
                            name,
                            tags.get("default"),
                            tags.get("required") == "true",
                            "envconfig",
                            self.path,
                            self.pos(node),
                        )
                    )
            if "env" in tags:
                name, *options = tags["env"].split(",")
                if name:
                    facts.env_reads.append(
                        EnvRead(
                            name,
                            tags.get("envDefault"),
                            "required" in options or "notEmpty" in options,
                            "env-tag",
                            self.path,
                            self.pos(node),
                        )
                    )

    # ---------------------------------------------------------------- hand-written CORS

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

    # ---------------------------------------------------------------- imports

    def _read_import_facts(self, facts: _Facts) -> None:
        for imp in self.imports:
            if "." not in imp.path.split("/", 1)[0] and imp.path != "C":
                continue  # the standard library
            if imp.path == "C":
                facts.cgo.append(Evidence('import "C"', self.path, imp.pos))
            elif cgo_module_of(imp.path):
                facts.cgo.append(Evidence(f"imports {imp.path} (needs cgo)", self.path, imp.pos))
            if (
                any(
                    imp.path == p or imp.path.startswith(p + "/") or imp.path.startswith(p + "-")
                    for p in HTTPS_SDK_PREFIXES
                )
                and "/insecure" not in imp.path
            ):
                facts.https.append(Evidence(f"imports {imp.path}", self.path, imp.pos))
            if imp.path.startswith("go.uber.org/automaxprocs"):
                facts.tuning.append(Evidence("automaxprocs", self.path, imp.pos))
            elif imp.path.startswith("github.com/KimMachineGun/automemlimit"):
                facts.tuning.append(Evidence("automemlimit", self.path, imp.pos))
            if imp.path in GIN_PROMETHEUS:
                facts.metrics.append(Evidence(f"imports {imp.path}", self.path, imp.pos))


@dataclass(slots=True)
class _Facts:
    listens: list[ListenCall] = field(default_factory=list)
    engines: list[GinEngine] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    uses: list[MiddlewareUse] = field(default_factory=list)
    set_modes: list[SetModeCall] = field(default_factory=list)
    trusted_proxies: list[TrustedProxiesCall] = field(default_factory=list)
    trusted_platforms: list[Evidence] = field(default_factory=list)
    client_ip: list[Evidence] = field(default_factory=list)
    cors_configs: list[CorsConfig] = field(default_factory=list)
    cors_handlers: list[CorsHandler] = field(default_factory=list)
    runtime_files: list[RuntimeFile] = field(default_factory=list)
    time_zones: list[TimeZoneLoad] = field(default_factory=list)
    https: list[Evidence] = field(default_factory=list)
    env_reads: list[EnvRead] = field(default_factory=list)
    log_files: list[LogFileOutput] = field(default_factory=list)
    cgo: list[Evidence] = field(default_factory=list)
    tls: list[TlsBehaviour] = field(default_factory=list)
    tuning: list[Evidence] = field(default_factory=list)
    metrics: list[Evidence] = field(default_factory=list)

    def listen(
        self, kind: str, parts: list[ValuePart], raw: str, path: str, pos: Position, receiver: str = ""
    ) -> None:
        self.listens.append(
            ListenCall(kind, ListenAddress.from_parts(parts, raw), tuple(parts), path, pos, receiver)
        )


_CAARLOS = "github.com/caarlos0/env"
_KELSEY = "github.com/kelseyhightower/envconfig"
# (import path, function) -> index of the argument that receives the struct
_ENV_LOADERS: dict[tuple[str, str], int] = {
    (_CAARLOS, "Parse"): 0,
    (_CAARLOS, "ParseWithOptions"): 0,
    (_KELSEY, "Process"): 1,
    (_KELSEY, "MustProcess"): 1,
    ("github.com/ilyakaznacheev/cleanenv", "ReadEnv"): 0,
    ("github.com/sethvargo/go-envconfig", "Process"): 1,
    ("github.com/sethvargo/go-envconfig", "MustProcess"): 1,
}


def _env_tag(tags: dict[str, str]) -> tuple[str, str | None] | None:
    """(variable, default) from a field's tags, in the dialects of the libraries above."""
    if tags.get("envconfig"):
        name = tags["envconfig"].split(",")[0].strip()
        return (name, tags.get("default")) if name else None
    if tags.get("env"):
        name, *options = (part.strip() for part in tags["env"].split(","))
        default = tags.get("envDefault", tags.get("env-default"))
        for option in options:  # sethvargo/go-envconfig: `env:"PORT, default=8080"`
            if option.startswith("default="):
                default = option[len("default="):]
        return (name, default) if name else None
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


def _join(prefix: str, route: str) -> str:
    if not prefix:
        return route or "/"
    if not route or route == "/":
        return prefix if route == "" or prefix.endswith("/") else prefix + "/" if route else prefix
    return prefix.rstrip("/") + "/" + route.lstrip("/")


def _embed_patterns(text: str) -> list[str]:
    """Space-separated patterns; "quoted" or `raw` ones may hold spaces."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        if text[i] in "\"`":
            end = text.find(text[i], i + 1)
            end = n if end < 0 else end
            out.append(text[i + 1 : end])
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace():
                i += 1
            out.append(text[start:i])
    return out


def _looks_like_env(name: str) -> bool:
    return bool(name) and name[0].isalpha() and name.replace("_", "").isalnum() and name.upper() == name


def _helper_name(name: str) -> bool:
    lower = name.lower()
    return "env" in lower and any(w in lower for w in ("get", "lookup", "must", "require", "or", "default"))


def _must(name: str) -> bool:
    lower = name.lower()
    return lower.startswith(("must", "require"))


def _mentions_options(text: str) -> bool:
    return '"OPTIONS"' in text or "MethodOptions" in text


def _struct_tags(tag: str) -> dict[str, str]:
    """reflect.StructTag: `key:"value" key2:"value2"` (conventional format)."""
    out: dict[str, str] = {}
    i, n = 0, len(tag)
    while i < n:
        while i < n and tag[i] == " ":
            i += 1
        start = i
        while i < n and tag[i] > " " and tag[i] not in ':"\x7f':
            i += 1
        if i == start or i + 1 >= n or tag[i] != ":" or tag[i + 1] != '"':
            break
        key = tag[start:i]
        i += 2
        value: list[str] = []
        while i < n and tag[i] != '"':
            if tag[i] == "\\" and i + 1 < n:
                i += 1
            value.append(tag[i])
            i += 1
        if i >= n:
            break
        i += 1
        out[key] = "".join(value)
    return out
