"""The GitHub Actions format: one workflow command per finding, shown as an annotation.

```
::error file=compose.yaml,line=6,col=5,title=DC201 port-not-listening::the app listens on ...%0Afix: ...
```

`error` for errors, `warning` for warnings, `notice` for infos. Findings on live objects have no
file: the annotation goes to the run's summary with the object's label at the head of the message.
"""

from __future__ import annotations

from deploycheck.model import Finding, RunResult, Severity
from deploycheck.reporters import ReportOptions
from deploycheck.reporters.common import printable, sorted_findings

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message the way the Actions runner unescapes it (`@actions/core`)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    # Escapes cannot bring back a newline, so what is left of control characters is only shown.
    return printable(text)


def escape_property(text: str) -> str:
    """Escape a property value: as data, plus `:` and `,` which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _properties(finding: Finding) -> str:
    loc = finding.location
    props: list[tuple[str, str]] = []
    if loc.path:
        props.append(("file", loc.path))
        if loc.line >= 1:
            props.append(("line", str(loc.line)))
            if loc.column >= 1:
                props.append(("col", str(loc.column)))
            if loc.end_line >= loc.line:
                props.append(("endLine", str(loc.end_line)))
                if loc.end_column >= 1:
                    props.append(("endColumn", str(loc.end_column)))
    props.append(("title", f"{finding.rule} {finding.name}"))
    return ",".join(f"{key}={escape_property(value)}" for key, value in props)


def _message(finding: Finding, options: ReportOptions) -> str:
    parts = [finding.message if finding.location.path else f"{finding.location.label()}: {finding.message}"]
    if options.show_fix and finding.fix:
        parts.append(f"fix: {finding.fix}")
    if options.show_related:
        parts.extend(f"related: {r.location.short()}: {r.message}" for r in finding.related)
    return escape_data("\n".join(parts))


def render(result: RunResult, options: ReportOptions) -> str:
    lines = [
        f"::{COMMANDS[f.severity]} {_properties(f)}::{_message(f, options)}"
        for f in sorted_findings(result.findings)
    ]
    return "".join(line + "\n" for line in lines)
