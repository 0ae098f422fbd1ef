"""`servercmd.analyze` on real command lines, and the Procfile parser that feeds it."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.model import Position, SourceFile
from deploycheck.model.python import Procfile
from deploycheck.model.servercmd import ServerCommand, analyze, is_loopback, split_hostport
from deploycheck.parsers import procfile as procfile_parser


def sh(cmd: str) -> list[str]:
    return ["/bin/sh", "-c", cmd]


# (argv, env, kind, app_target, host, port, loopback_only)
CASES: list[tuple[list[str], dict[str, str] | None, str, str, str | None, int | None, bool]] = [
    # uvicorn
    (["uvicorn", "main:app"], None, "uvicorn", "main:app", "127.0.0.1", 8000, True),
    (
        ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "80"],
        None,
        "uvicorn",
        "main:app",
        "0.0.0.0",
        80,
        False,
    ),
    (
        ["uvicorn", "--host=0.0.0.0", "--port=8080", "app.main:app"],
        None,
        "uvicorn",
        "app.main:app",
        "0.0.0.0",
        8080,
        False,
    ),
    (["uvicorn", "main:app", "--host", "::"], None, "uvicorn", "main:app", "::", 8000, False),
    (["uvicorn", "main:app", "--host", ""], None, "uvicorn", "main:app", "", 8000, False),
    (
        ["uvicorn", "main:app"],
        {"UVICORN_HOST": "0.0.0.0", "UVICORN_PORT": "9000"},
        "uvicorn",
        "main:app",
        "0.0.0.0",
        9000,
        False,
    ),
    (
        ["python", "-m", "uvicorn", "main:app", "--reload"],
        None,
        "uvicorn",
        "main:app",
        "127.0.0.1",
        8000,
        True,
    ),
    (
        ["python3.12", "-u", "-m", "uvicorn", "main:app", "--host", "0.0.0.0"],
        None,
        "uvicorn",
        "main:app",
        "0.0.0.0",
        8000,
        False,
    ),
    (
        ["/usr/local/bin/uvicorn", "main:app", "--proxy-headers", "--host", "0.0.0.0"],
        None,
        "uvicorn",
        "main:app",
        "0.0.0.0",
        8000,
        False,
    ),
    # gunicorn
    (["gunicorn", "app:app"], None, "gunicorn", "app:app", "127.0.0.1", 8000, True),
    (["gunicorn", "app:app"], {"PORT": "5000"}, "gunicorn", "app:app", "0.0.0.0", 5000, False),
    (
        ["gunicorn", "-b", "0.0.0.0:8000", "-w", "4", "-k", "uvicorn.workers.UvicornWorker", "main:app"],
        None,
        "gunicorn",
        "main:app",
        "0.0.0.0",
        8000,
        False,
    ),
    (
        ["gunicorn", "-b0.0.0.0:9000", "project.wsgi:application"],
        None,
        "gunicorn",
        "project.wsgi:application",
        "0.0.0.0",
        9000,
        False,
    ),
    (["gunicorn", "--bind=:8000", "wsgi"], None, "gunicorn", "wsgi", "0.0.0.0", 8000, False),
    (["gunicorn", "--bind", "[::]:8000", "wsgi"], None, "gunicorn", "wsgi", "::", 8000, False),
    (["gunicorn", "-c", "gunicorn.conf.py", "app:app"], None, "gunicorn", "app:app", "127.0.0.1", 8000, True),
    (
        ["gunicorn", "app:app"],
        {"GUNICORN_CMD_ARGS": "--bind=0.0.0.0:7000 --workers=3"},
        "gunicorn",
        "app:app",
        "0.0.0.0",
        7000,
        False,
    ),
    # others
    (["hypercorn", "main:app"], None, "hypercorn", "main:app", "127.0.0.1", 8000, True),
    (
        ["hypercorn", "--bind", "0.0.0.0:8000", "main:app"],
        None,
        "hypercorn",
        "main:app",
        "0.0.0.0",
        8000,
        False,
    ),
    (
        ["daphne", "project.asgi:application"],
        None,
        "daphne",
        "project.asgi:application",
        "127.0.0.1",
        8000,
        True,
    ),
    (
        ["daphne", "-b", "0.0.0.0", "-p", "8001", "project.asgi:application"],
        None,
        "daphne",
        "project.asgi:application",
        "0.0.0.0",
        8001,
        False,
    ),
    (
        ["daphne", "-e", "tcp:port=8002:interface=0.0.0.0", "p.asgi:app"],
        None,
        "daphne",
        "p.asgi:app",
        "0.0.0.0",
        8002,
        False,
    ),
    (["granian", "--interface", "asgi", "main:app"], None, "granian", "main:app", "127.0.0.1", 8000, True),
    (
        ["granian", "--interface", "asgi", "--host", "0.0.0.0", "main:app"],
        None,
        "granian",
        "main:app",
        "0.0.0.0",
        8000,
        False,
    ),
    (["flask", "run"], None, "flask", "", "127.0.0.1", 5000, True),
    (["flask", "--app", "app", "run", "--host=0.0.0.0"], None, "flask", "app", "0.0.0.0", 5000, False),
    (["flask", "run", "-h", "0.0.0.0", "-p", "8080"], None, "flask", "", "0.0.0.0", 8080, False),
    (
        ["flask", "run"],
        {"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "8000", "FLASK_APP": "web"},
        "flask",
        "web",
        "0.0.0.0",
        8000,
        False,
    ),
    (["python", "manage.py", "runserver"], None, "runserver", "manage.py", "127.0.0.1", 8000, True),
    (
        ["python", "manage.py", "runserver", "0.0.0.0:8000"],
        None,
        "runserver",
        "manage.py",
        "0.0.0.0",
        8000,
        False,
    ),
    (["python", "manage.py", "runserver", "0:8000"], None, "runserver", "manage.py", "0.0.0.0", 8000, False),
    (["python", "manage.py", "runserver", "9000"], None, "runserver", "manage.py", "127.0.0.1", 9000, True),
    (["django-admin", "runserver", "[::]:8000"], None, "runserver", "manage.py", "::", 8000, False),
    (
        ["./manage.py", "runserver", "--noreload", "0.0.0.0:80"],
        None,
        "runserver",
        "manage.py",
        "0.0.0.0",
        80,
        False,
    ),
    (["fastapi", "run", "app/main.py"], None, "fastapi", "app/main.py", "0.0.0.0", 8000, False),
    (["fastapi", "dev", "main.py"], None, "fastapi", "main.py", "127.0.0.1", 8000, True),
    (["fastapi", "run", "--port", "80", "app/main.py"], None, "fastapi", "app/main.py", "0.0.0.0", 80, False),
    (
        ["waitress-serve", "--listen=*:8080", "app:app"],
        None,
        "waitress-serve",
        "app:app",
        "0.0.0.0",
        8080,
        False,
    ),
    (["waitress-serve", "app:app"], None, "waitress-serve", "app:app", "0.0.0.0", 8080, False),
    (
        ["uwsgi", "--http", ":8000", "--master", "--module", "app:app"],
        None,
        "uwsgi",
        "app:app",
        "0.0.0.0",
        8000,
        False,
    ),
    (
        ["uwsgi", "--http-socket", "127.0.0.1:8000", "--wsgi-file", "app.py"],
        None,
        "uwsgi",
        "app.py",
        "127.0.0.1",
        8000,
        True,
    ),
]


@pytest.mark.parametrize(
    ("argv", "env", "kind", "target", "host", "port", "loopback"), CASES, ids=[" ".join(c[0]) for c in CASES]
)
def test_servers(
    argv: list[str],
    env: dict[str, str] | None,
    kind: str,
    target: str,
    host: str | None,
    port: int | None,
    loopback: bool,
) -> None:
    cmd = analyze(argv, env)
    assert cmd is not None
    assert (cmd.kind, cmd.app_target, cmd.host, cmd.port, cmd.loopback_only) == (
        kind,
        target,
        host,
        port,
        loopback,
    )


WRAPPED = [
    sh("exec uvicorn main:app --host 0.0.0.0 --port 8000"),
    ["tini", "--", "uvicorn", "main:app", "--host", "0.0.0.0"],
    ["/sbin/tini", "-g", "--", "uvicorn", "main:app", "--host", "0.0.0.0"],
    ["dumb-init", "uvicorn", "main:app", "--host", "0.0.0.0"],
    ["dumb-init", "--", "sh", "-c", "uvicorn main:app --host 0.0.0.0"],
    ["poetry", "run", "uvicorn", "main:app", "--host", "0.0.0.0"],
    ["pipenv", "run", "uvicorn", "main:app", "--host", "0.0.0.0"],
    ["uv", "run", "--frozen", "--no-dev", "uvicorn", "main:app", "--host", "0.0.0.0"],
    ["uv", "run", "--with", "httpx", "uvicorn", "main:app", "--host", "0.0.0.0"],
    ["opentelemetry-instrument", "--traces_exporter", "otlp", "uvicorn", "main:app", "--host", "0.0.0.0"],
    ["ddtrace-run", "uvicorn", "main:app", "--host", "0.0.0.0"],
    ["newrelic-admin", "run-program", "uvicorn", "main:app", "--host", "0.0.0.0"],
    ["env", "PYTHONUNBUFFERED=1", "uvicorn", "main:app", "--host", "0.0.0.0"],
    ["bash", "-c", "cd /app && exec uvicorn main:app --host 0.0.0.0"],
    ["/bin/bash", "-ec", "alembic upgrade head; uvicorn main:app --host 0.0.0.0"],
    ["gosu", "app", "uvicorn", "main:app", "--host", "0.0.0.0"],
    sh("python -m pip list > /dev/null && uvicorn main:app --host 0.0.0.0"),
]


@pytest.mark.parametrize("argv", WRAPPED, ids=[" ".join(a) for a in WRAPPED])
def test_wrappers_are_unwrapped(argv: list[str]) -> None:
    cmd = analyze(argv)
    assert cmd is not None
    assert (cmd.kind, cmd.app_target, cmd.host) == ("uvicorn", "main:app", "0.0.0.0")


def test_shell_chain_prefers_the_server_over_setup_commands() -> None:
    cmd = analyze(
        sh(
            "python manage.py migrate && python manage.py collectstatic --noinput && "
            "gunicorn mysite.wsgi:application --bind 0.0.0.0:8000 --workers 3"
        )
    )
    assert cmd is not None
    assert (cmd.kind, cmd.host, cmd.port, cmd.workers) == ("gunicorn", "0.0.0.0", 8000, 3)
    assert cmd.shell and cmd.index == 2 and cmd.host_index == 2


def test_shell_chain_script_then_server() -> None:
    cmd = analyze(sh("python wait_for_db.py && uvicorn main:app --host 0.0.0.0"))
    assert cmd is not None and cmd.kind == "uvicorn"


def test_env_expansion_in_shell_form() -> None:
    cmd = analyze(sh("uvicorn main:app --host 0.0.0.0 --port ${PORT:-8000}"))
    assert cmd is not None and cmd.port == 8000 and not cmd.unresolved
    cmd = analyze(sh("uvicorn main:app --host 0.0.0.0 --port ${PORT:-8000}"), {"PORT": "9999"})
    assert cmd is not None and cmd.port == 9999
    cmd = analyze(sh("uvicorn main:app --host 0.0.0.0 --port $PORT"), {"PORT": "7000"})
    assert cmd is not None and cmd.port == 7000
    cmd = analyze(sh("gunicorn -b 0.0.0.0:$PORT app:app"))
    assert cmd is not None
    assert (cmd.host, cmd.port, cmd.unresolved, cmd.literal_vars) == ("0.0.0.0", None, ("PORT",), ())


def test_single_quotes_do_not_expand() -> None:
    cmd = analyze(sh("uvicorn main:app --host '$HOST'"), {"HOST": "0.0.0.0"})
    assert cmd is not None and cmd.host is None and cmd.unresolved == ("HOST",)


def test_exec_form_passes_dollar_literally() -> None:
    # Docker's exec form has no shell: uvicorn receives the text "$PORT" and exits.
    cmd = analyze(["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "$PORT"], {"PORT": "8000"})
    assert cmd is not None
    assert cmd.port is None and cmd.literal_vars == ("PORT",) and not cmd.unresolved and not cmd.shell
    assert cmd.port_index == 5


def test_shell_assignments_and_export() -> None:
    cmd = analyze(sh("export PORT=8123 && gunicorn app:app"))
    assert cmd is not None and (cmd.host, cmd.port) == ("0.0.0.0", 8123)
    cmd = analyze(sh("PORT=8124 gunicorn app:app"))
    assert cmd is not None and cmd.port == 8124 and cmd.env == (("PORT", "8124"),)
    cmd = analyze(["env", "FLASK_RUN_HOST=0.0.0.0", "flask", "run"])
    assert cmd is not None and cmd.host == "0.0.0.0"


def test_positions_are_token_indexes() -> None:
    cmd = analyze(["uvicorn", "main:app", "--port", "80", "--host", "127.0.0.1"])
    assert cmd is not None and (cmd.index, cmd.host_index, cmd.port_index) == (0, 5, 3)
    cmd = analyze(["tini", "--", "gunicorn", "-b", "127.0.0.1:80", "a:b"])
    assert cmd is not None and (cmd.index, cmd.host_index) == (2, 4)


def test_gunicorn_details() -> None:
    cmd = analyze(
        [
            "gunicorn",
            "-b",
            "127.0.0.1:8000",
            "-b",
            "[::1]:8000",
            "-b",
            "unix:/run/app.sock",
            "--access-logfile",
            "/var/log/access.log",
            "--error-logfile",
            "-",
            "--worker-tmp-dir",
            "/dev/shm",
            "--forwarded-allow-ips",
            "*",
            "--reload",
            "-c",
            "conf/gunicorn.py",
            "app:app",
        ]
    )
    assert cmd is not None
    assert cmd.binds == ("127.0.0.1:8000", "[::1]:8000")
    assert cmd.unix_socket == "/run/app.sock"
    assert cmd.loopback_only
    assert cmd.log_files == ("/var/log/access.log",)
    assert cmd.worker_tmp_dir == "/dev/shm"
    assert cmd.forwarded_allow_ips == "*"
    assert cmd.reload and cmd.dev_server
    assert (cmd.config_file, cmd.config_implicit) == ("conf/gunicorn.py", False)
    implicit = analyze(["gunicorn", "app:app"])
    assert implicit is not None and (implicit.config_file, implicit.config_implicit) == (
        "gunicorn.conf.py",
        True,
    )
    assert implicit.workers == 1 and not implicit.workers_explicit
    web = analyze(["gunicorn", "app:app"], {"WEB_CONCURRENCY": "5"})
    assert web is not None and web.workers == 5
    cls = analyze(["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "main:app"])
    assert cls is not None and cls.worker_class == "uvicorn.workers.UvicornWorker"


def test_gunicorn_cmd_args_lose_to_the_command_line() -> None:
    cmd = analyze(["gunicorn", "-b", "0.0.0.0:1", "app:app"], {"GUNICORN_CMD_ARGS": "-b 127.0.0.1:2 -w 7"})
    assert cmd is not None and (cmd.host, cmd.port, cmd.workers) == ("0.0.0.0", 1, 7)


def test_uvicorn_details() -> None:
    cmd = analyze(["uvicorn", "main:app", "--uds", "/tmp/app.sock"])
    assert (
        cmd is not None and cmd.unix_socket == "/tmp/app.sock" and cmd.host is None and not cmd.loopback_only
    )
    cmd = analyze(["uvicorn", "main:app", "--no-proxy-headers", "--workers", "4"])
    assert cmd is not None and not cmd.proxy_headers and cmd.workers == 4 and cmd.workers_explicit
    cmd = analyze(["uvicorn", "main:app", "--forwarded-allow-ips", "*"])
    assert cmd is not None and cmd.proxy_headers and cmd.forwarded_allow_ips == "*"
    default = analyze(["uvicorn", "main:app"])
    assert default is not None and default.forwarded_allow_ips == "127.0.0.1"


def test_dev_servers() -> None:
    for argv in (
        ["flask", "run"],
        ["python", "manage.py", "runserver"],
        ["fastapi", "dev", "main.py"],
        ["uvicorn", "main:app", "--reload"],
    ):
        cmd = analyze(argv)
        assert cmd is not None and cmd.dev_server, argv
    for argv in (["gunicorn", "app:app"], ["uvicorn", "main:app"], ["fastapi", "run"]):
        cmd = analyze(argv)
        assert cmd is not None and not cmd.dev_server, argv
    noreload = analyze(["python", "manage.py", "runserver", "--noreload"])
    assert noreload is not None and not noreload.reload and noreload.dev_server
    debug = analyze(["flask", "run"], {"FLASK_DEBUG": "1"})
    assert debug is not None and debug.reload


def test_scripts() -> None:
    cmd = analyze(["python", "app.py"])
    assert cmd is not None and cmd.kind == "python-script" and cmd.app_target == "app.py" and cmd.runs_script
    assert cmd.host is None and not cmd.loopback_only
    cmd = analyze(["python3", "-u", "src/server.py"])
    assert cmd is not None and cmd.app_target == "src/server.py"
    cmd = analyze(["python", "-m", "myapp"])
    assert cmd is not None and (cmd.kind, cmd.app_target) == ("python-module", "myapp")
    cmd = analyze(["python", "-m", "waitress", "--port=9000", "app:app"])
    assert cmd is not None and (cmd.kind, cmd.port) == ("waitress-serve", 9000)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["nginx", "-g", "daemon off;"],
        ["celery", "-A", "tasks", "worker"],
        ["python", "-c", "print(1)"],
        ["python", "manage.py", "migrate"],
        ["flask", "db", "upgrade"],
        ["sh", "entrypoint.sh"],
        ["/app/server"],
        ["sh", "-c", ""],
        ["python"],
        ["fastapi"],
        ["sh", "-c", "echo 'unterminated"],
    ],
)
def test_not_servers(argv: list[str]) -> None:
    assert analyze(argv) is None


def test_loopback_helpers() -> None:
    for h in ("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "app.localhost"):
        assert is_loopback(h), h
    for h in ("0.0.0.0", "::", "", "10.0.0.1", "example.com"):
        assert not is_loopback(h), h
    assert split_hostport("[::1]:81", 1) == ("::1", 81)
    assert split_hostport(":8000", 1) == ("0.0.0.0", 8000)
    assert split_hostport("localhost", 8000) == ("localhost", 8000)
    assert split_hostport("unix:/x.sock", 1) == (None, None)
    assert split_hostport("tcp://0.0.0.0:9", 1) == ("0.0.0.0", 9)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(max_size=30), max_size=12),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=4),
)
def test_never_raises(argv: list[str], env: dict[str, str]) -> None:
    result = analyze(argv, env)
    assert result is None or isinstance(result, ServerCommand)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab$ {}()'\"\\;&|:-=0.\n")), max_size=60))
def test_shell_strings_never_raise(script: str) -> None:
    analyze(["sh", "-c", "uvicorn " + script])
    analyze(["sh", "-c", script])


def test_huge_shell_string_is_fast() -> None:
    script = " && ".join(["echo hi"] * 5000) + " && uvicorn main:app --host 0.0.0.0"
    start = time.perf_counter()
    cmd = analyze(sh(script))
    assert cmd is not None and cmd.host == "0.0.0.0"
    assert time.perf_counter() - start < 2.0


# -- Procfile ---------------------------------------------------------------------------------


def read_procfile(text: str) -> Procfile:
    parsed = procfile_parser.parse(SourceFile.of("Procfile", text))
    model = parsed.models[0]
    assert isinstance(model, Procfile)
    return model


def test_procfile_entries_and_positions() -> None:
    proc = read_procfile(
        "# comment\n\nweb: gunicorn app:app --bind 0.0.0.0:$PORT\nworker:   celery -A t worker\n"
        "release: python manage.py migrate\r\n"
    )
    assert [e.process for e in proc.entries] == ["web", "worker", "release"]
    web = proc.get("web")
    assert web is not None and web.pos == Position(3, 1) and web.command_pos == Position(3, 6)
    worker = proc.get("worker")
    assert (
        worker is not None
        and worker.command == "celery -A t worker"
        and worker.command_pos == Position(4, 11)
    )
    server = web.server({"PORT": "5000"})
    assert server is not None and (server.kind, server.host, server.port) == ("gunicorn", "0.0.0.0", 5000)
    assert worker.server() is None


def test_procfile_problems() -> None:
    parsed = procfile_parser.parse(SourceFile.of("Procfile", "web gunicorn app:app\nweb:\nok: x\n"))
    assert [p.location.line for p in parsed.problems] == [1, 2]
    model = parsed.models[0]
    assert isinstance(model, Procfile) and [e.process for e in model.entries] == ["ok"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_procfile_never_raises(text: str) -> None:
    parsed = procfile_parser.parse(SourceFile.of("Procfile", text))
    assert len(parsed.models) == 1
    model = parsed.models[0]
    assert isinstance(model, Procfile)
    for entry in model.entries:
        entry.server()
