"""Run rules on project trees the way users do, and read the expectation markers in fixtures."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from deploycheck import check
from deploycheck.engine.config import Config
from deploycheck.model import Finding

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "rules")
_MARK = re.compile(r"deploycheck-expect(-next)?:\s*([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)")


def expected_marks(tree: str) -> set[tuple[str, int, str]]:
    """(path, line, code) for every `deploycheck-expect[-next]: CODE` marker in a tree."""
    marks: set[tuple[str, int, str]] = set()
    for folder, _, names in os.walk(tree):
        for name in names:
            full = os.path.join(folder, name)
            rel = os.path.relpath(full, tree).replace(os.sep, "/")
            try:
                with open(full, encoding="utf-8") as fh:
                    lines = fh.read().splitlines()
            except (UnicodeDecodeError, OSError):
                continue
            for index, line in enumerate(lines, 1):
                for match in _MARK.finditer(line):
                    target = index + 1 if match.group(1) else index
                    for code in re.split(r"\s*,\s*", match.group(2)):
                        marks.add((rel, target, code))
    return marks


def run(tree: str, codes: Iterable[str] | None = None) -> list[Finding]:
    """All rules run (so suppressions behave as for users); findings of `codes` are returned."""
    result = check([tree], Config(jobs=1))
    wanted = set(codes) if codes is not None else None
    return [f for f in result.findings if wanted is None or f.rule in wanted]


def fixture_codes() -> list[str]:
    if not os.path.isdir(FIXTURES):
        return []
    return sorted(d for d in os.listdir(FIXTURES) if os.path.isdir(os.path.join(FIXTURES, d)))
