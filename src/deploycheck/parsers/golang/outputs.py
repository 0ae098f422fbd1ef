"""Files the app opens at run time and files it logs to.

`_Outputs` records a runtime file (a template glob, a static directory, a `.env` or config file)
when its name is known, with whether an error from opening it is dropped (`_error_ignored`), and
follows a log writer (`os.Create`, `os.OpenFile`, lumberjack, `io.MultiWriter`) through variables
to the file it writes, noting whether the output also goes to stdout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploycheck.model import Position
from deploycheck.model.golang import LogFileOutput, RuntimeFile
from deploycheck.parsers.golang.tables import _PANICS
from deploycheck.parsers.golang.values import _Values

if TYPE_CHECKING:
    from tree_sitter import Node

    from deploycheck.parsers.golang.records import _Facts


class _Outputs(_Values):
    def _runtime_file(self, facts: _Facts, call_name: str, arg: Node, call: Node, scope: str) -> None:
        value = self.effective(arg, scope)
        if value:
            # Gin's loaders panic on a missing file; calls that return an error may have it dropped
            ignored = call_name not in _PANICS and self._error_ignored(call)
            facts.runtime_files.append(RuntimeFile(call_name, value, self.path, self.pos(arg), ignored))

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
