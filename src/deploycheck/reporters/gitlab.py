"""The GitLab Code Quality format (a subset of Code Climate's issue format): a JSON list.

```
[{"description": "...", "check_name": "DC201", "fingerprint": "<sha256>", "severity": "critical",
  "location": {"path": "compose.yaml", "lines": {"begin": 6}}, "categories": ["Bug Risk"]}]
```

Severity: error → critical, warning → major, info → info. The fingerprint ignores line numbers
so GitLab keeps tracking an issue whose line moved. Findings on live objects use the object's
label as the path; a whole-file finding starts at line 1. Machine-read, so always complete.
"""

from __future__ import annotations

import json

from deploycheck.model import Category, Finding, RunResult, Severity
from deploycheck.reporters import ReportOptions
from deploycheck.reporters.common import fingerprints, place, sorted_findings

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}
# Code Climate's fixed category names; everything a deployment check finds that is none of the
# named kinds is a bug risk (it breaks or degrades the running service).
CATEGORIES = {
    Category.SECURITY: "Security",
    Category.TLS: "Security",
    Category.CORS: "Security",
    Category.RESOURCES: "Performance",
    Category.PLATFORM: "Compatibility",
    Category.OBSERVABILITY: "Clarity",
}


def _issue(finding: Finding, fingerprint: str) -> dict[str, object]:
    description = finding.message + (f" Fix: {finding.fix}" if finding.fix else "")
    return {
        "description": description,
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[finding.severity],
        "location": {"path": place(finding.location), "lines": {"begin": max(finding.location.line, 1)}},
        "categories": [CATEGORIES.get(finding.category, "Bug Risk")],
    }


def document(result: RunResult) -> list[dict[str, object]]:
    findings = sorted_findings(result.findings)
    return [_issue(f, fp) for f, fp in zip(findings, fingerprints(findings), strict=True)]


def render(result: RunResult, options: ReportOptions) -> str:
    del options  # machine-read: always complete
    return json.dumps(document(result), indent=2, ensure_ascii=True) + "\n"
