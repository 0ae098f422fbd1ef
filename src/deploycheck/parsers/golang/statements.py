"""Facts from assignments, `if` statements and struct field tags.

`_Statements` reads assignments to Gin's default writers, `TrustedPlatform`,
`ForwardedByClientIP = false` and a logger's `Out`; `if r.TLS == nil` that redirects and
`if r.TLS != nil` that sets HSTS without looking at forwarded headers; and `envconfig`/`env`
struct tags as environment reads with their defaults and whether they are required.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploycheck.model.golang import EnvRead, Evidence, TlsBehaviour
from deploycheck.parsers.golang.outputs import _Outputs
from deploycheck.parsers.golang.syntax import go_string
from deploycheck.parsers.golang.tables import GIN, _struct_tags

if TYPE_CHECKING:
    from deploycheck.parsers.golang.records import _Facts


class _Statements(_Outputs):
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
