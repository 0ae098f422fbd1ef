"""The JUnit XML format: parses with a standard XML parser, odd characters survive."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from deploycheck.model import Location
from deploycheck.reporters import ReportOptions
from deploycheck.reporters.junit import render

from . import samples


def _parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def test_one_suite_one_failing_case_per_finding() -> None:
    root = _parse(render(samples.result(), ReportOptions()))
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "deploycheck"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("7", "7", "0")
    assert suite.get("time") == "0.250"
    cases = suite.findall("testcase")
    assert [c.get("classname") for c in cases] == [
        ".env",
        "Dockerfile",
        "compose.yaml",
        "compose.yaml",
        "container=web-1 image=nginx:1.25",
        samples.ODD_PATH,
        "url=https://api.example.test/healthz",
    ]
    failures = [c.find("failure") for c in cases]
    assert [f.get("type") for f in failures if f is not None] == [
        "error",
        "info",
        "error",
        "warning",
        "warning",
        "error",
        "info",
    ]
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {"tool": "deploycheck 0.1.0", "command": "check", "root": ".", "files_checked": "7"}


def test_a_case_in_full() -> None:
    root = _parse(render(samples.result((samples.BIND,)), ReportOptions()))
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.attrib == {
        "classname": "compose.yaml",
        "name": "DC201 port-not-listening (compose.yaml:6:5)",
        "file": "compose.yaml",
        "line": "6",
    }
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == samples.BIND.message
    assert failure.text == (
        "compose.yaml:6:5: DC201 [error] port-not-listening: " + samples.BIND.message + "\n"
        'fix: listen on ":8080" (all interfaces)\n'
        "related: main.go:12: the app binds 127.0.0.1:8080 here"
    )


def test_odd_characters_survive() -> None:
    root = _parse(render(samples.result((samples.TLS,)), ReportOptions(show_fix=False)))
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("file") == samples.ODD_PATH
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == samples.ODD_MESSAGE  # newline kept inside an attribute
    assert failure.text == f"{samples.ODD_PATH}:9:11: DC310 [error] missing-tls-secret: {samples.ODD_MESSAGE}"


def test_characters_xml_cannot_hold_are_shown_escaped() -> None:
    hostile = dataclasses.replace(
        samples.BIND,
        message="nul \x00 bell \x07 esc \x1b[31m nonchar \ufffe surrogate \udcff end",
        location=Location("we\x01ird.yaml", 3),
        related=(),
    )
    root = _parse(render(samples.result((hostile,)), ReportOptions(show_fix=False)))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert (
        failure.get("message") == "nul \\x00 bell \\x07 esc \\x1b[31m nonchar \\ufffe surrogate \\udcff end"
    )
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("file") == "we\\x01ird.yaml"


def test_no_findings_is_one_passing_case() -> None:
    root = _parse(render(samples.empty(), ReportOptions()))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")
    [case] = suite.findall("testcase")
    assert case.get("name") == "No problems found in 7 files"
    assert list(case) == []
