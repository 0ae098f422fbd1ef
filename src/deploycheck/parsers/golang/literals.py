"""Composite literals: `http.Server{Addr: ...}`, TLS and client configs, CORS and secure options, zap.

`_Literals._read_literals` records the listen address of an `http.Server` literal, HTTPS
evidence from `http.Client` and `tls.Config`, `SSLRedirect: true` without proxy headers in
unrolled/secure and gin-contrib/secure, and zap's file `OutputPaths`; `_cors_config` reads a
gin-contrib/cors or rs/cors configuration (origins, origin functions, credentials, methods,
headers and where each field is).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploycheck.model import Position
from deploycheck.model.golang import CorsConfig, Evidence, LogFileOutput, OriginEntry, TlsBehaviour
from deploycheck.parsers.golang.syntax import go_string
from deploycheck.parsers.golang.tables import _default_import_name
from deploycheck.parsers.golang.values import _Values

if TYPE_CHECKING:
    from tree_sitter import Node

    from deploycheck.parsers.golang.records import _Facts


class _Literals(_Values):
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
