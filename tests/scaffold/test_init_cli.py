"""`deploycheck init`: asking, --yes, --dry-run, --force with backups, and the check after writing."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from deploycheck.cli.main import main
from deploycheck.scaffold.generate import GeneratedFile
from deploycheck.scaffold.writer import Writer

APPS = Path(__file__).resolve().parent.parent / "fixtures" / "init"


def _app(tmp_path: Path, kind: str = "fastapi-redis") -> Path:
    return shutil.copytree(APPS / kind, tmp_path / kind)


def test_yes_writes_every_file_then_checks_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = _app(tmp_path)
    assert main(["init", str(app), "--yes", "--ci", "none", "--fail-on", "warning"]) == 0
    out = capsys.readouterr()
    assert sorted(p.name for p in app.iterdir()) == [
        ".dockerignore", ".python-version", "Dockerfile", "compose.yaml", "main.py", "requirements.txt"]
    assert "fastapi app in . (main:app, served by uvicorn)" in out.err
    assert "Dockerfile: written" in out.err and "No problems found" in out.out
    # A second run writes nothing: every file is unchanged.
    assert main(["init", str(app), "--yes", "--ci", "none", "-q"]) == 0
    assert list(app.glob("*.bak*")) == []


def test_existing_files_are_kept_without_force_and_backed_up_with_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = _app(tmp_path)
    (app / "Dockerfile").write_text("FROM python:3.12-slim\n")
    main(["init", str(app), "--yes", "--ci", "none"])
    assert (app / "Dockerfile").read_text() == "FROM python:3.12-slim\n"
    assert "Dockerfile: exists: left alone" in capsys.readouterr().err
    main(["init", str(app), "--yes", "--ci", "none", "--force"])
    assert (app / "Dockerfile.bak").read_text() == "FROM python:3.12-slim\n"
    assert "uvicorn" in (app / "Dockerfile").read_text()
    (app / "Dockerfile").write_text("FROM python:3.11-slim\n")
    main(["init", str(app), "--yes", "--ci", "none", "--force"])
    assert (app / "Dockerfile.bak.1").read_text() == "FROM python:3.11-slim\n"
    assert (app / "Dockerfile.bak").read_text() == "FROM python:3.12-slim\n"


def test_dry_run_prints_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = _app(tmp_path, "gin-postgres")
    before = sorted(p.name for p in app.rglob("*"))
    assert main(["init", str(app), "--dry-run", "--k8s", "--nginx"]) == 0
    out = capsys.readouterr().out
    assert "--- Dockerfile (would write: multi-stage image build)\n# Image of the gin app" in out
    assert "--- k8s/deployment.yaml" in out and "--- nginx/conf.d/app.conf" in out
    assert sorted(p.name for p in app.rglob("*")) == before


def test_nobody_to_ask_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["init", str(app)]) == 2
    assert "pass --yes" in capsys.readouterr().err
    assert not (app / "Dockerfile").exists()
    assert main(["init", str(tmp_path / "missing")]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["init", str(empty), "--yes"]) == 2
    assert "no web app found" in capsys.readouterr().err


def test_writer_asks_before_each_file(tmp_path: Path) -> None:
    answers = iter(["y", "n", "a"])
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    files = tuple(GeneratedFile(name, f"{name}\n", "test") for name in ("a", "b", "c", "d"))
    outcomes = Writer(str(tmp_path), io.StringIO(), ask=ask).write_all(files)
    assert [o.action for o in outcomes] == ["written", "skipped", "written", "written"]
    assert len(asked) == 3 and asked[0].startswith("Write a (test)?")
    quit_after_one = iter(["y", "q"])
    (tmp_path / "x").mkdir()
    out = Writer(str(tmp_path / "x"), io.StringIO(), ask=lambda q: next(quit_after_one)).write_all(files)
    assert [o.action for o in out] == ["written", "skipped", "skipped", "skipped"]
