"""Each rule's page is complete, and its Bad and Good examples behave as the page says."""

from __future__ import annotations

import os
import re

import pytest

from deploycheck.engine.registry import all_rules
from ruleharness import run

RULES = all_rules()
SECTIONS = ("## Why", "## Bad", "## Good", "## Fix")
# Triggers that cannot be written as text (binary or oversized files); tested in test_discovery.py.
NO_TEXT_EXAMPLE = {"DC003"}


def blocks(doc: str, section: str) -> list[tuple[str, str]]:
    """(path, content) of every fenced block under `## section`, up to the next `## `."""
    match = re.search(rf"^## {section}\s*$(.*?)(?=^## |\Z)", doc, re.M | re.S)
    if not match:
        return []
    out = []
    for fence in re.finditer(r"^```([^\n`]+)\n(.*?)^```\s*$", match.group(1), re.M | re.S):
        out.append((fence.group(1).strip(), fence.group(2)))
    return out


def write(tree: str, files: list[tuple[str, str]]) -> None:
    for path, content in files:
        full = os.path.join(tree, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "a", encoding="utf-8") as fh:
            fh.write(content)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_page_is_complete(rule: type) -> None:
    doc = rule.doc()  # type: ignore[attr-defined]
    summary = rule.summary()  # type: ignore[attr-defined]
    assert summary and not summary.startswith("#"), "the first line must be a one-line summary"
    for section in SECTIONS:
        assert re.search(rf"^{section}\s*$", doc, re.M), f"page lacks '{section}'"
    assert re.fullmatch(r"[A-Z]{2}\d{3}", rule.code), rule.code  # type: ignore[attr-defined]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name  # type: ignore[attr-defined]
    assert rule.fix.strip(), "a default fix text is required"  # type: ignore[attr-defined]


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_bad_example_fires_and_good_example_is_quiet(rule: type, tmp_path: object) -> None:
    doc = rule.doc()  # type: ignore[attr-defined]
    code = rule.code  # type: ignore[attr-defined]
    bad, good = blocks(doc, "Bad"), blocks(doc, "Good")
    assert good, "## Good needs at least one fenced block labelled with a file path"
    if code not in NO_TEXT_EXAMPLE:
        assert bad, "## Bad needs at least one fenced block labelled with a file path"
        bad_tree = os.path.join(str(tmp_path), "bad")
        write(bad_tree, bad)
        fired = run(bad_tree, [code])
        assert fired, f"{code} does not fire on its own Bad example"
    good_tree = os.path.join(str(tmp_path), "good")
    write(good_tree, good)
    quiet = run(good_tree, [code])
    assert not quiet, "fires on its own Good example: " + "; ".join(f.message for f in quiet)


def test_codes_and_names_are_unique() -> None:
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    aliases = [a for r in RULES for a in r.aliases]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))
    assert not set(aliases) & (set(codes) | set(names))
