"""The Python source parser (`ast` only) and the assembled PythonApp / DjangoSettings models."""

from __future__ import annotations

import textwrap
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.model import Position, SourceFile
from deploycheck.model.python import (
    UNKNOWN,
    DjangoSettings,
    PyDependencies,
    PyModule,
    PythonApp,
    Requirement,
    assemble,
    dev_like,
    needs_system_libs,
    system_libs,
)
from deploycheck.parsers import Parsed
from deploycheck.parsers import python as py_parser


def parse(text: str, path: str = "main.py") -> Parsed:
    return py_parser.parse(SourceFile.of(path, textwrap.dedent(text)))


def read(text: str, path: str = "main.py") -> PyModule:
    parsed = parse(text, path)
    assert not parsed.problems, parsed.problems
    model = parsed.models[0]
    assert isinstance(model, PyModule)
    return model


# -- servers ----------------------------------------------------------------------------------


def test_uvicorn_run_defaults_and_guard() -> None:
    m = read("""
        import uvicorn
        from main import app

        if __name__ == "__main__":
            uvicorn.run(app, port=8001)
    """)
    (run,) = m.servers
    assert (run.kind, run.host, run.port, run.host_explicit, run.guard) == (
        "uvicorn",
        "127.0.0.1",
        8001,
        False,
        "main",
    )
    assert (
        run.pos == Position(6, 5) and run.port_pos == Position(6, 27) and run.loopback and run.runs_as_script
    )
    assert m.has_main_guard


def test_uvicorn_values_through_constants_and_env_defaults() -> None:
    m = read("""
        import os
        from uvicorn import run as serve

        HOST = os.environ.get("APP_HOST", "0.0.0.0")
        PORT = int(os.getenv("PORT", "8080"))

        def main():
            serve("app.main:app", host=HOST, port=PORT, reload=False, proxy_headers=True,
                  forwarded_allow_ips="*", workers=3)

        if __name__ == "__main__":
            main()
    """)
    (run,) = m.servers
    assert (run.app, run.host, run.host_env, run.port, run.port_env) == (
        "app.main:app",
        "0.0.0.0",
        "APP_HOST",
        8080,
        "PORT",
    )
    assert (run.reload, run.proxy_headers, run.forwarded_allow_ips, run.workers) == (False, True, "*", 3)
    assert run.guard == "main-function"


def test_server_in_plain_function_is_not_run_as_script() -> None:
    m = read("""
        import uvicorn

        def serve():
            uvicorn.run("main:app")
    """)
    assert m.servers[0].guard == "function" and not m.servers[0].runs_as_script


def test_flask_run_variants() -> None:
    m = read("""
        import os
        from flask import Flask
        from other import create_app

        app = Flask(__name__)
        api = create_app()
        app.run("0.0.0.0", 8000, True)
        api.run(host=None, debug=os.getenv("DEBUG", "true").lower() == "true")
    """)
    first, second = m.servers
    assert (first.kind, first.host, first.port, first.debug, first.guard) == (
        "flask",
        "0.0.0.0",
        8000,
        True,
        "top-level",
    )
    assert (second.kind, second.host, second.port, second.debug, second.debug_env) == (
        "flask",
        "127.0.0.1",
        5000,
        True,
        "DEBUG",
    )


def test_run_on_non_apps_is_ignored() -> None:
    m = read("""
        import asyncio, subprocess
        from celery import Celery

        worker = Celery("x")
        asyncio.run(main())
        subprocess.run(["ls"])
        worker.run()
        thing.run(host="127.0.0.1", whatever=1)
    """)
    assert m.servers == ()


def test_other_servers() -> None:
    m = read("""
        import waitress
        from aiohttp import web
        waitress.serve(app, listen="*:8081")
        web.run_app(app, port=9000)
    """)
    w, a = m.servers
    assert (w.kind, w.host, w.port) == ("waitress", "0.0.0.0", 8081)
    assert (a.kind, a.host, a.port) == ("aiohttp", "0.0.0.0", 9000)


# -- apps, CORS, routes ----------------------------------------------------------------------


