from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.python import Procfile
from deploycheck.rules.python._common import at, where

_NAMES = {
    "runserver": "Django's development server (`manage.py runserver`)",
    "flask": "Flask's development server (`flask run`)",
    "fastapi": "`fastapi dev`",
}
_FIXES = {
    "runserver": "serve Django with gunicorn: gunicorn -b 0.0.0.0:$PORT project.wsgi",
    "flask": "serve Flask with gunicorn: gunicorn -b 0.0.0.0:$PORT app:app",
    "fastapi": "use `fastapi run` (or uvicorn without --reload)",
}


class ProcfileDevServer(Rule[Procfile]):
    """A Procfile process runs a development server or auto-reload (`--reload`, `runserver`, `flask run`).

    ## Why
    `--reload` starts a file watcher that polls the whole tree and restarts the app on changes,
    costing CPU and memory while idle and running a single worker (pitfall R6). `manage.py
    runserver`, `flask run` and `fastapi dev` are development servers: single-process,
    unhardened, with the reloader on, and they say so: `WARNING: This is a development server.
    Do not use it in a production deployment.` (pitfall L4).

    ## Bad
    ```Procfile
    web: uvicorn main:app --host 0.0.0.0 --port $PORT --reload
    ```

    ## Good
    ```Procfile
    web: uvicorn main:app --host 0.0.0.0 --port $PORT
    ```

    ## Fix
    Drop `--reload`; serve Django and Flask with gunicorn (`gunicorn -b 0.0.0.0:$PORT
    project.wsgi`), FastAPI with `fastapi run` or uvicorn without `--reload`.
    """

    code = "DC615"
    name = "procfile-dev-server"
    category = Category.RESOURCES
    severity = Severity.WARNING
    target = Procfile
    fix = "drop --reload and use a production server (gunicorn, uvicorn without --reload, fastapi run)"

    def check(self, model: Procfile, options: NoOptions) -> Iterator[Violation]:
        for entry in model.entries:
            server = entry.server({"PORT": "$PORT"})
            if server is None or not (server.dev_server or server.reload):
                continue
            if server.kind in _NAMES and server.dev_server:
                what = _NAMES[server.kind]
                fix = _FIXES[server.kind]
            else:
                what = f"{server.kind} with auto-reload"
                fix = "drop --reload from the command"
            yield Violation(
                f"{where(model.path, entry.command_pos)}: the {entry.process} process runs {what}; it "
                "watches the file tree and restarts on changes, wasting CPU while idle, and is not meant for "
                "production traffic",
                at(model.path, entry.command_pos),
                fix=fix,
            )
