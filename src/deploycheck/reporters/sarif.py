"""The SARIF 2.1.0 format, shaped for GitHub code scanning (`upload-sarif`).

One run: the driver lists every rule that ran (and any code a finding carries that the rule list
lacks, such as engine findings), each result points at its rule by id and index, and carries a
`partialFingerprints` entry that ignores line numbers so an alert follows its line across
commits. File paths are relative URIs under the `%SRCROOT%` base. Findings on live objects
(containers, images, URLs) have no file: they get a logical location named after the object,
plus the physical location of their first related file when they have one, because GitHub
refuses a whole upload that holds a result without a file ("expected artifact location").

Machine-read, so always complete: the display options do not apply. Findings' edits become SARIF
`fixes`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote

from deploycheck.model import Category, Finding, Location, RuleInfo, RunResult, Severity, TextEdit
from deploycheck.reporters import ReportOptions
from deploycheck.reporters.common import fingerprints, sorted_findings

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
# `driver.informationUri`, the tool's home page: left out while the project has no public address
# (a made-up one would send people nowhere). Set it here once there is one.
INFORMATION_URI = ""
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "deploycheck/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub's `problem.severity` for rules that are not security rules.
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
# GitHub reads `security-severity` (a CVSS-like score as a string) only on rules tagged
# "security": >= 7.0 shows as high, >= 4.0 medium, else low.
SECURITY_CATEGORIES = frozenset({Category.SECURITY, Category.TLS, Category.CORS})
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}


def artifact_uri(path: str) -> str:
    """A percent-encoded URI reference for `path` (GitHub rejects a URI holding a space).

    Lone surrogates that stand for undecodable bytes of a file name turn back into those bytes.
    """
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogatepass")
    if path.startswith("/"):
        return "file://" + quote(raw, safe="/")
    return quote(raw, safe="/")


def _artifact_location(path: str) -> dict[str, object]:
    if path.startswith("/"):
        return {"uri": artifact_uri(path)}
    return {"uri": artifact_uri(path), "uriBaseId": SRCROOT}


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int] | None:
    """A SARIF region with only the known parts (0 means unknown), or None for a whole file."""
    if line < 1:
        return None
    region = {"startLine": line}
    if column >= 1:
        region["startColumn"] = column
    if end_line >= line:
        region["endLine"] = end_line
        if end_column >= 1 and (end_line > line or end_column >= column):
            region["endColumn"] = end_column
    return region


def _physical(location: Location) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": _artifact_location(location.path)}
    region = _region(location.line, location.column, location.end_line, location.end_column)
    if region:
        physical["region"] = region
    return physical


def _logical(location: Location) -> list[dict[str, str]]:
    label = location.label()
    kind = location.extra[0][0] if location.extra else "resource"
    return [{"name": label, "fullyQualifiedName": label, "kind": kind}]


def _location(location: Location, anchor: Location | None = None) -> dict[str, object]:
    """A SARIF location: physical for files; logical for live objects, anchored to a file when
    one is known."""
    if location.path:
        return {"physicalLocation": _physical(location)}
    out: dict[str, object] = {}
    if anchor is not None:
        out["physicalLocation"] = _physical(anchor)
    out["logicalLocations"] = _logical(location)
    return out


def _full_description(info: RuleInfo) -> str:
    """The doc's text between the summary line and the first heading, else the first paragraph
    of `## Why`, else the summary."""
    lines = info.doc.strip().splitlines()[1:]
    intro: list[str] = []
    for line in lines:
        if line.startswith("#"):
            break
        intro.append(line)
    text = " ".join(" ".join(intro).split())
    if text:
        return text
    why = info.doc.split("## Why", 1)
    if len(why) == 2:
        paragraph = why[1].strip().split("\n\n", 1)[0]
        if paragraph and not paragraph.startswith("#"):
            return " ".join(paragraph.split())
    return info.summary or info.name


def _rule(info: RuleInfo) -> dict[str, object]:
    summary = info.summary or info.name
    help_text = info.doc.strip() or (f"{summary}\n\nFix: {info.fix}" if info.fix else summary)
    tags = [info.category.value]
    properties: dict[str, object] = {"tags": tags, "problem.severity": PROBLEM_SEVERITY[info.severity]}
    if info.category in SECURITY_CATEGORIES:
        if "security" not in tags:
            tags.append("security")
        properties["security-severity"] = SECURITY_SEVERITY[info.severity]
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": _full_description(info)},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[info.severity]},
        "properties": properties,
    }


def rule_infos(result: RunResult) -> list[RuleInfo]:
    """The rules that ran, each code once, plus a description for any code a finding carries
    that the list lacks (engine findings such as malformed files)."""
    infos: dict[str, RuleInfo] = {}
    for info in result.rules:
        infos.setdefault(info.code, info)
    for finding in result.findings:
        if finding.rule not in infos:
            infos[finding.rule] = RuleInfo(
                code=finding.rule,
                name=finding.name,
                category=finding.category,
                severity=finding.severity,
                summary=finding.name,
                doc="",
                fix=finding.fix,
            )
    return list(infos.values())


def _deleted_region(edit: TextEdit) -> dict[str, int]:
    """The edit's span, its end never before its start (an insertion is an empty region)."""
    end = max((edit.end_line, edit.end_column), (edit.line, edit.column))
    return {
        "startLine": edit.line,
        "startColumn": edit.column,
        "endLine": end[0],
        "endColumn": max(end[1], 1),
    }


