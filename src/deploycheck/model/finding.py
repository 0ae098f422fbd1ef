"""Violations (what a rule yields) and findings (what the engine reports)."""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Location, Related
from deploycheck.model.severity import Category, Severity


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the text from (line, column) up to (end_line, end_column), 1-based, end exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule's `check` yields. The engine adds the rule's code, name, category and severity.

    `message` says what breaks at run time and where; `fix` overrides the rule's default fix text
    when the fix depends on the case; `edits`, when present, repair the file mechanically.
    """

    message: str
    location: Location
    related: tuple[Related, ...] = ()
    fix: str = ""
    edits: tuple[TextEdit, ...] = ()
    safe_fix: bool = True


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem: the shape every command (check, containers, image, probe) shares."""

    rule: str
    name: str
    category: Category
    severity: Severity
    message: str
    fix: str
    location: Location
    related: tuple[Related, ...] = ()
    edits: tuple[TextEdit, ...] = ()
    safe_fix: bool = True

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path or loc.label(), loc.line, loc.column, self.rule, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "name": self.name,
            "category": self.category.value,
            "severity": self.severity.value,
            "message": self.message,
            "fix": self.fix,
            "location": self.location.to_dict(),
            "related": [
                {"message": r.message, "location": r.location.to_dict()} for r in self.related
            ],
        }
