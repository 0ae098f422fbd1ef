"""The GitHub Actions format: exact workflow commands, escaped the way the runner unescapes."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from deploycheck.model import Location
from deploycheck.reporters import ReportOptions
from deploycheck.reporters.github import escape_data, escape_property, render

from . import samples

COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def _unescape_data(text: str) -> str:
    # What the Actions runner does (@actions/core toCommandValue, reversed).
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    props = dict(part.split("=", 1) for part in match.group(2).split(","))
    return (
        match.group(1),
        {k: _unescape_property(v) for k, v in props.items()},
        _unescape_data(match.group(3)),
    )


def test_full_report_matches_snapshot(snapshot: Callable[[str, str], None]) -> None:
    snapshot("github.txt", render(samples.result(), ReportOptions()))


def test_no_findings_no_commands() -> None:
    assert render(samples.empty(), ReportOptions()) == ""


def test_escaping_follows_the_runner() -> None:
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    # A newline cannot start a new command: `::set-env` stays inside the message.
    assert "\n" not in escape_data("x\n::set-env name=A::1")


def test_every_finding_is_one_command_that_parses_back() -> None:
    lines = render(samples.result(), ReportOptions()).splitlines()
    assert len(lines) == len(samples.ALL)
    kind, props, message = _parse(lines[5])
    assert kind == "error"
    assert props == {"file": samples.ODD_PATH, "line": "9", "col": "11", "title": "DC310 missing-tls-secret"}
    assert message == samples.ODD_MESSAGE + "\nfix: " + samples.TLS.fix


def test_properties_with_commas_and_colons_survive() -> None:
    odd = dataclasses.replace(samples.ORDER, location=Location("a,b/c:d.yaml", 3, 2))
    line = render(samples.result((odd,)), ReportOptions(show_fix=False, show_related=False))
    assert line.startswith("::warning file=a%2Cb/c%3Ad.yaml,line=3,col=2,title=DC230 ")
    _, props, message = _parse(line.rstrip("\n"))
    assert props["file"] == "a,b/c:d.yaml"
    assert message == samples.ORDER.message


def test_severity_maps_to_command() -> None:
    kinds = [_parse(line)[0] for line in render(samples.result(), ReportOptions()).splitlines()]
    assert kinds == ["error", "notice", "error", "warning", "warning", "error", "notice"]


def test_options_drop_fix_and_related() -> None:
    out = render(samples.result((samples.BIND,)), ReportOptions(show_fix=False, show_related=False))
    assert out == (
        "::error file=compose.yaml,line=6,col=5,endLine=6,endColumn=22,title=DC201 port-not-listening::"
        "the app listens on 127.0.0.1:8080 (main.go:12), so the port published at compose.yaml:6 "
        "reaches nothing\n"
    )