def _fixes(finding: Finding) -> list[dict[str, object]]:
    by_path: dict[str, list[TextEdit]] = {}
    for edit in finding.edits:
        if edit.path and edit.line >= 1 and edit.column >= 1:
            by_path.setdefault(edit.path, []).append(edit)
    if not by_path:
        return []
    changes = [
        {
            "artifactLocation": _artifact_location(path),
            "replacements": [
                {"deletedRegion": _deleted_region(e), "insertedContent": {"text": e.replacement}}
                for e in edits
            ],
        }
        for path, edits in by_path.items()
    ]
    return [
        {
            "description": {"text": finding.fix or "Apply the suggested edit."},
            "artifactChanges": changes,
            "properties": {"safe": finding.safe_fix},
        }
    ]


def _result(finding: Finding, rule_index: int, fingerprint: str) -> dict[str, object]:
    text = finding.message + (f"\nFix: {finding.fix}" if finding.fix else "")
    anchor = next((r.location for r in finding.related if r.location.path), None)
    out: dict[str, object] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [_location(finding.location, anchor)],
    }
    if finding.related:
        out["relatedLocations"] = [
            {"id": i, **_location(r.location), "message": {"text": r.message}}
            for i, r in enumerate(finding.related, start=1)
        ]
    fixes = _fixes(finding)
    if fixes:
        out["fixes"] = fixes
    out["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    return out


def _root_base(root: str) -> dict[str, object]:
    """`originalUriBaseIds["%SRCROOT%"]`: a file URI when the root is absolute, else a note."""
    if root.startswith("/"):
        return {"uri": artifact_uri(root.rstrip("/") + "/")}
    return {"description": {"text": f"The checked directory, as named on the command line: {root or '.'}"}}


def document(result: RunResult) -> dict[str, object]:
    """The SARIF log as Python data."""
    infos = rule_infos(result)
    index = {info.code: i for i, info in enumerate(infos)}
    findings: Sequence[Finding] = sorted_findings(result.findings)
    prints = fingerprints(findings)
    driver: dict[str, object] = {"name": result.tool_name, "version": result.tool_version}
    if INFORMATION_URI:
        driver["informationUri"] = INFORMATION_URI
    driver["rules"] = [_rule(info) for info in infos]
    run: dict[str, object] = {
        "tool": {"driver": driver},
        "invocations": [{"executionSuccessful": True}],
        "originalUriBaseIds": {SRCROOT: _root_base(result.root)},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule], fp) for f, fp in zip(findings, prints, strict=True)],
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(result: RunResult, options: ReportOptions) -> str:
    del options  # machine-read: always complete
    return json.dumps(document(result), indent=2, ensure_ascii=True) + "\n"