def test_fastapi_app_cors_and_routes() -> None:
    m = read("""
        from fastapi import APIRouter, FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from starlette.middleware import Middleware

        app = FastAPI(middleware=[Middleware(CORSMiddleware, allow_origins=["https://a.example"])])
        router = APIRouter(prefix="/api/v1")
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_credentials=True,
            allow_methods=["GET", "POST"],
        )

        @app.get("/healthz")
        def health(): ...

        @router.api_route("/items", methods=["PUT", "patch"])
        async def items(): ...

        @router.post("")
        def create(): ...

        app.add_api_route("/metrics", metrics)
    """)
    assert [(a.framework, a.name, a.prefix) for a in m.apps] == [
        ("fastapi", "app", ""),
        ("apirouter", "router", "/api/v1"),
    ]
    first, second = m.cors
    assert first.origins is not None and [o.value for o in first.origins] == ["https://a.example"]
    assert first.credentials is False and first.methods is None
    assert second.wildcard and second.credentials is True and second.credentials_pos == Position(11, 23)
    assert second.methods == ("GET", "POST") and second.origins is not None
    assert second.origins[0].pos == Position(10, 20)
    routes = {(r.path, r.methods, r.partial) for r in m.routes}
    assert ("/healthz", ("GET",), False) in routes
    assert ("/api/v1/items", ("PUT", "PATCH"), True) in routes
    assert ("/api/v1", ("POST",), True) in routes
    assert ("/metrics", ("GET",), False) in routes
    health = next(r for r in m.routes if r.path == "/healthz")
    assert health.is_health and health.handler == "health" and health.pos == Position(15, 2)
    assert any(r.is_metrics for r in m.routes)


def test_cors_with_kwargs_splat_is_incomplete() -> None:
    m = read("""
        from fastapi.middleware.cors import CORSMiddleware
        app.add_middleware(CORSMiddleware, **settings.cors)
    """)
    (cors,) = m.cors
    assert cors.origins is None and cors.credentials is None and cors.methods == ("?",)


def test_cors_origins_from_env_default() -> None:
    m = read("""
        import os
        from fastapi.middleware.cors import CORSMiddleware
        app.add_middleware(CORSMiddleware, allow_origins=os.getenv("ORIGINS", "https://a,https://b").split(","))
    """)
    (cors,) = m.cors
    assert cors.origins is not None and [o.value for o in cors.origins] == ["https://a", "https://b"]
    assert cors.origins_env == ("ORIGINS",)


def test_flask_cors_forms() -> None:
    m = read("""
        from flask import Flask, Blueprint
        from flask_cors import CORS, cross_origin

        app = Flask(__name__)
        bp = Blueprint("api", __name__, url_prefix="/api")
        CORS(app)
        CORS(app, resources={r"/api/*": {"origins": ["https://x.example"], "supports_credentials": True}})

        @bp.route("/things", methods=["GET", "POST"])
        @cross_origin(supports_credentials=True)
        def things(): ...
    """)
    default, resources, decorator = m.cors
    assert default.wildcard and default.credentials is False
    assert resources.origins is not None and [o.value for o in resources.origins] == ["https://x.example"]
    assert resources.credentials is True
    assert decorator.wildcard and decorator.credentials is True
    (route,) = m.routes
    assert (route.framework, route.path, route.methods) == ("flask", "/api/things", ("GET", "POST"))


def test_django_urls() -> None:
    m = read(
        """
        from django.urls import include, path, re_path

        urlpatterns = [
            path("healthz/", views.health),
            re_path(r"^api/v1/items/(?P<pk>\\d+)/$", views.item),
            path("", include("django_prometheus.urls")),
        ]
    """,
        "mysite/urls.py",
    )
    assert [r.path for r in m.routes] == ["/healthz/", "/api/v1/items/", "/"]
    assert m.routes[0].is_health
    assert [x.how for x in m.metrics] == ["django-prometheus"]


# -- environment ------------------------------------------------------------------------------


