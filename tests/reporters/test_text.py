"""The text format: exact output for people at a terminal."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from deploycheck.model import Location, Related
from deploycheck.reporters import ReportOptions
from deploycheck.reporters.text import render

from . import samples

PLAIN = ReportOptions()


def test_full_report_matches_snapshot(snapshot: Callable[[str, str], None]) -> None:
    snapshot("text_plain.txt", render(samples.result(), PLAIN))


def test_findings_are_sorted_whatever_order_they_come_in(snapshot: Callable[[str, str], None]) -> None:
    shuffled = tuple(reversed(samples.ALL))
    snapshot("text_plain.txt", render(samples.result(shuffled), PLAIN))


def test_no_findings() -> None:
    assert render(samples.empty(), PLAIN) == "No problems found in 7 files.\n"
    assert render(samples.empty(1), PLAIN) == "No problems found in 1 file.\n"


def test_summary_uses_singulars() -> None:
    out = render(samples.result((samples.BIND,), files_checked=1), PLAIN)
    assert out.splitlines()[-1] == "Found 1 error, 0 warnings, 0 infos in 1 file."


def test_without_fix_and_related() -> None:
    options = ReportOptions(show_fix=False, show_related=False)
    out = render(samples.result((samples.BIND, samples.ORDER)), options)
    assert out == (
        "compose.yaml:6:5: DC201 [error] port-not-listening: the app listens on 127.0.0.1:8080 "
        "(main.go:12), so the port published at compose.yaml:6 reaches nothing\n"
        'compose.yaml:14:7: DC230 [warning] depends-on-without-healthcheck: service "api" starts '
        'before "db" accepts connections: depends_on at compose.yaml:14 waits only for the container '
        "to start\n"
        "\n"
        "Found 1 error, 1 warning, 0 infos in 7 files.\n"
    )


def test_verbose_counts_findings_per_rule() -> None:
    second = dataclasses.replace(samples.BIND, location=Location("compose.yaml", 30, 5))
    findings = (samples.BIND, second, samples.ORDER)
    out = render(samples.result(findings), ReportOptions(verbose=True, show_fix=False, show_related=False))
    assert out.endswith(
        "\n"
        "Findings by rule:\n"
        "  2  DC201  port-not-listening [error]\n"
        "  1  DC230  depends-on-without-healthcheck [warning]\n"
        "\n"
        "Found 2 errors, 1 warning, 0 infos in 7 files.\n"
    )
    assert "Findings by rule" not in render(samples.result(findings), PLAIN)


def test_color_marks_code_and_severity_and_nothing_when_off() -> None:
    out = render(samples.result((samples.BIND, samples.ORDER, samples.PIN)), ReportOptions(color=True))
    assert "\x1b[1mDC201\x1b[0m \x1b[1;31m[error]\x1b[0m port-not-listening" in out
    assert "\x1b[33m[warning]\x1b[0m" in out
    assert "\x1b[36m[info]\x1b[0m" in out
    assert "\x1b[1;31m1 error\x1b[0m" in out.splitlines()[-1]
    assert "\x1b" not in render(samples.result(), PLAIN)


def test_terminal_escapes_from_files_are_neutralised() -> None:
    hostile = dataclasses.replace(
        samples.BIND,
        message="evil \x1b]0;pwned\x07 title\r\nsecond line",
        location=Location("bad\x1b[2Jname.yaml", 2, 1),
        related=(Related(Location("x\udcff.yaml", 1), "undecodable \x00 byte"),),
    )
    out = render(samples.result((hostile,)), PLAIN)
    assert "\x1b" not in out and "\x07" not in out and "\x00" not in out and "\r" not in out
    assert out.splitlines()[:4] == [
        "bad\\x1b[2Jname.yaml:2:1: DC201 [error] port-not-listening: evil \\x1b]0;pwned\\x07 title",
        "    second line",
        '  fix: listen on ":8080" (all interfaces)',
        "  related: x\\udcff.yaml:1: undecodable \\x00 byte",
    ]
    out.encode("utf-8")  # printable: no lone surrogate left


def test_whole_file_and_live_object_labels() -> None:
    out = render(samples.result((samples.MALFORMED, samples.URL)), PLAIN)
    lines = out.splitlines()
    assert lines[0].startswith(".env: DC001 [error] malformed-file: ")
    assert lines[3].startswith("url=https://api.example.test/healthz: DC095 [info] slow-health-endpoint: ")


def test_quiet_prints_findings_only() -> None:
    out = render(samples.result((samples.PIN, samples.BIND)), ReportOptions(quiet=True, verbose=True))
    assert out == (
        "Dockerfile:1:1: DC103 [info] unpinned-base-image: " + samples.PIN.message + "\n"
        "  fix: pin a version: FROM golang:1.22-alpine\n"
        "\n"
        "compose.yaml:6:5: DC201 [error] port-not-listening: " + samples.BIND.message + "\n"
        '  fix: listen on ":8080" (all interfaces)\n'
        "  related: main.go:12: the app binds 127.0.0.1:8080 here\n"
    )
    assert render(samples.empty(), ReportOptions(quiet=True)) == ""
