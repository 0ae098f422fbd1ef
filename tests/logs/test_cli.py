# ruff: noqa: E501 -- kernel tables and log lines are quoted verbatim
"""`deploycheck logs` as users run it: files, gzip, standard input, formats, selection, exit codes."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploycheck.cli.main import main

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")
LOG = """\
api-1  | [GIN-debug] [WARNING] Running in "debug" mode. Switch to "release" mode in production.
api-1  | 2024/03/02 10:15:01 waiting for database: dial tcp 127.0.0.1:5432: connect: connection refused
api-1  | 2024/03/02 10:15:02 waiting for database: dial tcp 127.0.0.1:5432: connect: connection refused
web-1  | 2024/03/02 10:15:03 [error] 29#29: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 172.18.0.1, server: _, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "localhost"
"""


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_text_report_points_at_log_lines(tmp_path: Path) -> None:
    log = tmp_path / "compose.log"
    log.write_text(LOG)
    code, out = run("logs", str(log), "--no-color")
    assert code == 1
    assert f"{log}:2: LG009 [error] go-dial-loopback-refused: the program dials 127.0.0.1:5432" in out
    assert "(2 times, the last at line 3)" in out
    assert f"{log}:4: LG061 [error] nginx-upstream-loopback-refused" in out
    assert f"{log}:1: LG013 [warning] gin-debug-mode" in out
    assert "Found 2 errors, 1 warning, 0 infos in 4 log lines." in out


def test_json_shape_and_selection(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(LOG)
    code, out = run("logs", str(log), "--format", "json", "--select", "LG06", "--fail-on", "never")
    assert code == 0
    data = json.loads(out)
    assert [(f["rule"], f["location"]["path"], f["location"]["line"]) for f in data["findings"]] == [
        ("LG061", str(log), 4)
    ]
    assert data["findings"][0]["category"] == "routing"


def test_gzip_file(tmp_path: Path) -> None:
    log = tmp_path / "app.log.1.gz"
    log.write_bytes(gzip.compress(LOG.encode()))
    code, out = run("logs", str(log), "-q", "--select", "LG009")
    assert code == 1 and f"{log}:2: LG009" in out


def test_stdin_in_a_real_process() -> None:
    env = dict(os.environ, PYTHONPATH=SRC)
    proc = subprocess.run(
        [sys.executable, "-m", "deploycheck", "logs", "-", "-q"],
        input=LOG,
        text=True,
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "<stdin>:2: LG009" in proc.stdout


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["logs", str(tmp_path / "missing.log")]) == 2
    assert "missing.log: no such file" in capsys.readouterr().err
    assert main(["logs", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_clean_log_has_no_findings(tmp_path: Path) -> None:
    log = tmp_path / "ok.log"
    log.write_text('[GIN] 2024/03/02 - 10:15:00 | 200 | 1ms | 172.18.0.1 | GET "/healthz"\n' * 100)
    code, out = run("logs", str(log))
    assert code == 0 and "No problems found in 100 log lines." in out


def test_explain_and_rules_list_each_signature() -> None:
    code, out = run("rules")
    assert code == 0
    assert sum(1 for line in out.splitlines() if line.startswith("LG")) >= 50
    code, out = run("explain", "LG001")
    assert code == 0 and "## Why" in out and "```app.log" in out and "pattern matches no files" in out
