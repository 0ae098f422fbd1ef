"""The engine as users drive it: selection, configuration, suppression, paths, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploycheck import check
from deploycheck.cli.main import main
from deploycheck.engine.config import Config, ConfigError, find, load_file
from deploycheck.engine.suppression import scan

BROKEN_YAML = "services:\n  web:\n    image: shop:1.4\n    ports: [\"8080:8080\"\n"


def test_suppression_scopes() -> None:
    text = (
        "# deploycheck: ignore=DC001,DC201 -- reviewed\n"
        "\n"
        "# a plain comment\n"
        "FROM scratch\n"
        "x: 1  # deploycheck: ignore=DC300\n"
        "// deploycheck:ignore DC501\n"
        "r.Run()\n"
        "# deploycheck: ignore-file=DC003\n"
    )
    got = {(s.line, s.target_line, s.codes, s.reason) for s in scan("f", text)}
    assert got == {
        (1, 4, ("DC001", "DC201"), "reviewed"),
        (5, 5, ("DC300",), ""),
        (6, 7, ("DC501",), ""),
        (8, 0, ("DC003",), ""),
    }


def test_fixture_markers_are_not_suppressions() -> None:
    assert scan("f", "x: 1  # deploycheck-expect: DC001\n") == ()


def test_inline_suppression_hides_the_finding(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(BROKEN_YAML)
    assert [f.rule for f in check([str(tmp_path)], Config(jobs=1)).findings] == ["DC001"]
    (tmp_path / "compose.yaml").write_text(
        "# deploycheck: ignore-file=malformed-file -- generated\n" + BROKEN_YAML)
    assert check([str(tmp_path)], Config(jobs=1)).findings == ()


def test_select_ignore_and_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(BROKEN_YAML)
    assert check([str(tmp_path)], Config(jobs=1, ignore=("DC001",))).findings == ()
    assert check([str(tmp_path)], Config(jobs=1, ignore=("config",))).findings == ()
    assert len(check([str(tmp_path)], Config(jobs=1, select=("DC0",))).findings) == 1
    cfg = Config(jobs=1, per_file_ignores=(("compose.*", ("DC001",)),))
    assert check([str(tmp_path)], cfg).findings == ()
    with pytest.raises(ConfigError, match="names no rule"):
        check([str(tmp_path)], Config(select=("DC9999",)))


def test_config_file_and_severity_override(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(BROKEN_YAML)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.deploycheck]\nfail-on = "warning"\n'
        'severity = { malformed-file = "info" }\nexclude = ["vendor"]\n')
    cfg = find(str(tmp_path))
    assert cfg.exclude == ("vendor",)
    [finding] = check([str(tmp_path)], cfg).findings
    assert finding.severity.value == "info"
    (tmp_path / "deploycheck.toml").write_text('bogus = 1\n')
    with pytest.raises(ConfigError, match="unknown key"):
        load_file(str(tmp_path / "deploycheck.toml"))


def test_exit_codes_and_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "compose.yaml").write_text(BROKEN_YAML)
    assert main(["check", str(tmp_path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["tool"]["name"] == "deploycheck"
    assert data["summary"] == {"error": 1, "warning": 0, "info": 0}
    [finding] = data["findings"]
    assert finding["rule"] == "DC001" and finding["category"] == "config"
    assert finding["location"] == {"path": "compose.yaml", "line": 5, "column": 1}
    assert main(["check", str(tmp_path), "--fail-on", "never", "-q"]) == 0
    assert main(["check", str(tmp_path), "--ignore", "DC001"]) == 0
    assert main(["check", str(tmp_path), "--select", "nonsense"]) == 2
    assert main(["check", str(tmp_path / "missing")]) == 2
    assert main(["explain", "DC001"]) == 0
    assert "malformed-file" in capsys.readouterr().out
    assert main(["explain", "DC0"]) == 2


def test_stdin_is_read_as_yaml(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "deploycheck", "check", "-", "--format", "json"],
                          input=BROKEN_YAML, capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.returncode == 1, proc.stderr
    [finding] = json.loads(proc.stdout)["findings"]
    assert finding["location"]["path"] == "<stdin>"


def test_several_paths_prefix_their_findings(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "compose.yaml").write_text(BROKEN_YAML)
    result = check([str(tmp_path / "a"), str(tmp_path / "b")], Config(jobs=1))
    paths = [f.location.path for f in result.findings]
    assert paths == [f"{tmp_path}/a/compose.yaml", f"{tmp_path}/b/compose.yaml"]


def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    for i in range(200):
        d = tmp_path / f"svc{i}"
        d.mkdir()
        (d / "compose.yaml").write_text(BROKEN_YAML if i % 7 == 0 else "services: {}\n")
    serial = check([str(tmp_path)], Config(jobs=1)).findings
    parallel = check([str(tmp_path)], Config(jobs=2)).findings
    assert serial == parallel and len(serial) == 29


def test_a_second_parallel_check_in_one_process_completes(tmp_path: Path) -> None:
    """The Dockerfile parser is Go code; a process that already ran it must not hand forked
    workers a Go runtime (they hang). Run it in a child with a deadline to prove it finishes."""
    for i in range(200):
        d = tmp_path / f"svc{i}"
        d.mkdir()
        (d / "Dockerfile").write_text("FROM python:3.12-slim\nCMD python app.py\n")
        (d / "compose.yaml").write_text("services: {}\n")
    script = (
        "import sys\n"
        "from deploycheck import check\n"
        "from deploycheck.engine.config import Config\n"
        f"first = check([{str(tmp_path / 'svc0')!r}], Config(jobs=1))\n"
        f"second = check([{str(tmp_path)!r}], Config(jobs=2))\n"
        "print(len(second.findings))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.strip()) >= 200
