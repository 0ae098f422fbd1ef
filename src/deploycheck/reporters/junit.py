"""The JUnit XML format, for CI systems that show test reports (GitLab, Jenkins, Azure, CircleCI).

One `<testsuite name="deploycheck">` inside `<testsuites>`. Each finding is a `<testcase>`
(classname: the file, or the live object's label; name: code, rule name and place) holding a
`<failure>` whose `type` is the severity and whose body is the finding as the text format shows
it. A run without findings is one passing testcase, so the report is never empty.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from deploycheck.model import Finding, RunResult
from deploycheck.reporters import ReportOptions
from deploycheck.reporters.common import place, printable, sorted_findings

SUITE = "deploycheck"
# Characters XML 1.0 cannot carry at all, even as references (printable() handles the rest).
_NOT_XML = re.compile("[\ufffe\uffff]")


def _clean(text: str) -> str:
    text = printable(text.replace("\r\n", "\n"))
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _body(finding: Finding, options: ReportOptions) -> str:
    lines = [
        f"{finding.location.label()}: {finding.rule} [{finding.severity.value}] {finding.name}: "
        f"{finding.message}"
    ]
    if options.show_fix and finding.fix:
        lines.append(f"fix: {finding.fix}")
    if options.show_related:
        lines.extend(f"related: {r.location.short()}: {r.message}" for r in finding.related)
    return "\n".join(lines)


def _testcase(parent: ET.Element, finding: Finding, options: ReportOptions) -> None:
    loc = finding.location
    attrs = {
        "classname": _clean(place(loc)),
        "name": _clean(f"{finding.rule} {finding.name} ({loc.label()})"),
    }
    if loc.path:
        attrs["file"] = _clean(loc.path)
        if loc.line >= 1:
            attrs["line"] = str(loc.line)
    case = ET.SubElement(parent, "testcase", attrs)
    failure = ET.SubElement(
        case, "failure", {"type": finding.severity.value, "message": _clean(finding.message)}
    )
    failure.text = _clean(_body(finding, options))


def render(result: RunResult, options: ReportOptions) -> str:
    findings = sorted_findings(result.findings)
    counts = {
        "tests": str(max(len(findings), 1)),
        "failures": str(len(findings)),
        "errors": "0",
        "time": f"{max(result.duration_seconds, 0.0):.3f}",
    }
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts, "skipped": "0"})
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("tool", f"{result.tool_name} {result.tool_version}"),
        ("command", result.command),
        ("root", result.root),
        ("files_checked", str(result.files_checked)),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
    for finding in findings:
        _testcase(suite, finding, options)
    if not findings:
        files = f"{result.files_checked} file{'' if result.files_checked == 1 else 's'}"
        ET.SubElement(suite, "testcase", {"classname": SUITE, "name": f"No problems found in {files}"})
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
