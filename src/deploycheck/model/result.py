"""What a run returns: findings plus what reporters need to describe the run."""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.finding import Finding
from deploycheck.model.severity import Category, Severity


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule as reporters describe it (SARIF `rules`, `deploycheck rules`)."""

    code: str
    name: str
    category: Category
    severity: Severity
    summary: str
    doc: str
    fix: str


@dataclass(frozen=True, slots=True)
class RunResult:
    """The outcome of one command run.

    `findings` are sorted and already filtered (selection, suppression, severity overrides).
    `rules` lists the rules that ran; `root` is the checked directory as the user named it.
    """

    tool_name: str
    tool_version: str
    command: str
    root: str
    findings: tuple[Finding, ...]
    rules: tuple[RuleInfo, ...]
    files_checked: int = 0
    duration_seconds: float = 0.0
    unit: str = "file"  # what files_checked counts: file, container, image, URL, log line...

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def summary(self) -> dict[str, int]:
        return {s.value: self.count(s) for s in Severity}
