"""Every fixable rule against tests/fixtures/fixes/<CODE>/{before,after}/.

For each: the rule fires on `before/` with edits; `--fix` turns the tree into exactly `after/`;
the rule is then silent; a second `--fix` changes nothing. A folder holding a file `UNSAFE`
is a fix that changes behaviour: it applies only with --unsafe-fixes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtree import FIXTURES, copy_tree, fix_codes, run_fix, snapshot

from deploycheck.engine.registry import by_code
from deploycheck.engine.runner import check

CODES = fix_codes()


def _unsafe(code: str) -> bool:
    return (FIXTURES / code / "UNSAFE").exists()


@pytest.mark.parametrize("code", CODES)
def test_fix_turns_before_into_after(code: str, tmp_path: Path) -> None:
    tree = copy_tree(FIXTURES / code / "before", tmp_path / "tree")
    from fixtree import config

    findings = [f for f in check([str(tree)], config(code)).findings if f.rule == code]
    assert findings and any(f.edits for f in findings), f"{code}: before/ gives no fixable finding"
    assert all(f.safe_fix is not _unsafe(code) for f in findings if f.edits)

    outcome = run_fix(tree, code, unsafe=_unsafe(code))
    assert outcome.fixed, f"{code}: nothing fixed"
    expected = snapshot(FIXTURES / code / "after")
    actual = snapshot(tree)
    assert sorted(actual) == sorted(expected), f"{code}: files differ"
    for name, data in expected.items():
        assert actual[name] == data, f"{code}: {name} differs from after/{name}:\n" + \
            actual[name].decode(errors="replace")
    left = [f for f in outcome.result.findings if f.rule == code]
    assert not left, "\n".join(f"{f.location.label()}: {f.message}" for f in left)

    again = run_fix(tree, code, unsafe=True)
    assert not again.fixed and snapshot(tree) == expected, f"{code}: a second --fix changed files"


@pytest.mark.parametrize("code", [c for c in CODES if _unsafe(c)])
def test_unsafe_fix_needs_the_flag(code: str, tmp_path: Path) -> None:
    tree = copy_tree(FIXTURES / code / "before", tmp_path / "tree")
    before = snapshot(tree)
    outcome = run_fix(tree, code)
    assert not outcome.fixed and snapshot(tree) == before
    assert outcome.unsafe_available >= 1


def test_at_least_twelve_rules_fix_themselves() -> None:
    table = by_code()
    unknown = [c for c in CODES if c not in table]
    assert not unknown, f"fix fixtures naming no rule: {unknown}"
    assert len(CODES) >= 12, CODES


def test_after_trees_are_what_the_tools_accept(tmp_path: Path) -> None:
    """The fixed files stay valid for the tools that read them: each after/ tree parses
    without a malformed-file finding."""
    for code in CODES:
        result = check([str(FIXTURES / code / "after")], __import__("fixtree").config("DC001"))
        assert not result.findings, (code, [f.message for f in result.findings])
