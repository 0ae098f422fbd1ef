"""The reader's state and the names it resolves.

`_Names` is the base of the reader: it holds what one pass over a module collects (import
aliases, constants, bindings of variables to the calls that made them, django-environ schemes,
settings classes, `__main__` blocks), turns local names into qualified ones through the imports,
and tells which framework a receiver such as `app` or `router` belongs to. Importing a cloud SDK
is itself recorded as an outbound TLS call.
"""

from __future__ import annotations

import ast

from deploycheck.model import SourceFile
from deploycheck.model.python import OutboundCall
from deploycheck.parsers.python.syntax import _pos
from deploycheck.parsers.python.tables import _TLS_SDKS
from deploycheck.parsers.python.values import _Const


class _Names:
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

    # on the base because both routes and the instrumentator's metrics route (runtime) need it
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

    # ---- imports

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
