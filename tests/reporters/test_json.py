"""The JSON format: the documented contract, parsed back."""

from __future__ import annotations

import json

from deploycheck.reporters import ReportOptions
from deploycheck.reporters.json_ import render

from . import samples


def test_contract_top_level() -> None:
    data = json.loads(render(samples.result(), ReportOptions()))
    assert list(data) == ["tool", "findings", "summary", "files_checked"]
    assert data["tool"] == {"name": "deploycheck", "version": "0.1.0"}
    assert data["summary"] == {"error": 3, "warning": 2, "info": 2}
    assert data["files_checked"] == 7


def test_findings_are_to_dict_in_report_order() -> None:
    shuffled = tuple(reversed(samples.ALL))
    data = json.loads(render(samples.result(shuffled), ReportOptions()))
    assert data["findings"] == [f.to_dict() for f in samples.ALL]


def test_a_finding_in_full() -> None:
    data = json.loads(render(samples.result((samples.BIND,)), ReportOptions(show_fix=False)))
    assert data["findings"] == [
        {
            "rule": "DC201",
            "name": "port-not-listening",
            "category": "bind",
            "severity": "error",
            "message": samples.BIND.message,
            "fix": 'listen on ":8080" (all interfaces)',
            "location": {"path": "compose.yaml", "line": 6, "column": 5, "end_line": 6, "end_column": 22},
            "related": [
                {
                    "message": "the app binds 127.0.0.1:8080 here",
                    "location": {"path": "main.go", "line": 12, "column": 14},
                }
            ],
        }
    ]


def test_live_object_location_keys() -> None:
    data = json.loads(render(samples.result((samples.CONTAINER, samples.URL)), ReportOptions()))
    assert [f["location"] for f in data["findings"]] == [
        {"container": "web-1", "image": "nginx:1.25"},
        {"url": "https://api.example.test/healthz"},
    ]


def test_odd_characters_round_trip_and_output_is_ascii() -> None:
    out = render(samples.result((samples.TLS,)), ReportOptions())
    assert out.isascii() and out.endswith("}\n")
    finding = json.loads(out)["findings"][0]
    assert finding["message"] == samples.ODD_MESSAGE
    assert finding["location"]["path"] == samples.ODD_PATH


def test_empty() -> None:
    data = json.loads(render(samples.empty(), ReportOptions()))
    assert data == {
        "tool": {"name": "deploycheck", "version": "0.1.0"},
        "findings": [],
        "summary": {"error": 0, "warning": 0, "info": 0},
        "files_checked": 7,
    }


def test_output_is_stable() -> None:
    assert render(samples.result(), ReportOptions()) == render(samples.result(), ReportOptions(color=True))
