"""detect(): what init reads from the project model for each kind of app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deploycheck.scaffold.detect import DetectError, detect

APPS = Path(__file__).resolve().parent.parent / "fixtures" / "init"


def test_gin_app_with_postgres_templates_and_trusted_proxies() -> None:
    facts = detect(str(APPS / "gin-postgres"))
    assert (facts.language, facts.framework, facts.name) == ("go", "gin", "shop")
    assert (facts.port, facts.port_env, facts.go_package) == (8080, "PORT", "./cmd/api")
    assert (facts.health_path, facts.liveness_path, facts.metrics_path) == ("/readyz", "/healthz", "/metrics")
    assert [s.kind for s in facts.services] == ["postgres"]
    assert "cmd/api/main.go:10 imports github.com/lib/pq" in facts.services[0].evidence
    assert facts.go_version == "1.22" and facts.go_sum and not facts.vendored and not facts.cgo
    assert facts.runtime_files == ("templates",)
    assert facts.trusted_proxies.startswith("SetTrustedProxies(172.16.0.0/12)")


def test_net_http_app_that_needs_cgo_tzdata_and_ca() -> None:
    facts = detect(str(APPS / "nethttp-cgo"))
    assert (facts.framework, facts.port, facts.addr_env) == ("net/http", 9090, "LISTEN_ADDR")
    assert facts.cgo and "go-sqlite3" in facts.cgo_why
    assert facts.needs_tzdata and facts.needs_ca and facts.health_path == "/health"


def test_loopback_default_is_overridden_through_its_variable(tmp_path: Path) -> None:
    app = shutil.copytree(APPS / "nethttp-cgo", tmp_path / "app")
    main = app / "main.go"
    main.write_text(main.read_text().replace('addr = ":9090"', 'addr = "127.0.0.1:9090"'))
    facts = detect(str(app))
    assert facts.addr_env == "LISTEN_ADDR" and not facts.listen_problem
    from deploycheck.scaffold.generate import Options
    from deploycheck.scaffold.templates import dockerfile

    assert "ENV LISTEN_ADDR=:9090\n" in dockerfile.render(facts, Options())


def test_hard_coded_loopback_is_reported_not_hidden(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.22\n")
    (tmp_path / "main.go").write_text('package main\n\nimport "net/http"\n\nfunc main() {\n'
                                      '\thttp.ListenAndServe("127.0.0.1:8081", nil)\n}\n')
    facts = detect(str(tmp_path))
    assert facts.port == 8081 and "main.go:6 listens on 127.0.0.1:8081" in facts.listen_problem


def test_vendored_modules_are_seen(tmp_path: Path) -> None:
    app = shutil.copytree(APPS / "gin-postgres", tmp_path / "app")
    (app / "vendor").mkdir()
    (app / "vendor" / "modules.txt").write_text("# github.com/gin-gonic/gin v1.9.1\n")
    assert detect(str(app)).vendored


def test_fastapi_app() -> None:
    facts = detect(str(APPS / "fastapi-redis"))
    assert (facts.framework, facts.target, facts.server) == ("fastapi", "main:app", "uvicorn")
    assert facts.asgi
    assert facts.python_version == "3.12" and facts.requirements == "requirements.txt"
    assert (facts.health_path, facts.liveness_path) == ("/readyz", "/livez")
    assert [s.kind for s in facts.services] == ["redis"]
    assert [e.name for e in facts.required_env] == ["API_TOKEN"]


def test_flask_app_without_a_server_in_its_requirements() -> None:
    facts = detect(str(APPS / "flask-mysql"))
    assert (facts.framework, facts.target, facts.server) == ("flask", "app:app", "gunicorn")
    assert not facts.server_installed
    assert [s.kind for s in facts.services] == ["mysql"]
    assert [e.name for e in facts.required_env] == ["MYSQL_PASSWORD"]


def test_django_app_and_the_headers_its_probe_needs() -> None:
    facts = detect(str(APPS / "django-postgres"))
    assert (facts.framework, facts.target, facts.server) == ("django", "shop.wsgi:application", "gunicorn")
    assert facts.health_path == "/healthz"
    assert facts.probe_headers == (("Host", "shop.example.com"), ("X-Forwarded-Proto", "https"))
    assert [s.kind for s in facts.services] == ["postgres"]


def test_no_app_and_several_apps_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DetectError, match="no web app found"):
        detect(str(tmp_path))
    shutil.copytree(APPS / "flask-mysql", tmp_path / "one")
    shutil.copytree(APPS / "fastapi-redis", tmp_path / "two")
    with pytest.raises(DetectError, match="choose one with --app"):
        detect(str(tmp_path))
    assert detect(str(tmp_path), app_dir="two").framework == "fastapi"
