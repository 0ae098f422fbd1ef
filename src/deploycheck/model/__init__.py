"""Pure data: positions, findings, rules and the typed models parsers produce. Imports nothing else."""

from deploycheck.model.finding import Finding, TextEdit, Violation
from deploycheck.model.location import Location, Position, Related
from deploycheck.model.problems import ParseProblem, SkippedFile, UnusedSuppression
from deploycheck.model.result import RuleInfo, RunResult
from deploycheck.model.rule import NoOptions, Rule
from deploycheck.model.severity import Category, Severity
from deploycheck.model.source import SourceFile

__all__ = [
    "Category",
    "Finding",
    "Location",
    "NoOptions",
    "ParseProblem",
    "Position",
    "Related",
    "Rule",
    "RuleInfo",
    "RunResult",
    "Severity",
    "SkippedFile",
    "SourceFile",
    "TextEdit",
    "UnusedSuppression",
    "Violation",
]