def test_env_reads() -> None:
    m = read("""
        import os
        from os import getenv, environ
        from decouple import config, Csv
        import environ as django_environ

        env = django_environ.Env(DEBUG=(bool, False))
        A = os.environ["A"]
        B = os.environ.get("B", "b")
        C = getenv("C")
        D = environ["D"]
        E = config("E")
        F = config("F", default="1", cast=bool)
        G = env("DEBUG")
        H = env.str("H")
        I = env.db()
        if "SENTRY_DSN" in os.environ:
            dsn = os.environ["SENTRY_DSN"]
        try:
            opt = os.environ["OPTIONAL"]
        except KeyError:
            opt = None
        os.environ["WRITTEN"] = "x"
    """)
    reads = {(r.name, r.via, r.required, r.default) for r in m.env_reads}
    assert ("A", "environ[]", True, None) in reads
    assert ("B", "environ.get", False, "b") in reads
    assert ("C", "getenv", False, None) in reads
    assert ("D", "environ[]", True, None) in reads
    assert ("E", "decouple", True, None) in reads
    assert ("F", "decouple", False, "1") in reads
    assert ("DEBUG", "django-environ", False, "False") in reads
    assert ("H", "django-environ", True, None) in reads
    assert ("DATABASE_URL", "django-environ", True, None) in reads
    assert ("SENTRY_DSN", "environ[]", False, None) in reads
    assert ("OPTIONAL", "environ[]", False, None) in reads
    assert not any(r.name == "WRITTEN" for r in m.env_reads)
    a = next(r for r in m.env_reads if r.name == "A")
    assert a.pos == Position(8, 5)


def test_pydantic_settings() -> None:
    m = read("""
        from typing import ClassVar
        from pydantic import Field
        from pydantic_settings import BaseSettings, SettingsConfigDict

        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="APP_")
            database_url: str
            debug: bool = False
            api_key: str = Field(..., alias="THIRD_PARTY_KEY")
            workers: int = Field(default=2)
            registry: ClassVar[dict] = {}

        class Legacy(BaseSettings):
            token: str
            class Config:
                env_prefix = "OLD_"
    """)
    reads = {(r.name, r.required, r.default) for r in m.env_reads}
    assert reads == {
        ("APP_DATABASE_URL", True, None),
        ("APP_DEBUG", False, "False"),
        ("THIRD_PARTY_KEY", True, None),
        ("APP_WORKERS", False, "2"),
        ("OLD_TOKEN", True, None),
    }


# -- Django settings, gunicorn config ---------------------------------------------------------


def test_django_settings_values() -> None:
    m = read(
        """
        import os
        from .base import *

        DEBUG = os.getenv("DJANGO_DEBUG", "False") == "True"
        ALLOWED_HOSTS = os.getenv("HOSTS", "a.example,b.example").split(",")
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        CSRF_TRUSTED_ORIGINS = ["https://a.example"]
        DATABASES = {"default": {"ENGINE": "postgresql", "HOST": os.getenv("DB_HOST", "localhost")}}
        if os.getenv("CI"):
            SECURE_SSL_REDIRECT = True
        TIME_ZONE = "Europe/Berlin"
    """,
        "proj/settings/production.py",
    )
    assert m.is_django_settings and m.star_imports == ("proj.settings.base",)
    debug = m.setting("DEBUG")
    assert debug is not None and debug.value is False and debug.env == ("DJANGO_DEBUG",) and not debug.literal
    hosts = m.setting("ALLOWED_HOSTS")
    assert hosts is not None and hosts.value == ("a.example", "b.example")
    header = m.setting("SECURE_PROXY_SSL_HEADER")
    assert header is not None and header.literal and header.value == ("HTTP_X_FORWARDED_PROTO", "https")
    redirect = m.setting("SECURE_SSL_REDIRECT")
    assert redirect is not None and redirect.conditional
    assert [(h.what, h.host, h.env) for h in m.local_hosts] == [("django DATABASES", "localhost", "DB_HOST")]
    assert [t.name for t in m.time_zones] == ["Europe/Berlin"]


def test_django_environ_casts_defaults() -> None:
    m = read(
        """
        import environ
        env = environ.Env()
        DEBUG = env.bool("DJANGO_DEBUG", default="yes")
        ALLOWED_HOSTS = env.list("HOSTS", default="a,b")
        INSTALLED_APPS = []
        """,
        "settings.py",
    )
    debug = m.setting("DEBUG")
    hosts = m.setting("ALLOWED_HOSTS")
    assert debug is not None and debug.value is True and debug.env == ("DJANGO_DEBUG",)
    assert hosts is not None and hosts.value == ("a", "b")


def test_non_django_settings_py_is_not_django() -> None:
    m = read(
        """
        from pydantic_settings import BaseSettings
        DEBUG = True
        class Settings(BaseSettings):
            port: int = 8000
    """,
        "app/settings.py",
    )
    assert not m.is_django_settings and m.settings == ()


