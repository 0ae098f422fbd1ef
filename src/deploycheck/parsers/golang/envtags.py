"""Config structs filled by env-tag libraries (caarlos0/env, envconfig, cleanenv, go-envconfig).

`_EnvTags` finds struct types whose fields carry env tags and the variables handed to those
libraries' loaders (with envconfig's prefix), so that `cfg.Port` can resolve to the variable and
default of its tag. It also tells whether a variable is handed to a call or has a method called
on it, in which case its struct literal may not be the value that lasts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploycheck.model import Position
from deploycheck.model.golang import ValuePart
from deploycheck.parsers.golang.base import _Base
from deploycheck.parsers.golang.syntax import _address_of, go_string
from deploycheck.parsers.golang.tables import _struct_tags

if TYPE_CHECKING:
    from tree_sitter import Node

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


class _EnvTags(_Base):
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
        """Whether `var` (or `&var`) is passed to a call, or a method is called on it, in `scope`
        (anywhere in the file for a package-level variable): then something other than its
        literal may set its fields."""
        for call in self.caps.get("call", []):
            if scope and self.scope_name(call) != scope:
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
