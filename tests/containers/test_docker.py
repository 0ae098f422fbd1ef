"""`deploycheck containers` against real containers on a real Docker engine (one session of
sixteen scenarios, tests/containers/scenarios.py): each failure is diagnosed by the rule that
names its cause, with the evidence gathered from the engine, the kernel and the network, and
the healthy container gets no finding."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from containers.scenarios import CRASH_ENV, LABEL, Running, docker
from deploycheck.cli.main import main

pytestmark = pytest.mark.docker


def run_cli(*argv: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["containers", *argv, "--format", "json"])
    return code, json.loads(out.getvalue())


@pytest.fixture(scope="module")
def report(running: Running, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    saved = tmp_path_factory.mktemp("facts")
    names = [sc.name for sc in running.containers.values()]
    code, data = run_cli(*names, "--save-facts", str(saved))
    assert code == 1
    data["saved"] = str(saved)
    return data


def of(report: dict[str, Any], running: Running, key: str) -> dict[str, dict[str, Any]]:
    name = running.name(key)
    return {f["rule"]: f for f in report["findings"] if f["location"].get("container") == name}


def test_healthy_container_gets_no_finding(report: dict[str, Any], running: Running) -> None:
    assert of(report, running, "healthy") == {}


def test_app_listening_on_loopback(report: dict[str, Any], running: Running) -> None:
    found = of(report, running, "loopback")
    f = found["CT013"]
    assert "listens on 127.0.0.1:8080/tcp only" in f["message"] and f["location"]["port"] == "8080/tcp"
    assert "got: reset" in f["message"]  # the real connection through Docker's proxy
    assert any("/net/tcp" in r["message"] for r in f["related"])
    assert "CT015" not in found and "CT014" not in found


def test_dynamic_binary_on_scratch(report: dict[str, Any], running: Running) -> None:
    found = of(report, running, "dynamic")
    assert "loader `/lib64/ld-linux-x86-64.so.2` is not in the image" in found["CT006"]["message"]
    assert "LG100" in found and "CT003" not in found


def test_missing_time_zone(report: dict[str, Any], running: Running) -> None:
    found = of(report, running, "timezone")
    assert "unknown time zone Europe/Paris" in found["CT002"]["message"]
    assert found["LG008"]["location"]["log_line"] == "1"


def test_missing_templates(report: dict[str, Any], running: Running) -> None:
    found = of(report, running, "templates")
    assert "exited with code 2 (the Go program panicked)" in found["CT002"]["message"]
    assert "templates/*" in found["LG001"]["message"] and "main.main at" in found["LG001"]["message"]


def test_oom_kill(report: dict[str, Any], running: Running) -> None:
    f = of(report, running, "oom")["CT008"]
    assert "memory limit of 48 MiB" in f["message"]
    assert {"message": "State.OOMKilled=true", "location": {"container": running.name("oom")}} in f["related"]


def test_published_port_not_listened(report: dict[str, Any], running: Running) -> None:
    f = of(report, running, "wrongport")["CT014"]
    assert (
        "publishes container port 9090" in f["message"] and "listens on [::]:8080, not 9090" in f["message"]
    )


def test_required_variable_missing(report: dict[str, Any], running: Running) -> None:
    found = of(report, running, "env")
    assert "DATABASE_URL" in found["CT022"]["message"] and found["CT022"]["location"]["env"] == "DATABASE_URL"
    assert "LG114" in found and "CT002" in found


def test_database_expected_on_localhost(report: dict[str, Any], running: Running) -> None:
    found = of(report, running, "dblocal")
    assert "sets DATABASE_URL to localhost:5432" in found["CT023"]["message"]
    assert "dials 127.0.0.1:5432" in found["LG009"]["message"]
    assert "nothing in it listens on any TCP port" in found["CT015"]["message"]


def test_shell_form_on_scratch(report: dict[str, Any], running: Running) -> None:
    f = of(report, running, "shellform")["CT004"]
    assert "/bin/sh -c '/app --port 8080'" in f["message"] and f["fix"].startswith(
        'use the exec form: CMD ["/app"'
    )


def test_host_port_already_taken(report: dict[str, Any], running: Running) -> None:
    f = of(report, running, "portclash")["CT017"]
    assert f"container {running.name('holder')} already publishes it" in f["message"]


def test_binary_for_another_architecture(report: dict[str, Any], running: Running) -> None:
    f = of(report, running, "arch")["CT007"]
    assert "is an arm64 program and the engine runs on" in f["message"]


def test_restart_loop(report: dict[str, Any], running: Running) -> None:
    found = of(report, running, "restartloop")
    assert (
        "in a loop: restarted" in found["CT010"]["message"]
        and "restart policy `always`" in found["CT010"]["message"]
    )
    assert "CT002" not in found


def test_unhealthy_healthcheck(report: dict[str, Any], running: Running) -> None:
    f = of(report, running, "unhealthy")["CT012"]
    assert "`curl` is not in the image" in f["message"]
    assert any("curl: not found" in r["message"] for r in f["related"])


def test_pid1_ignoring_sigterm(report: dict[str, Any], running: Running) -> None:
    f = of(report, running, "sigterm")["CT009"]
    assert "killed with SIGKILL" in f["message"] and "OOM" not in f["message"]
    assert any("SIGTERM" in r["message"] for r in f["related"])


def test_saved_facts_give_the_same_diagnosis(report: dict[str, Any]) -> None:
    """Recorded and live facts share the builders: the same rules fire at the same places."""
    from deploycheck.engine.config import Config
    from deploycheck.engine.live import run_on_facts
    from examples_containers import load_container

    facts: list[object] = []
    for path in sorted(Path(report["saved"]).glob("*.container.json")):
        facts.extend(load_container(path.name, path.read_text()))
    replay = run_on_facts("containers", "x", facts, Config(jobs=1)).findings
    live = {(f["rule"], json.dumps(f["location"], sort_keys=True)) for f in report["findings"]}
    again = {(f.rule, json.dumps(f.location.to_dict(), sort_keys=True)) for f in replay}
    assert again == live


def test_default_selection_skips_healthy_and_all_includes_it(running: Running) -> None:
    _, default = run_cli("--fail-on", "never", "--select", "CT0")
    seen = {f["location"].get("container") for f in default["findings"]}
    assert running.name("loopback") in seen and running.name("healthy") not in seen
    _, everything = run_cli(running.name("healthy"), "--all", "--fail-on", "never")
    assert everything["findings"] == []


def test_compose_project_label_selects_containers(running: Running) -> None:
    name = f"dctest-ct-compose-{running.session}"
    image = running.containers["dynamic"].image
    docker(
        "run",
        "-d",
        "--name",
        name,
        "--label",
        f"{LABEL}={running.session}",
        "--label",
        f"com.docker.compose.project=dctest{running.session}",
        "--label",
        "com.docker.compose.service=api",
        image,
    )
    code, data = run_cli("--compose-project", f"dctest{running.session}")
    assert code == 1
    assert {f["location"]["container"] for f in data["findings"]} == {name}


def test_project_joins_files_and_container(running: Running, tmp_path: Path) -> None:
    (tmp_path / "main.go").write_text(CRASH_ENV)
    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.19\n")
    (tmp_path / "Dockerfile").write_text(
        "FROM golang:1.19 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\n"
        'FROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\n'
    )
    code, data = run_cli(running.name("env"), "--project", str(tmp_path), "--select", "CT030")
    assert code == 1
    [f] = data["findings"]
    assert f["location"]["env"] == "DATABASE_URL"
    assert any(r["location"].get("path") == "main.go" for r in f["related"])


def test_text_output_shows_the_evidence(running: Running) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["containers", running.name("oom"), "--no-color", "--select", "CT008"])
    text = out.getvalue()
    assert f"container={running.name('oom')} image=" in text and "CT008 [error] oom-killed" in text
    assert f"related: container={running.name('oom')}: State.OOMKilled=true" in text
    assert "Found 1 error, 0 warnings, 0 infos in 1 container." in text


def test_no_engine_in_ci_is_not_a_skip() -> None:
    assert os.environ.get("CI") != "true" or docker("version", check=False).returncode == 0