def test_gunicorn_config() -> None:
    m = read(
        """
        import multiprocessing, os
        bind = ["0.0.0.0:" + os.environ.get("PORT", "8000")]
        workers = multiprocessing.cpu_count() * 2 + 1
        threads = 2
        worker_class = "uvicorn.workers.UvicornWorker"
        worker_tmp_dir = "/dev/shm"
        accesslog = "/var/log/access.log"
        errorlog = "-"
    """,
        "gunicorn.conf.py",
    )
    g = m.gunicorn
    assert g is not None
    assert g.binds() == ("0.0.0.0:8000",)
    workers = g.get("workers")
    assert workers is not None and workers.from_cpu_count and workers.value is UNKNOWN
    threads = g.get("threads")
    assert threads is not None and threads.value == 2 and threads.literal
    assert [(lf.path, lf.how) for lf in m.log_files] == [("/var/log/access.log", "gunicorn accesslog")]


def test_gunicorn_detected_by_content() -> None:
    m = read('bind = "127.0.0.1:8000"\nworkers = 3\n', "deploy/prod_conf.py")
    assert m.gunicorn is not None and m.gunicorn.binds() == ("127.0.0.1:8000",)
    assert read('bind = "x"\n', "client.py").gunicorn is None


# -- other facts ------------------------------------------------------------------------------


def test_logs_outbound_timezones_metrics_localhost() -> None:
    m = read("""
        import logging, logging.config
        import boto3, requests, redis, psycopg2, pytz
        from loguru import logger
        from prometheus_client import start_http_server
        from zoneinfo import ZoneInfo

        logging.basicConfig(filename="app.log")
        logging.FileHandler("/dev/stdout")
        logger.add("logs/{time}.log")
        logging.config.dictConfig({"handlers": {"f": {"class": "logging.handlers.RotatingFileHandler",
                                                       "filename": "/var/log/x.log"}}})
        requests.get("https://api.example.com/v1")
        requests.get("http://internal")
        tz = ZoneInfo("Asia/Tokyo"), pytz.timezone("UTC")
        start_http_server(9100)
        r = redis.Redis(host="localhost", port=6379)
        conn = psycopg2.connect(host="db")
        URL = "postgresql+asyncpg://user:pw@127.0.0.1:5432/app"
    """)
    assert [(lf.path, lf.how) for lf in m.log_files] == [
        ("app.log", "basicConfig"),
        ("logs/{time}.log", "loguru"),
        ("/var/log/x.log", "dictConfig"),
    ]
    assert [(o.library, o.url) for o in m.outbound] == [
        ("boto3", ""),
        ("requests", "https://api.example.com/v1"),
    ]
    assert [t.name for t in m.time_zones] == ["Asia/Tokyo"]
    assert [(x.how, x.port) for x in m.metrics] == [("start_http_server", 9100)]
    assert [(h.what, h.host) for h in m.local_hosts] == [("redis", "localhost"), ("postgresql", "127.0.0.1")]


# -- robustness -------------------------------------------------------------------------------


def test_syntax_error_is_a_problem_with_position() -> None:
    parsed = parse("def f(:\n    pass\n")
    assert not parsed.models and parsed.problems[0].location.line == 1
    assert "syntax" in parsed.problems[0].message.lower()


def test_python2_and_nul_and_empty() -> None:
    assert parse('print "hello"\n').problems
    nul = parse("x = 1\x00\n")
    assert nul.problems and not nul.models
    empty = read("")
    assert empty.servers == () and empty.module == "main"


def test_deep_nesting_does_not_crash() -> None:
    for text in ("x = " + "(" * 500 + "1" + ")" * 500, "x = " + "+".join(["1"] * 20000), "[" * 100000):
        parsed = py_parser.parse(SourceFile.of("deep.py", text))
        assert parsed.models or parsed.problems


def test_large_file_is_fast() -> None:
    block = textwrap.dedent("""
        @app.get("/item{n}")
        def item{n}():
            return os.environ.get("VAR{n}", "x")
    """)
    text = "import os\nfrom fastapi import FastAPI\napp = FastAPI()\n" + "".join(
        block.format(n=i) for i in range(3000)
    )
    start = time.perf_counter()
    m = read(text)
    assert len(m.routes) == 3000 and len(m.env_reads) == 3000
    assert time.perf_counter() - start < 5.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_text(text: str) -> None:
    parsed = py_parser.parse(SourceFile.of("x.py", text))
    assert parsed.models or parsed.problems


