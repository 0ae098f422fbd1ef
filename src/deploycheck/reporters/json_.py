"""The JSON format: the stable contract for other programs (see docs/output-formats.md).

```
{"tool": {"name", "version"}, "findings": [Finding.to_dict(), ...],
 "summary": {"error": n, "warning": n, "info": n}, "files_checked": n}
```

Always complete: the display options (fix, related) do not apply. Keys keep this order; the
output is ASCII (non-ASCII text as `\\u` escapes), indented by 2, and ends with a newline.
"""

from __future__ import annotations

import json

from deploycheck.model import RunResult
from deploycheck.reporters import ReportOptions
from deploycheck.reporters.common import sorted_findings


def document(result: RunResult) -> dict[str, object]:
    """The JSON document as Python data."""
    return {
        "tool": {"name": result.tool_name, "version": result.tool_version},
        "findings": [finding.to_dict() for finding in sorted_findings(result.findings)],
        "summary": result.summary(),
        "files_checked": result.files_checked,
    }


def render(result: RunResult, options: ReportOptions) -> str:
    del options  # JSON always carries everything
    return json.dumps(document(result), indent=2, ensure_ascii=True) + "\n"
