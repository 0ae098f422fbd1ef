"""The pass over every call: package functions go to `_qualified_call`, the rest are methods and helpers.

`_Calls._read_calls` handles calls on a receiver or of a local function: getEnv-style helpers,
`Run`/`RunTLS` of a Gin engine (`_gin_run`, with Gin's `$PORT`/`:8080` default), Echo's `Start`
and Fiber's `Listen`, route registrations, `Use` of middleware, `SetTrustedProxies`
(`_trusted_proxies`), `ClientIP`, template and static-file loaders and `SetOutput`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploycheck.model.golang import EnvRead, Evidence, MiddlewareUse, TrustedProxiesCall, ValuePart
from deploycheck.parsers.golang.packages import _Packages
from deploycheck.parsers.golang.syntax import go_string
from deploycheck.parsers.golang.tables import GIN, ROUTE_METHODS, _helper_name, _looks_like_env, _must

if TYPE_CHECKING:
    from tree_sitter import Node

    from deploycheck.parsers.golang.records import _Facts


class _Calls(_Packages):
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
