"""The text format: one line per finding, grouped by file, for people at a terminal.

```
compose.yaml:6:5: DC201 [error] port-not-listening: the app listens on 127.0.0.1:8080 ...
  fix: listen on ":8080"
  related: main.go:12: the app binds here
```

Findings on live objects show the object's keys where the path would be
(`container=web image=nginx:1.25: DC710 [warning] ...`). A summary line ends the report.
"""

from __future__ import annotations

from collections import Counter

from deploycheck.model import Finding, RunResult, Severity
from deploycheck.reporters import ReportOptions
from deploycheck.reporters.common import place, printable, sorted_findings

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_COLOR = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[33m",
    Severity.INFO: "\x1b[36m",
}
# Continuation lines of a multi-line message line up under the start of the message.
_CONTINUATION = "    "


def _style(text: str, code: str, options: ReportOptions) -> str:
    return f"{code}{text}{_RESET}" if options.color else text


def _lines(text: str) -> list[str]:
    """`text` split into printable lines (messages may quote file content holding newlines)."""
    return [printable(line) for line in text.splitlines()] or [""]


def _finding(finding: Finding, options: ReportOptions) -> list[str]:
    severity = finding.severity
    head = (
        f"{_style(printable(finding.location.label()), _BOLD, options)}: "
        f"{_style(finding.rule, _BOLD, options)} "
        f"{_style(f'[{severity.value}]', _SEVERITY_COLOR[severity], options)} "
        f"{printable(finding.name)}: "
    )
    message = _lines(finding.message)
    out = [head + message[0], *(_CONTINUATION + line for line in message[1:])]
    if options.show_fix and finding.fix:
        fix = _lines(finding.fix)
        out.append(f"  {_style('fix:', _DIM, options)} {fix[0]}")
        out.extend(_CONTINUATION + line for line in fix[1:])
    if options.show_related:
        for related in finding.related:
            text = _lines(related.message)
            where = printable(related.location.short())
            out.append(f"  {_style('related:', _DIM, options)} {where}: {text[0]}")
            out.extend(_CONTINUATION + line for line in text[1:])
    return out


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(result: RunResult, options: ReportOptions) -> str:
    """`Found 2 errors, 1 warning, 0 infos in 7 files.` or `No problems found in 7 files.`"""
    files = _plural(result.files_checked, result.unit)
    if not result.findings:
        return f"No problems found in {files}."
    counts = [
        _style(_plural(result.count(severity), severity.value), _SEVERITY_COLOR[severity], options)
        if options.color and result.count(severity)
        else _plural(result.count(severity), severity.value)
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    ]
    return f"Found {', '.join(counts)} in {files}."


def _rule_counts(findings: list[Finding]) -> list[str]:
    """Per-rule counts, most frequent first (like `ruff --statistics`)."""
    counts = Counter((f.rule, f.name, f.severity) for f in findings)
    width = len(str(max(counts.values())))
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    lines = ["Findings by rule:"]
    for (rule, name, severity), count in rows:
        lines.append(f"  {count:>{width}}  {rule}  {printable(name)} [{severity.value}]")
    return lines


def render(result: RunResult, options: ReportOptions) -> str:
    findings = sorted_findings(result.findings)
    out: list[str] = []
    previous: str | None = None
    for finding in findings:
        group = place(finding.location)
        if previous is not None and group != previous:
            out.append("")
        previous = group
        out.extend(_finding(finding, options))
    if options.quiet:
        return "".join(line + "\n" for line in out)
    if findings:
        out.append("")
    if options.verbose and findings:
        out.extend(_rule_counts(findings))
        out.append("")
    out.append(summary_line(result, options))
    return "\n".join(out) + "\n"
