"""The GitLab Code Quality format: parsed back, with fingerprints that survive moved lines."""

from __future__ import annotations

import dataclasses
import json

from deploycheck.model import Finding, Location, Related
from deploycheck.reporters import ReportOptions
from deploycheck.reporters.gitlab import render

from . import samples


def _issues(findings: tuple[Finding, ...] = samples.ALL) -> list[dict[str, object]]:
    data = json.loads(render(samples.result(findings), ReportOptions()))
    assert isinstance(data, list)
    return data


def test_an_issue_in_full() -> None:
    [issue] = _issues((samples.BIND,))
    assert issue == {
        "description": samples.BIND.message + ' Fix: listen on ":8080" (all interfaces)',
        "check_name": "DC201",
        "fingerprint": issue["fingerprint"],
        "severity": "critical",
        "location": {"path": "compose.yaml", "lines": {"begin": 6}},
        "categories": ["Bug Risk"],
    }
    assert isinstance(issue["fingerprint"], str) and len(issue["fingerprint"]) == 64


def test_severity_and_category_mapping() -> None:
    issues = _issues()
    assert [(i["check_name"], i["severity"], i["categories"]) for i in issues] == [
        ("DC001", "critical", ["Bug Risk"]),
        ("DC103", "info", ["Bug Risk"]),
        ("DC201", "critical", ["Bug Risk"]),
        ("DC230", "major", ["Bug Risk"]),
        ("DC702", "major", ["Bug Risk"]),
        ("DC310", "critical", ["Security"]),
        ("DC095", "info", ["Bug Risk"]),
    ]


def test_locations_of_whole_files_and_live_objects() -> None:
    paths = [i["location"] for i in _issues()]
    assert paths[0] == {"path": ".env", "lines": {"begin": 1}}
    assert paths[4] == {"path": "container=web-1 image=nginx:1.25", "lines": {"begin": 1}}
    assert paths[5] == {"path": samples.ODD_PATH, "lines": {"begin": 9}}
    assert paths[6] == {"path": "url=https://api.example.test/healthz", "lines": {"begin": 1}}


def test_fingerprints_unique_and_stable_when_lines_move() -> None:
    prints = [i["fingerprint"] for i in _issues()]
    assert len(set(prints)) == len(prints)
    # The same problem three lines down, its message citing the new lines: same fingerprint.
    moved = dataclasses.replace(
        samples.BIND,
        message=samples.BIND.message.replace("main.go:12", "main.go:15").replace(
            "compose.yaml:6", "compose.yaml:9"
        ),
        location=Location("compose.yaml", 9, 5, 9, 22),
        related=(Related(Location("main.go", 15, 14), "the app binds 127.0.0.1:8080 here"),),
    )
    assert _issues((moved,))[0]["fingerprint"] == _issues((samples.BIND,))[0]["fingerprint"]
    # A different port is a different problem.
    other = dataclasses.replace(samples.BIND, message=samples.BIND.message.replace("8080", "9090"))
    assert _issues((other,))[0]["fingerprint"] != _issues((samples.BIND,))[0]["fingerprint"]


def test_identical_findings_get_distinct_fingerprints() -> None:
    twin = dataclasses.replace(samples.ORDER, location=Location("compose.yaml", 40, 7))
    prints = [i["fingerprint"] for i in _issues((samples.ORDER, twin))]
    assert len(set(prints)) == 2


def test_odd_characters_round_trip() -> None:
    [issue] = _issues((samples.TLS,))
    assert issue["description"] == samples.ODD_MESSAGE + " Fix: " + samples.TLS.fix


def test_empty() -> None:
    assert render(samples.empty(), ReportOptions()) == "[]\n"
