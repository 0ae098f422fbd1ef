"""Every rule against its fixture folder: bad/ fires exactly at the marked lines, good/ is silent."""

from __future__ import annotations

import os

import pytest

from deploycheck.engine.registry import all_rules
from ruleharness import FIXTURES, expected_marks, fact_loaders, fixture_codes, run

CODES = fixture_codes()


def _recorded_facts(tree: str) -> bool:
    suffixes = tuple(fact_loaders())
    return bool(suffixes) and any(
        name.endswith(suffixes) for _, _, names in os.walk(tree) for name in names)


@pytest.mark.parametrize("code", CODES)
def test_bad_fires_exactly_at_marked_lines(code: str) -> None:
    tree = os.path.join(FIXTURES, code, "bad")
    assert os.path.isdir(tree), f"{code}: no bad/ fixture"
    expected = {(path, line) for path, line, c in expected_marks(tree) if c == code}
    findings = run(tree, [code])
    if not expected and _recorded_facts(tree):
        # Recorded live facts (inspect JSON, logs, HTTP exchanges): the rule must fire on them;
        # where it points is pinned by the area's own tests.
        assert findings, f"{code}: does not fire on its recorded facts in bad/"
        return
    assert expected, f"{code}: bad/ has no 'deploycheck-expect: {code}' marker"
    actual = {(f.location.path, f.location.line) for f in findings}
    missing = sorted(expected - actual)
    extra = sorted(actual - expected)
    detail = "\n".join(f"  {f.location.label()}: {f.message}" for f in findings)
    assert not missing and not extra, (
        f"{code}: missing {missing}, unexpected {extra}\nfindings:\n{detail}")
    for f in findings:
        assert f.message.strip() and f.fix.strip(), f"{code}: empty message or fix"
        for rel in f.related:
            if rel.location.path:
                assert os.path.exists(os.path.join(tree, rel.location.path)), (
                    f"{code}: related location {rel.location.label()} names no file of the fixture")


@pytest.mark.parametrize("code", CODES)
def test_good_is_silent(code: str) -> None:
    tree = os.path.join(FIXTURES, code, "good")
    assert os.path.isdir(tree), f"{code}: no good/ fixture"
    findings = run(tree, [code])
    assert not findings, "\n".join(f"{f.location.label()}: {f.message}" for f in findings)


# Rules whose trigger cannot be stored as a text fixture; each has a dedicated test instead.
NO_TEXT_FIXTURE = {"DC003": "tests/test_discovery.py builds binary, oversized and linked files"}


def test_every_rule_has_fixtures_and_every_fixture_a_rule() -> None:
    codes = {r.code for r in all_rules()}
    missing = sorted(codes - set(CODES) - set(NO_TEXT_FIXTURE))
    orphans = sorted(set(CODES) - codes)
    assert not missing, f"rules without tests/fixtures/rules/<CODE>: {missing}"
    assert not orphans, f"fixture folders naming no rule: {orphans}"
