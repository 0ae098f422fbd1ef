"""Routers and routes: Gin engines and groups (and Echo/Fiber apps), and the routes registered on them.

`_Routers` finds getEnv-style helpers, then the names that hold a router: variables and struct
fields typed `*gin.Engine`/`*gin.RouterGroup`, and values of `gin.Default()`, `gin.New()`,
`echo.New()`, `fiber.New()` and `.Group("/prefix")` (with the prefix joined when it is known).
`_route` records one route registration, including `http.HandleFunc` and Go 1.22 patterns
such as `"GET /healthz"`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploycheck.model.golang import Evidence, Route
from deploycheck.parsers.golang.base import _Base
from deploycheck.parsers.golang.records import _Func, _Router
from deploycheck.parsers.golang.syntax import go_string
from deploycheck.parsers.golang.tables import GIN, ROUTE_METHODS, _join

if TYPE_CHECKING:
    from tree_sitter import Node

    from deploycheck.parsers.golang.records import _Facts


class _Routers(_Base):
    def _router_from_type(self, name: str, type_text: str) -> None:
        local = next((k for k, v in self.aliases.items() if v == GIN), "")
        if not local or not name:
            return
        if type_text in (f"*{local}.Engine", f"{local}.IRouter", f"{local}.IRoutes"):
            self.routers.setdefault(name, _Router("engine", name, "", True))
        elif type_text == f"*{local}.RouterGroup":
            self.routers.setdefault(name, _Router("group", "", "", False))

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
