"""All formats together: the registry, lazy imports, and any text in findings renders safely."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploycheck.model import Finding, RunResult
from deploycheck.reporters import FORMATS, ReportOptions, get, render

from . import samples
from .strategies import findings as finding_strategy
from .strategies import text


def test_formats_and_get() -> None:
    assert FORMATS == ("text", "json", "sarif", "github", "junit", "gitlab")
    for name in FORMATS:
        out = get(name)(samples.result(), ReportOptions())
        assert isinstance(out, str) and out.endswith("\n")
    assert get(" JSON ") is get("json")
    assert render("text", samples.empty()) == "No problems found in 7 files.\n"


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown output format 'xml'.*text, json, sarif"):
        get("xml")


def test_reporters_are_imported_only_when_asked_for() -> None:
    code = (
        "import sys, deploycheck.reporters as r\n"
        "assert not [m for m in sys.modules if m.startswith('deploycheck.reporters.')], sys.modules\n"
        "r.get('github')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('deploycheck.reporters.'))\n"
        "assert loaded == ['deploycheck.reporters.common', 'deploycheck.reporters.github'], loaded\n"
        "assert 'xml.etree.ElementTree' not in sys.modules\n"
    )
    env_path = [p for p in sys.path if p]
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env={"PYTHONPATH": ":".join(env_path)},
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(findings=st.lists(finding_strategy, max_size=5), color=st.booleans(), root=text)
def test_any_text_renders_and_parses_back(findings: list[Finding], color: bool, root: str) -> None:
    result = RunResult("deploycheck", "0.1.0", "check", root, tuple(findings), samples.RULES, 3)
    options = ReportOptions(color=color, verbose=True)

    text = render("text", result, options)
    assert "\x00" not in text and text.endswith(".\n")
    if not color:
        assert "\x1b" not in text

    data = json.loads(render("json", result, options))
    assert sorted(json.dumps(f, sort_keys=True) for f in data["findings"]) == sorted(
        json.dumps(f.to_dict(), sort_keys=True) for f in findings
    )

    sarif = json.loads(render("sarif", result, options))
    results = sarif["runs"][0]["results"]
    assert len(results) == len(findings)
    assert len({r["partialFingerprints"]["deploycheck/v1"] for r in results}) == len(findings)
    for r in results:
        for loc in r["locations"]:
            assert "physicalLocation" in loc or "logicalLocations" in loc
            region = loc.get("physicalLocation", {}).get("region", {})
            assert region.get("startLine", 1) >= 1 and region.get("endLine", 10**9) >= region.get(
                "startLine", 1
            )

    # The runner reads commands line by line, splitting at "\n" only.
    github = render("github", result, options).split("\n")
    assert github.pop() == "" and len(github) == len(findings)
    for line in github:
        assert line.startswith(("::error ", "::warning ", "::notice ")) and "\r" not in line

    suite = ET.fromstring(render("junit", result, options).encode("utf-8")).find("testsuite")
    assert suite is not None and len(suite.findall("testcase")) == max(len(findings), 1)

    gitlab = json.loads(render("gitlab", result, options))
    assert len({issue["fingerprint"] for issue in gitlab}) == len(findings)
    assert all(issue["location"]["lines"]["begin"] >= 1 for issue in gitlab)
