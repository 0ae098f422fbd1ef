"""Helpers several reporters share: stable fingerprints and the place a finding is shown at."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from deploycheck.model import Finding, Location


def place(location: Location) -> str:
    """The file path, or the live object's label (`container=web image=nginx:1.25`)."""
    return location.path or location.label()


def _strip_line_numbers(finding: Finding) -> str:
    """The message with `path:line[:col]` citations of the files involved reduced to `path`.

    Only citations of the finding's own file and its related files are touched, so a port such
    as `127.0.0.1:8080` keeps its number and two findings that differ by port stay distinct.
    """
    message = finding.message
    paths = sorted({finding.location.path, *(r.location.path for r in finding.related)} - {""})
    for path in paths:
        # The look-behind keeps `a.yaml` from matching inside `data.yaml:3`.
        pattern = r"(?<![\w./-])" + re.escape(path) + r":\d+(?::\d+)?"
        message = re.sub(pattern, path.replace("\\", "\\\\"), message)
    return message


def fingerprint_base(finding: Finding) -> str:
    """What identifies a finding across commits: rule, file (or object) and the message without
    line numbers. Moving the offending line does not change it; changing the problem does."""
    return "\x00".join((finding.rule, place(finding.location), _strip_line_numbers(finding)))


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One sha256 hex digest per finding, in order.

    Identical findings (same rule, file and message) are told apart by their occurrence number,
    counted in report order, so no two results of one run share a fingerprint.
    """
    seen: dict[str, int] = {}
    out: list[str] = []
    for finding in findings:
        base = fingerprint_base(finding)
        seen[base] = seen.get(base, 0) + 1
        data = f"{base}\x00{seen[base]}".encode("utf-8", "surrogatepass")
        out.append(hashlib.sha256(data).hexdigest())
    return out


# C0 controls but tab and newline, DEL, C1 controls (ESC starts terminal sequences; a file name
# read from a hostile tree can carry them) and lone surrogates (undecodable bytes in file names).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with control characters and lone surrogates shown as `\\xNN` / `\\uNNNN` escapes."""
    return _UNPRINTABLE.sub(_escape_char, text)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def sorted_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Findings in report order. The engine sorts already; sorting again keeps reporters exact
    when a caller builds a `RunResult` by hand."""
    return sorted(findings, key=Finding.sort_key)
