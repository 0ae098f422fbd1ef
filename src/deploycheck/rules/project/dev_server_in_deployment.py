from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.links import Deployment
from deploycheck.model.servercmd import ServerCommand
from deploycheck.rules.project._common_image import dev_deployment

_NAMES = {
    "runserver": "Django's development server (`manage.py runserver`)",
    "flask": "Flask's development server (`flask run`)",
    "fastapi": "`fastapi dev`",
}
_FIXES = {
    "runserver": "serve Django with gunicorn: `gunicorn -b 0.0.0.0:8000 project.wsgi`",
    "flask": "serve Flask with gunicorn: `gunicorn -b 0.0.0.0:8000 app:app`",
    "fastapi": "use `fastapi run` (or uvicorn without --reload)",
}
# Servers started from code that are development servers whatever their arguments.
_DEV_RUNS = {"flask": "Flask's development server (`app.run()`)",
             "quart": "Quart's development server (`app.run()`)",
             "dash": "Dash's development server (`app.run()`)"}


class DevServerInDeployment(Rule[Deployment]):
    """The container's command starts a development server (`flask run`, `runserver`, `--reload`).

    ## Why
    Development servers are single-process, print
    `WARNING: This is a development server. Do not use it in a production deployment.` and are
    not built for production traffic, security or robustness (pitfall L4;
    superfly/flyctl#3863). Auto-reload (`uvicorn --reload`, `fastapi dev`) also watches the
    whole tree and restarts on every change: CPU burns while idle and memory grows
    (pitfall R6; samuelcolvin/watchfiles#181). deploycheck reads the command the deployment
    really runs (Dockerfile CMD/ENTRYPOINT, overridden by compose `command` or Kubernetes
    `args`) and leaves out development setups: `Dockerfile.dev`, `docker-compose.dev.yml`,
    override files and services that bind-mount their source.

    ## Bad
    ```Dockerfile
    FROM python:3.12-slim
    ENV PYTHONUNBUFFERED=1
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    CMD ["flask", "--app", "app", "run", "--host", "0.0.0.0"]
    ```

    ```app.py
    from flask import Flask

    app = Flask(__name__)
    ```

    ## Good
    ```Dockerfile
    FROM python:3.12-slim
    ENV PYTHONUNBUFFERED=1
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    ```

    ```app.py
    from flask import Flask

    app = Flask(__name__)
    ```

    ## Fix
    Run a production server: gunicorn (or uwsgi) for WSGI apps, uvicorn/`fastapi run` without
    `--reload` for ASGI apps; keep the dev server for `docker-compose.dev.yml`.
    """

    code = "DC732"
    name = "dev-server-in-deployment"
    category = Category.OBSERVABILITY
    severity = Severity.WARNING
    target = Deployment
    fix = "run a production server (gunicorn, uvicorn without --reload, `fastapi run`)"

    def check(self, model: Deployment, options: NoOptions) -> Iterator[Violation]:
        if model.command_location is None or dev_deployment(model) or _mounts_source(model):
            return
        server = model.server()
        if server is None:
            return
        where = model.command_location
        if server.runs_script:
            yield from self._script(model, server, where)
            return
        if not (server.dev_server or server.reload):
            return
        if server.kind in _NAMES and server.dev_server:
            what, fix = _NAMES[server.kind], _FIXES[server.kind]
        else:
            what, fix = f"{server.kind} with auto-reload (--reload)", "drop --reload from the command"
        if server.dev_server and server.kind in ("flask", "runserver"):
            effect = ("it prints `WARNING: This is a development server. Do not use it in a "
                      "production deployment.` and is not made for production traffic")
        else:
            effect = "it is not made for production traffic"
        if server.reload:
            effect += (", and its reloader watches the file tree and restarts on changes, "
                       "burning CPU while idle")
        yield Violation(
            f"{where.short()}: the container runs {what}: {effect}",
            where,
            fix=fix,
        )

    def _script(self, model: Deployment, server: ServerCommand,
                where: Location) -> Iterator[Violation]:
        app = model.python
        if app is None or not server.app_target:
            return
        module = app.module(server.app_target)
        if module is None:
            return
        for run in module.servers:
            if run.kind in _DEV_RUNS and run.runs_as_script:
                if run.debug:
                    return  # DC614 reports a debugger on a public address, the worse problem
                yield Violation(
                    f"{where.short()}: the container runs `{' '.join(server.argv[:3])}`, which "
                    f"starts {_DEV_RUNS[run.kind]} at {module.path}:{run.pos.line}: it prints "
                    "`WARNING: This is a development server. Do not use it in a production "
                    "deployment.` and serves one request at a time",
                    where,
                    (Related(Location.at(module.path, run.pos), "the development server starts here"),),
                    fix="serve the app with gunicorn (`gunicorn -b 0.0.0.0:8000 app:app`) instead of "
                        "running the module",
                )
                return


def _mounts_source(dep: Deployment) -> bool:
    """A compose service that bind-mounts its build context (or a parent): live code editing."""
    svc = dep.service
    if svc is None:
        return False
    context = dep.context or ""
    for vol in svc.volumes:
        if vol.type != "bind" or (not vol.source_path and vol.source not in (".", "./")):
            continue
        src = vol.source_path or ""
        if src in ("", ".") or context == src or context.startswith(src.rstrip("/") + "/"):
            return True
    return False
