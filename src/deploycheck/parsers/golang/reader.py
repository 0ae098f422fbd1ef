"""The reader of one file: the order of the passes, and the `GoFile` they add up to.

`_Reader.read` takes the build constraint and `//go:embed` directives from the comments, reads
imports (with their local names) and top-level functions, then the assignments, fallbacks,
env-tag structs and routers that later passes need, and hands every call, literal, assignment,
`if`, struct field, CORS handler and import to the mixin of its concern. Package-level values
and the fields of returned config structs are kept for `model.golang.assemble`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploycheck.model.golang import (
    HTTPS_SDK_PREFIXES,
    EmbedDirective,
    Evidence,
    GoFile,
    GoImport,
    PackageValue,
    cgo_module_of,
)
from deploycheck.parsers.golang.calls import _Calls
from deploycheck.parsers.golang.cors import _CorsHandlers
from deploycheck.parsers.golang.literals import _Literals
from deploycheck.parsers.golang.records import _Facts, _Func
from deploycheck.parsers.golang.statements import _Statements
from deploycheck.parsers.golang.syntax import go_string
from deploycheck.parsers.golang.tables import GIN_PROMETHEUS, _default_import_name, _embed_patterns

if TYPE_CHECKING:
    from tree_sitter import Node


class _Reader(_Calls, _Literals, _Statements, _CorsHandlers):
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
