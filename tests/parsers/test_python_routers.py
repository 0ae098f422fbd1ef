"""Routes on FastAPI routers and Flask blueprints mounted from other modules get their full
paths: compared with the route tables the real frameworks build from the same files."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploycheck.engine.config import Config
from deploycheck.engine.runner import load_root
from deploycheck.model.python import PythonApp, Route


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def routes(root: Path) -> list[Route]:
    project = load_root(str(root), Config(jobs=1)).project
    return [r for app in project.of(PythonApp) for m in app.modules for r in m.routes]


@pytest.fixture
def importable(tmp_path: Path) -> Iterator[Path]:
    """tmp_path on sys.path for the duration of a test, and the packages it imported removed."""
    before = set(sys.modules)
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        for name in set(sys.modules) - before:
            if name.split(".")[0] in {p.name for p in tmp_path.iterdir()}:
                del sys.modules[name]


FASTAPI_SHOP = {
    "requirements.txt": "fastapi\nuvicorn\n",
    "shopfa/__init__.py": "",
    "shopfa/routers/__init__.py": "",
    "shopfa/main.py": """
        from fastapi import FastAPI

        from .routers import items, ops
        from shopfa.routers.users import router as users_router

        app = FastAPI()
        app.include_router(ops.router, prefix="/api")
        app.include_router(items.router)
        app.include_router(users_router, prefix="/v1")


        @app.get("/")
        def root() -> dict[str, str]:
            return {"ok": "yes"}
    """,
    "shopfa/routers/ops.py": """
        from fastapi import APIRouter

        router = APIRouter(prefix="/ops")
        inner = APIRouter()


        @inner.get("/deep")
        def deep() -> str:
            return "deep"


        router.include_router(inner, prefix="/inner")


        @router.get("/health")
        def health() -> dict[str, str]:
            return {"status": "ok"}
    """,
    "shopfa/routers/items.py": """
        from fastapi import APIRouter

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("/")
        def list_items() -> list[int]:
            return []


        @router.get("/{item_id}")
        def item(item_id: int) -> int:
            return item_id
    """,
    "shopfa/routers/users.py": """
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/users/me")
        def me() -> str:
            return "me"
    """,
}


def test_fastapi_routers_across_modules_match_fastapi(importable: Path) -> None:
    fastapi = pytest.importorskip("fastapi")
    write(importable, FASTAPI_SHOP)
    ours = routes(importable)
    assert not any(r.partial for r in ours)
    app = importlib.import_module("shopfa.main").app
    assert isinstance(app, fastapi.FastAPI)
    # The OpenAPI document lists every operation at its full path (newer FastAPI releases keep
    # included routers unflattened in app.routes).
    theirs = {path for path, ops in app.openapi()["paths"].items() if "get" in ops}
    assert {r.path for r in ours} == theirs == {
        "/", "/api/ops/health", "/api/ops/inner/deep", "/items/", "/items/{item_id}", "/v1/users/me"}


FLASK_SHOP = {
    "requirements.txt": "flask\n",
    "shopfl/__init__.py": "",
    "shopfl/app.py": """
        from flask import Flask

        from shopfl.admin import admin
        from shopfl.views import api

        app = Flask(__name__)
        app.register_blueprint(api)
        app.register_blueprint(admin, url_prefix="/backoffice")


        @app.get("/healthz")
        def healthz() -> str:
            return "ok"
    """,
    "shopfl/views.py": """
        from flask import Blueprint

        api = Blueprint("api", __name__, url_prefix="/api")
        v2 = Blueprint("v2", __name__, url_prefix="/v2")


        @v2.route("/orders")
        def orders() -> str:
            return "[]"


        api.register_blueprint(v2)


        @api.route("/status")
        def status() -> str:
            return "up"
    """,
    "shopfl/admin.py": """
        from flask import Blueprint

        admin = Blueprint("admin", __name__, url_prefix="/admin")


        @admin.get("/users")
        def users() -> str:
            return "[]"
    """,
}


def test_flask_blueprints_across_modules_match_flask(importable: Path) -> None:
    flask = pytest.importorskip("flask")
    write(importable, FLASK_SHOP)
    ours = routes(importable)
    assert not any(r.partial for r in ours)
    app = importlib.import_module("shopfl.app").app
    assert isinstance(app, flask.Flask)
    theirs = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    # register_blueprint(url_prefix=...) replaces the blueprint's own; nested ones add up
    assert {r.path for r in ours} == theirs == {
        "/healthz", "/api/status", "/api/v2/orders", "/backoffice/users"}


def test_a_router_mounted_in_a_way_we_cannot_read_stays_partial(tmp_path: Path) -> None:
    write(tmp_path, {
        "requirements.txt": "fastapi\n",
        "svc/main.py": """
            import os
            from fastapi import FastAPI
            from svc import ops, billing

            app = FastAPI()
            app.include_router(ops.router, prefix=os.environ["OPS_PREFIX"])
        """,
        "svc/ops.py": """
            from fastapi import APIRouter
            router = APIRouter()

            @router.get("/health")
            def health() -> str:
                return "ok"
        """,
        "svc/billing.py": """
            from fastapi import APIRouter
            router = APIRouter(prefix="/billing")

            @router.get("/invoices")
            def invoices() -> str:
                return "[]"
        """,
    })
    by_path = {r.path: r for r in routes(tmp_path)}
    assert by_path["/health"].partial  # the prefix comes from the environment
    assert by_path["/billing/invoices"].partial  # never included anywhere we can see