_SNIPPETS = [
    "import os\n",
    "import uvicorn\n",
    "from flask import Flask\n",
    "app = Flask(__name__)\n",
    "app.run(host=H, debug=True)\n",
    "uvicorn.run(app, host=os.getenv('H', '127.0.0.1'), port=P)\n",
    "H = os.environ['H']\n",
    "P = int(os.getenv('P', 8000)) * 2\n",
    "if __name__ == '__main__':\n    pass\n",
    "CORS(app, origins=O, supports_credentials=True)\n",
    "O = [H, '*'] + list(x)\n",
    "DEBUG = not H\n",
    "x = f'{H}:{P}'\n",
    "def f():\n    return app.run()\n",
    "@app.get(P)\ndef g(): ...\n",
    "ALLOWED_HOSTS = [*O]\n",
    "workers = max(P, 1) // 0\n",
    "bind = H or 'x' and P\n",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(_SNIPPETS), max_size=12),
    st.sampled_from(["settings.py", "gunicorn.conf.py", "main.py"]),
)
def test_never_raises_on_plausible_code(parts: list[str], path: str) -> None:
    parsed = py_parser.parse(SourceFile.of(path, "".join(parts)))
    assert parsed.models or parsed.problems


# -- assembled models -------------------------------------------------------------------------


def _mod(text: str, path: str) -> PyModule:
    return read(text, path)


def test_assemble_apps_and_django_inheritance() -> None:
    base = _mod("DEBUG = True\nINSTALLED_APPS = []\nALLOWED_HOSTS = ['*']\n", "web/proj/settings/base.py")
    prod = _mod("from .base import *\nDEBUG = False\n", "web/proj/settings/production.py")
    local = _mod("from .base import *\n", "web/proj/settings/local.py")
    main = _mod(
        "from fastapi import FastAPI\napp = FastAPI()\n@app.post('/x')\ndef x(): ...\n", "api/app/main.py"
    )
    deps = PyDependencies("api/requirements.txt", (Requirement("fastapi", "", Position(1, 1)),))
    manage = _mod("import sys\n", "web/manage.py")
    out = assemble([base, prod, local, main, deps, manage])
    apps = {a.root: a for a in out if isinstance(a, PythonApp)}
    assert set(apps) == {"api", "web"}
    assert apps["api"].requirement("FastAPI") is not None
    assert apps["api"].module("app.main:app") is main
    assert apps["api"].module("app/main.py") is main
    assert [r.path for _, r in apps["api"].routes()] == ["/x"]
    assert apps["api"].frameworks == frozenset({"fastapi"})
    settings_by_path = {s.path: s for s in out if isinstance(s, DjangoSettings)}
    assert set(settings_by_path) == {base.path, prod.path, local.path}
    p = settings_by_path[prod.path]
    assert p.leaf and not p.dev_like and p.bases == (base.path,)
    debug = p.get("DEBUG")
    assert debug is not None and debug[0] == prod.path and debug[1].value is False
    hosts = p.get("ALLOWED_HOSTS")
    assert hosts is not None and hosts[0] == base.path
    assert not settings_by_path[base.path].leaf
    assert settings_by_path[local.path].dev_like


def test_dev_like_and_system_libs() -> None:
    assert dev_like("proj/settings/local.py") and dev_like("run_dev.py") and dev_like("tests/x.py")
    assert dev_like("settings_test.py") and not dev_like("proj/settings/production.py")
    assert not dev_like("app/latest.py")
    psycopg2 = Requirement("psycopg2", "==2.9", Position(1, 1))
    assert needs_system_libs(psycopg2) == ("libpq-dev", "gcc")
    libs = system_libs(psycopg2)
    assert libs is not None and libs.runtime == ("libpq5",) and "binary" in libs.instead
    assert system_libs(Requirement("psycopg2-binary", "", Position(1, 1))) is None
    assert system_libs(Requirement("psycopg", "", Position(1, 1), ("binary",))) is None
    bare = system_libs(Requirement("psycopg", "", Position(1, 1)))
    assert bare is not None and bare.runtime == ("libpq5",) and bare.build == ()
