# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
"""Log signatures of Python web apps: imports, servers (gunicorn, uvicorn, Flask, Django),
settings, packaging (LG030-LG059)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from deploycheck.rules.logs._base import Category, Severity, rule_classes, sig, unless_near

C, S = Category, Severity
_LOOP = r"(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)"
_ENVIRON_FRAME = re.compile(r"raise KeyError\(key\) from None|environ\[|getenv\(")


def _environ_key_error(before: Sequence[str], line: str, after: Sequence[str],
                       groups: Mapping[str, str]) -> Mapping[str, str] | None:
    """`KeyError: 'X'` counts only when raised by `os.environ[...]` (its frame is just above)."""
    if "var" in groups and line.lstrip().startswith("KeyError"):
        return {} if any(_ENVIRON_FRAME.search(text) for text in before) else None
    if groups.get("pydantic"):
        name = before[-1].strip() if before else ""
        return {"var": name.upper()} if re.fullmatch(r"[A-Za-z_][\w.]*", name) else None
    return {}


SIGNATURES = (
    sig("LG030", "python-module-not-found", C.BUILD, S.ERROR,
        "A Python module is missing from the image (not installed, or not on the path).",
        pattern=r"ModuleNotFoundError: No module named '(?P<module>[\w.]+)'",
        keywords=['ModuleNotFoundError: No module named'],
        key="module",
        message="Python cannot import `{module}`: the package is not installed in the image's "
                "interpreter, or the app's folder is not on the import path",
        why="""The requirement is missing from `requirements.txt` (installed locally only), the
            dependencies went into a virtualenv or `--user` site of the build stage that the
            final stage does not copy, or the code lives outside the working directory:
            `ModuleNotFoundError: No module named 'flask'`.""",
        fix="""add the package to the requirements the Dockerfile installs; copy the virtualenv
            (or site-packages) from the build stage with the same Python version; set WORKDIR
            or PYTHONPATH to the app's folder for the app's own modules""",
        bad=["Traceback (most recent call last):",
             '  File "/app/main.py", line 3, in <module>',
             "    from flask import Flask",
             "ModuleNotFoundError: No module named 'flask'"],
        good=["Successfully installed Flask-3.0.2 Werkzeug-3.0.1",
              "ImportError: cannot import name 'soft_unicode' from 'markupsafe'"]),

    sig("LG031", "python-shared-library-missing", C.BUILD, S.ERROR,
        "A Python extension cannot load a system library the slim image lacks.",
        pattern=r"(?:ImportError|OSError): (?:[^:]*: )?(?P<lib>lib[\w.+-]*\.so[\w.]*): "
                r"cannot open shared object file",
        keywords=['cannot open shared object file'],
        key="lib",
        message="a Python extension needs the system library `{lib}`, which the image does not "
                "have",
        why="""Wheels built from source (psycopg2, mysqlclient, lxml) link against system
            libraries; a slim or alpine runtime stage without them fails at import:
            `ImportError: libpq.so.5: cannot open shared object file: No such file or directory`
            (pitfall D9; psycopg/psycopg2#1368).""",
        fix="""install the runtime library in the final stage (`apt-get install libpq5`,
            `apk add libpq`), or use a self-contained wheel (`psycopg[binary]`,
            `psycopg2-binary`)""",
        bad=['  File "/usr/local/lib/python3.12/site-packages/psycopg2/__init__.py", line 51, in <module>',
             "    from psycopg2._psycopg import (                     # noqa",
             "ImportError: libpq.so.5: cannot open shared object file: No such file or directory"],
        good=["ImportError: cannot import name 'AsyncConnection' from 'psycopg'"]),

    sig("LG032", "gunicorn-worker-timeout", C.RESOURCES, S.WARNING,
        "gunicorn killed a worker that did not answer its heartbeat in time.",
        pattern=r"\[CRITICAL\] WORKER TIMEOUT \(pid:(?P<pid>\d+)\)",
        keywords=['WORKER TIMEOUT'],
        message="gunicorn killed a worker that was silent for longer than `--timeout`: a slow "
                "request, a CPU-starved container, or the heartbeat file on a slow disk",
        why="""The arbiter kills a worker whose heartbeat file was not touched within `--timeout`
            (30 s). In containers the heartbeat lives in `/tmp` on overlayfs, which can stall; too
            many workers for the CPU limit starve each other: `[CRITICAL] WORKER TIMEOUT
            (pid:13)` (pitfalls R4, R5; babybuddy/babybuddy#227, benoitc/gunicorn#1194).""",
        fix="""run with `--worker-tmp-dir /dev/shm`, size `--workers` from the CPU limit (not the
            host's cores), use threads or an async worker for slow I/O, or raise `--timeout` for
            known slow endpoints""",
        bad=["[2024-03-02 10:15:31 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:13)",
             "[2024-03-02 10:15:31 +0000] [13] [INFO] Worker exiting (pid: 13)"],
        good=["[2024-03-02 10:15:01 +0000] [13] [INFO] Booting worker with pid: 13"]),

    sig("LG033", "gunicorn-worker-killed", C.RESOURCES, S.ERROR,
        "A gunicorn worker was SIGKILLed, most often by the OOM killer.",
        pattern=r"Worker \(pid:(?P<pid>\d+)\) was sent SIGKILL! Perhaps out of memory\?",
        keywords=['was sent SIGKILL'],
        message="a gunicorn worker was killed with SIGKILL: the container hit its memory limit "
                "(too many workers, or a leak)",
        why="""gunicorn sizes workers from its settings, not from the container's memory; the
            usual `2 * cores + 1` uses the *host's* cores, so 17 workers share a 512 MB limit and
            the kernel kills them: `[ERROR] Worker (pid:7) was sent SIGKILL! Perhaps out of
            memory?` (pitfalls R4, R3; benoitc/gunicorn#2028).""",
        fix="""set `--workers` (or WEB_CONCURRENCY) from the container's limits, raise the memory
            limit, and use `--max-requests` to recycle leaking workers""",
        bad=["[2024-03-02 10:15:31 +0000] [1] [ERROR] Worker (pid:7) was sent SIGKILL! Perhaps out of memory?"],
        good=["[2024-03-02 10:15:31 +0000] [1] [INFO] Handling signal: term"]),

    sig("LG034", "gunicorn-listening-on-loopback", C.BIND, S.ERROR,
        "gunicorn listens on 127.0.0.1: the published port reaches nothing.",
        pattern=r"Listening at: https?://(?P<addr>" + _LOOP + r":\d+)",
        keywords=['Listening at: http'],
        message="gunicorn listens on {addr}, the container's loopback only; traffic through a "
                "published port or a Service never reaches it",
        why="""gunicorn's default bind is `127.0.0.1:8000`. In a container that address is
            reachable only from inside; the browser gets `ERR_EMPTY_RESPONSE` or a reset:
            `Listening at: http://127.0.0.1:8000 (1)` (pitfall P5; ruddra/docker-django#3).""",
        fix="""bind to all interfaces: `gunicorn -b 0.0.0.0:8000 app:app` (or `bind =
            "0.0.0.0:8000"` in gunicorn.conf.py)""",
        bad=["[2024-03-02 10:15:01 +0000] [1] [INFO] Listening at: http://127.0.0.1:8000 (1)"],
        good=["[2024-03-02 10:15:01 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)"]),

    sig("LG035", "uvicorn-listening-on-loopback", C.BIND, S.ERROR,
        "uvicorn listens on 127.0.0.1: the published port reaches nothing.",
        pattern=r"Uvicorn running on https?://(?P<addr>" + _LOOP + r":\d+)",
        keywords=['Uvicorn running on http'],
        message="uvicorn listens on {addr}, the container's loopback only; traffic through a "
                "published port or a Service never reaches it",
        why="""uvicorn's default `--host` is 127.0.0.1 (and `uvicorn.run(app)` keeps it), so in a
            container `Uvicorn running on http://127.0.0.1:8000` means nothing outside can connect:
            the host sees "connection reset" (pitfalls P1, P2; Kludex/uvicorn#736,
            fastapi/fastapi#655).""",
        fix="""pass `--host 0.0.0.0` (or `host="0.0.0.0"` to `uvicorn.run`)""",
        bad=["INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)"],
        good=["INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)"]),

    sig("LG036", "dev-server-listening-on-loopback", C.BIND, S.ERROR,
        "Flask's (or Hypercorn's) server listens on 127.0.0.1 only.",
        pattern=r"Running on https?://(?P<addr>" + _LOOP + r":\d+)",
        keywords=['Running on http'],
        before=3, after=3, refine=unless_near(r"Running on all addresses|Running on https?://"
                                              r"(?!127\.|localhost|\[::1\])"),
        message="the server listens on {addr} only, the container's loopback; traffic through a "
                "published port or a Service never reaches it",
        why="""`app.run()` and `flask run` default to 127.0.0.1 (Hypercorn too). Bound to all
            interfaces, Flask prints `Running on all addresses (0.0.0.0)` followed by one line per
            address; bound to loopback, only `Running on http://127.0.0.1:5000` (pitfall P3;
            docker/for-win#6839).""",
        fix="""run `flask run --host 0.0.0.0` (or `FLASK_RUN_HOST=0.0.0.0`, `app.run(host="0.0.0.0")`);
            better, serve with gunicorn `-b 0.0.0.0:5000`""",
        bad=[" * Serving Flask app 'app'",
             " * Debug mode: off",
             " * Running on http://127.0.0.1:5000"],
        good=[" * Running on all addresses (0.0.0.0)",
              " * Running on http://127.0.0.1:5000",
              " * Running on http://172.17.0.2:5000"]),

    sig("LG037", "django-runserver-on-loopback", C.BIND, S.ERROR,
        "Django's runserver listens on 127.0.0.1 only.",
        pattern=r"Starting (?:development|ASGI/Daphne [\w.]+ development) server at https?://(?P<addr>"
                + _LOOP + r":\d+)/?",
        keywords=['development server at http'],
        message="Django's development server listens on {addr} only, the container's loopback",
        why="""`manage.py runserver` without an address binds 127.0.0.1:8000: `Starting development
            server at http://127.0.0.1:8000/`, unreachable through a published port (pitfall P3
            family; and runserver is not a production server, LG038).""",
        fix="""serve with gunicorn/uvicorn bound to `0.0.0.0`; for development,
            `runserver 0.0.0.0:8000`""",
        bad=["Starting development server at http://127.0.0.1:8000/",
             "Quit the server with CONTROL-C."],
        good=["Starting development server at http://0.0.0.0:8000/"]),

    sig("LG038", "dev-server-in-production", C.CONFIG, S.WARNING,
        "A development server (Flask, Django runserver) serves the deployed app.",
        pattern=r"This is a development server\. Do not use it in a production",
        keywords=['This is a development server'],
        message="the app runs on a development server: single process, no worker management, not "
                "hardened; its own warning says not to deploy it",
        why="""`CMD ["python", "app.py"]`, `flask run` and `manage.py runserver` start the
            framework's development server, which warns: `WARNING: This is a development server.
            Do not use it in a production deployment. Use a production WSGI server instead.`
            (pitfall L4; superfly/flyctl#3863).""",
        fix="""serve with gunicorn (`gunicorn -b 0.0.0.0:8000 app:app`), uvicorn or uwsgi""",
        bad=["WARNING: This is a development server. Do not use it in a production deployment. "
             "Use a production WSGI server instead."],
        good=["[2024-03-02 10:15:01 +0000] [1] [INFO] Starting gunicorn 21.2.0"]),

    sig("LG039", "django-disallowed-host", C.CONFIG, S.ERROR,
        "Django rejects requests whose Host header is not in ALLOWED_HOSTS.",
        pattern=r"Invalid HTTP_HOST header: '(?P<host>[^']*)'",
        keywords=['Invalid HTTP_HOST header'],
        message="Django answers 400 to requests for host `{host}`, which ALLOWED_HOSTS does not "
                "list (probes by pod IP, the proxy's upstream name, the public name)",
        why="""Django checks the Host header against `ALLOWED_HOSTS`. Kubernetes probes use the pod
            IP, nginx forwards its upstream name unless it sets `proxy_set_header Host $host`:
            `Invalid HTTP_HOST header: '10.42.8.201:8000'. You may need to add '10.42.8.201' to
            ALLOWED_HOSTS.` and readiness never passes (pitfall L5;
            paperless-ngx/paperless-ngx#3214).""",
        fix="""add the public names to ALLOWED_HOSTS, make the proxy forward `Host`, and give
            probes an `httpHeaders: [{name: Host, value: <allowed name>}]` (or exempt the health
            path)""",
        bad=["Invalid HTTP_HOST header: '10.42.8.201:8000'. You may need to add '10.42.8.201' to ALLOWED_HOSTS.",
             "Bad Request: /healthz"],
        good=['"GET /healthz HTTP/1.1" 200 2']),

    sig("LG040", "django-csrf-origin-failed", C.CORS, S.ERROR,
        "Django 4+ rejects POSTs whose Origin is not a trusted origin.",
        pattern=r"Origin checking failed - (?P<origin>\S+) does not match any trusted origins"
                r"|CSRF verification failed\. Request aborted",
        keywords=['Origin checking failed', 'CSRF verification failed'],
        message="Django refused a form POST with 403: the request's Origin is not in "
                "CSRF_TRUSTED_ORIGINS (behind a TLS proxy, scheme and host differ from what "
                "Django sees)",
        why="""Django 4 compares the Origin header with `CSRF_TRUSTED_ORIGINS` (scheme included);
            behind nginx or Traefik the browser's `https://app.example.com` does not match:
            `Forbidden (Origin checking failed - https://app.example.com does not match any
            trusted origins.): /accounts/login/` (pitfall C8; wger-project/wger#1203).""",
        fix="""set `CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]` and
            `SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")` with the proxy sending
            `X-Forwarded-Proto`""",
        bad=["Forbidden (Origin checking failed - https://app.example.com does not match any "
             "trusted origins.): /accounts/login/"],
        good=['"POST /accounts/login/ HTTP/1.1" 302 0']),

    sig("LG041", "python-required-env-missing", C.CONFIG, S.ERROR,
        "The Python app reads an environment variable the container does not set.",
        pattern=r"^KeyError: '(?P<var>[A-Za-z_][A-Za-z0-9_]*)'"
                r"|UndefinedValueError: (?P<var__2>\w+) not found\. Declare it as envvar"
                r"|ImproperlyConfigured: Set the (?P<var__3>\w+) environment variable"
                r"|^\s*(?P<pydantic>Field required) \[type=missing",
        keywords=["KeyError: '", 'UndefinedValueError', 'ImproperlyConfigured: Set the', 'Field required [type=missing'],
        key="var", before=3, refine=_environ_key_error,
        message="the app requires the environment variable {var}, which the container does not "
                "set, and crashes at start",
        why="""`os.environ["SECRET_KEY"]`, python-decouple's `config("SECRET_KEY")`, django-environ
            and pydantic settings fail fast when a variable is missing: `KeyError: 'SECRET_KEY'`
            (raised from `os.py`), `UndefinedValueError: SECRET_KEY not found`, `Field required
            [type=missing]`. The `.env` of the developer's machine is not in the image, or compose
            passes `${SECRET_KEY}` from an empty shell (pitfall O10; anitab-org/portal#370).""",
        fix="""set the variable for the container (compose `environment:`/`env_file:`, a
            Kubernetes Secret via `env`); in compose use `${VAR:?VAR is required}` so a missing
            value stops `docker compose up` with a clear message""",
        bad=["Traceback (most recent call last):",
             '  File "/app/settings.py", line 12, in <module>',
             '    SECRET_KEY = os.environ["SECRET_KEY"]',
             '  File "<frozen os>", line 679, in __getitem__',
             "KeyError: 'SECRET_KEY'"],
        good=["Traceback (most recent call last):",
              '  File "/app/cart.py", line 40, in total',
              '    price = prices["sku-42"]',
              "KeyError: 'sku_42'"]),

    sig("LG042", "uvicorn-app-import-failed", C.CONFIG, S.ERROR,
        "uvicorn cannot import the ASGI app named on its command line.",
        pattern=r"Error loading ASGI app\. (?:Could not import module \"(?P<module>[^\"]+)\""
                r"|Attribute \"(?P<attr>[^\"]+)\" not found in module \"(?P<module__2>[^\"]+)\")",
        keywords=['Error loading ASGI app'],
        message="uvicorn could not load the app `{module}` named on its command line (wrong module "
                "path, or WORKDIR is not the app's folder)",
        why="""`uvicorn main:app` imports `main` relative to the working directory; with the code
            in `/app/src` and WORKDIR `/app`, or a typo in the attribute: `ERROR: Error loading
            ASGI app. Could not import module "main".`""",
        fix="""run uvicorn from the folder holding the module (WORKDIR), use the dotted path
            (`src.main:app`) or `--app-dir src`""",
        bad=['ERROR:    Error loading ASGI app. Could not import module "main".'],
        good=["INFO:     Application startup complete."]),

    sig("LG043", "gunicorn-app-not-found", C.CONFIG, S.ERROR,
        "gunicorn cannot find the WSGI application object it was given.",
        pattern=r"Failed to find (?:attribute|application object) '(?P<attr>[^']+)' in '(?P<module>[^']+)'",
        keywords=['Failed to find attribute', 'Failed to find application object'],
        message="gunicorn imported `{module}` but found no `{attr}` in it",
        why="""`gunicorn app:application` when the module defines `app`, or an app created only
            inside `if __name__ == "__main__"`/a factory: `Failed to find attribute 'app' in
            'main'.` and the worker fails to boot.""",
        fix="""name the module-level WSGI object (`module:app`), or call a factory:
            `gunicorn "app:create_app()"`""",
        bad=["[2024-03-02 10:15:01 +0000] [7] [ERROR] Failed to find attribute 'app' in 'main'."],
        good=["[2024-03-02 10:15:01 +0000] [7] [INFO] Booting worker with pid: 7"]),

    sig("LG044", "python-script-not-found", C.BUILD, S.ERROR,
        "The command names a Python file that is not in the image.",
        pattern=r"can't open file '(?P<file>[^']+)': \[Errno 2\] No such file or directory",
        keywords=["can't open file"],
        message="Python cannot open `{file}`: the file was not copied into the image, or "
                "WORKDIR differs from where the command expects it",
        why="""`CMD ["python", "main.py"]` runs relative to WORKDIR; a `COPY src/ .` that moved the
            file, a missing `COPY`, or a `.dockerignore` entry gives `python: can't open file
            '/app/main.py': [Errno 2] No such file or directory` (pitfall D8 family).""",
        fix="""copy the file to where the command looks (check WORKDIR and the COPY
            destinations), or name its real path in CMD""",
        bad=["python: can't open file '/app/main.py': [Errno 2] No such file or directory"],
        good=["python: running /app/main.py"]),

    sig("LG045", "pip-externally-managed", C.BUILD, S.ERROR,
        "pip refuses to install into Debian's system Python (PEP 668).",
        pattern=r"error: externally-managed-environment",
        keywords=['externally-managed-environment'],
        message="pip refused to install into the system Python of a Debian 12 (or Ubuntu 23.04+) "
                "image",
        why="""Debian bookworm marks its Python as externally managed, so `RUN pip install -r
            requirements.txt` on `debian:bookworm` or `ubuntu:24.04` stops with `error:
            externally-managed-environment` (PEP 668).""",
        fix="""install into a virtualenv (`python3 -m venv /venv && /venv/bin/pip install ...`,
            with `PATH=/venv/bin:$PATH`), or start from the `python:` images""",
        bad=["#7 1.234 error: externally-managed-environment"],
        good=["#7 1.234 Successfully installed gunicorn-21.2.0"]),

    sig("LG046", "pip-pg-config-missing", C.BUILD, S.ERROR,
        "psycopg2 is built from source on an image without libpq headers.",
        pattern=r"pg_config executable not found",
        keywords=['pg_config executable not found'],
        message="pip is building psycopg2 from source, and the image has no libpq development "
                "files or compiler",
        why="""`psycopg2` (not `-binary`) compiles against libpq; `python:*-slim` and alpine have
            neither the headers nor gcc: `Error: pg_config executable not found.` (pitfall D9;
            psycopg/psycopg2#1368).""",
        fix="""use `psycopg[binary]` or `psycopg2-binary`, or install `libpq-dev gcc` in a build
            stage and `libpq5` in the runtime stage""",
        bad=["#9 5.611       Error: pg_config executable not found."],
        good=["#9 5.611 Successfully installed psycopg2-binary-2.9.9"]),

    sig("LG047", "uwsgi-no-app", C.CONFIG, S.ERROR,
        "uWSGI started but loaded no Python application.",
        pattern=r"no python application found, check your startup logs for errors",
        keywords=['no python application found'],
        message="uWSGI runs without an application (an import error earlier in the log, or a "
                "wrong `module=`/`chdir=`), so every request gets 500",
        why="""uWSGI keeps running when the app fails to import and answers every request with
            `Internal Server Error`, logging `--- no python application found, check your startup
            logs for errors ---`.""",
        fix="""read the import error above this line; check `module`, `chdir` and the virtualenv
            in the uWSGI configuration""",
        bad=["--- no python application found, check your startup logs for errors ---"],
        good=["WSGI app 0 (mountpoint='') ready in 1 seconds on interpreter 0x55d3 pid: 1 (default app)"]),
)

globals().update(rule_classes(SIGNATURES, __name__))
