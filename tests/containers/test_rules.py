"""Container rules on recorded facts: the records in tests/fixtures/rules/CT*/ were gathered
from real containers on a real engine (`deploycheck containers --save-facts`); these tests pin
what a user reads: the rule, where it points, the message, and the evidence."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

import pytest

from deploycheck.engine.config import Config
from deploycheck.engine.live import run_on_facts
from deploycheck.model import Finding
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import explaining_lines, restart_delay
from deploycheck.rules.containers.localhost_dependency import local_target
from examples_containers import load_container

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "rules")


def record(code: str, name: str, kind: str = "bad") -> str:
    with open(os.path.join(FIXTURES, code, kind, name), encoding="utf-8") as fh:
        return fh.read()


def findings(text: str, select: Sequence[str] = ("CT0", "LG0", "LG1")) -> list[Finding]:
    facts = load_container("x.container.json", text)
    return list(run_on_facts("containers", "test", facts, Config(jobs=1, select=tuple(select))).findings)


def one(text: str, code: str) -> Finding:
    found = [f for f in findings(text) if f.rule == code]
    assert len(found) == 1, [f.rule for f in findings(text)]
    return found[0]


def test_healthy_container_gets_no_finding_at_all() -> None:
    assert findings(record("CT001", "healthy.container.json", "good")) == []


def test_loopback_bind_names_the_socket_and_the_reset_connection() -> None:
    f = one(record("CT013", "loopback.container.json"), "CT013")
    assert f.location.extra[0][0] == "container" and ("port", "8080/tcp") in f.location.extra
    assert "but the process listens on 127.0.0.1:8080/tcp only" in f.message
    assert "got: reset" in f.message
    assert any("sockets (/proc/" in r.message and "127.0.0.1:8080/tcp" in r.message for r in f.related)
    assert f.category.value == "bind" and f.severity.value == "error"


def test_other_port_names_the_port_in_use() -> None:
    f = one(record("CT014", "wrongport.container.json"), "CT014")
    assert "publishes container port 9090" in f.message and "listens on [::]:8080, not 9090" in f.message
    assert "-p" in f.fix and ":8080" in f.fix


def test_oom_kill_names_the_limit() -> None:
    f = one(record("CT008", "oom.container.json"), "CT008")
    assert "memory limit of 48 MiB" in f.message and "exit code 137" in f.message
    assert any(r.message == "State.OOMKilled=true" for r in f.related)


def test_stop_timeout_uses_the_events() -> None:
    f = one(record("CT009", "sigterm.container.json"), "CT009")
    assert "was stopped (SIGTERM at" in f.message and "killed with SIGKILL" in f.message
    assert any("kill signal 9 (SIGKILL)" in r.message for r in f.related)
    assert f.severity.value == "warning"


def test_missing_loader_reads_the_elf_interpreter() -> None:
    f = one(record("CT006", "dynamic.container.json"), "CT006")
    assert "loader `/lib64/ld-linux-x86-64.so.2` is not in the image" in f.message
    assert any(r.message.startswith("PT_INTERP /lib64/ld-linux-x86-64.so.2") for r in f.related)


def test_wrong_architecture_reads_the_elf_machine() -> None:
    f = one(record("CT007", "arch.container.json"), "CT007")
    assert "is an arm64 program and the engine runs on amd64" in f.message


def test_shell_form_suggests_the_exec_form() -> None:
    f = one(record("CT004", "shellform.container.json"), "CT004")
    assert f.fix == 'use the exec form: CMD ["/app", "--port", "8080"]'


def test_port_clash_names_the_holder() -> None:
    f = one(record("CT017", "portclash.container.json"), "CT017")
    assert "(container dctest-ct-holder-try1 already publishes it)" in f.message


def test_exit_1_quotes_the_explaining_line_and_env_is_checked() -> None:
    text = record("CT002", "env.container.json")
    exited = one(text, "CT002")
    assert "exited with code 1" in exited.message
    assert "`config: required environment variable DATABASE_URL is not set` (log line 1)" in exited.message
    lacks = one(text, "CT022")
    assert ("env", "DATABASE_URL") in lacks.location.extra and "is not set in the container" in lacks.message
    logged = one(text, "LG114")
    assert logged.location.extra == (("container", "dctest-ct-env-try1"), ("log_line", "1"))


def test_go_panic_exit_2_and_template_signature() -> None:
    text = record("CT002", "templates.container.json")
    assert "(the Go program panicked)" in one(text, "CT002").message
    assert "main.main at" in one(text, "LG001").message


def test_restart_loop_reports_backoff_and_not_every_exit() -> None:
    text = record("CT010", "restartloop.container.json")
    rules = {f.rule for f in findings(text)}
    assert "CT010" in rules and "CT002" not in rules
    assert "Docker waits longer after each one" in one(text, "CT010").message


def test_unhealthy_with_a_missing_tool() -> None:
    f = one(record("CT012", "unhealthy.container.json"), "CT012")
    assert "the probe cannot run, `curl` is not in the image" in f.message
    assert any("curl: not found" in r.message for r in f.related)


def test_localhost_database_uses_the_log_as_evidence() -> None:
    f = one(record("CT023", "dblocal.container.json"), "CT023")
    assert "sets DATABASE_URL to localhost:5432" in f.message and "refused connection" in f.message


def test_join_rules_point_at_the_files() -> None:
    env = one(record("CT030", "env.container.json"), "CT030")
    assert any(r.location.path == "main.go" for r in env.related)
    port = one(record("CT031", "wrongport.container.json"), "CT031")
    assert "listens on 0.0.0.0:8080" in port.message and any(
        r.location.path == "main.go" for r in port.related
    )
    cgo = one(record("CT032", "dynamic.container.json"), "CT032")
    assert cgo.location.path == "Dockerfile" and cgo.location.line == 4


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DATABASE_URL", "postgres://app:pw@localhost:5432/app", ("localhost", 5432)),
        ("REDIS_URL", "redis://127.0.0.1", ("127.0.0.1", 6379)),
        ("DB_HOST", "localhost", ("localhost", None)),
        ("DB_HOST", "127.0.0.1:3306", ("127.0.0.1", 3306)),
        ("DATABASE_URL", "postgres://app@db:5432/app", None),
        ("PUBLIC_URL", "http://localhost:8080", None),
        ("BASE_URL", "http://localhost:8080", None),
        ("HOST", "127.0.0.1", None),
        ("DB_NAME", "localhost", None),
    ],
)
def test_local_target(name: str, value: str, expected: tuple[str, int | None] | None) -> None:
    assert local_target(name, value) == expected


def test_restart_delay_doubles_up_to_a_minute() -> None:
    assert restart_delay(1) == 0.1 and restart_delay(4) == 0.8 and restart_delay(30) == 60.0


def test_explaining_lines_prefer_panics_and_exceptions() -> None:
    from deploycheck.model.containers import LogLine

    logs = tuple(
        LogLine(i, t)
        for i, t in enumerate(
            [
                "starting",
                "Traceback (most recent call last):",
                '  File "x.py"',
                "ValueError: bad port 'x'",
                "bye",
            ],
            1,
        )
    )
    assert [ln.number for ln in explaining_lines(Container("id", "c", "i", logs=logs))] == [4]


def test_records_tolerate_missing_fields() -> None:
    facts = load_container("x.container.json", json.dumps({"inspect": {"Id": "abc"}}))
    assert isinstance(facts[0], Container) and facts[0].name == "" and facts[0].status == ""
    assert findings(json.dumps({"inspect": {"Id": "abc", "State": {}}})) == []
