from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.project import Project
from deploycheck.model.python import PyModule
from deploycheck.rules.python._common import addr, at, started_by_server_command, where

_LOG_LINE = {
    "uvicorn": "Uvicorn running on http://{a}",
    "flask": "* Running on http://{a}",
    "quart": "Running on http://{a}",
    "socketio": "* Running on http://{a}",
    "dash": "Dash is running on http://{a}/",
    "sanic": "Goin' Fast @ http://{a}",
}


class ServerOnLoopback(Rule[Project]):
    """A server started from code listens on 127.0.0.1: run in a container, nothing outside reaches it.

    ## Why
    `uvicorn.run(app)` and Flask's `app.run()` listen on `127.0.0.1` unless given a host. In a
    container, loopback is the container's own: Docker's port publishing and a Kubernetes Service
    deliver traffic to the container's network interface, where nothing listens. The log says
    `Uvicorn running on http://127.0.0.1:8000` (or ` * Running on http://127.0.0.1:5000`) and
    the client gets "connection reset" or "empty reply" (pitfalls P2, P3; fastapi/fastapi#655,
    docker/for-win#6839). Only calls that run when the module is executed as a script
    (`python main.py`) are reported: under `if __name__ == "__main__":`, at module level, or in a
    function the main block calls.

    ## Bad
    ```main.py
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    if __name__ == "__main__":
        uvicorn.run(app, port=8000)
    ```

    ## Good
    ```main.py
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    if __name__ == "__main__":
        uvicorn.run(app, host="0.0.0.0", port=8000)
    ```

    ## Fix
    Pass `host="0.0.0.0"` (or read it from the environment with that default), or start the
    app with a server command line that binds all interfaces (`uvicorn main:app --host 0.0.0.0`,
    `gunicorn -b 0.0.0.0:8000 app:app`).
    """

    code = "DC601"
    name = "python-server-on-loopback"
    category = Category.BIND
    severity = Severity.ERROR
    target = Project
    fix = 'pass host="0.0.0.0" so the server listens on the container\'s network interface'

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        dev_only = started_by_server_command(model)
        for module in model.of(PyModule):
            if module.path not in dev_only:
                yield from self._module(module)

    def _module(self, model: PyModule) -> Iterator[Violation]:
        for run in model.servers:
            # A host read from the environment is the deployment's to set: cross-file rules decide.
            if not run.runs_as_script or not run.loopback or run.host_env:
                continue
            pos = run.host_pos if run.host_explicit and run.host_pos else run.pos
            listen = addr(run.host, run.port)
            call = "uvicorn.run()" if run.kind == "uvicorn" else f"{run.app}.run()"
            how = f'gets host="{run.host}"' if run.host_explicit else "gets no host"
            default = "" if run.host_explicit else " (its default)"
            log = _LOG_LINE.get(run.kind, "").format(a=listen)
            yield Violation(
                f"{where(model.path, pos)}: {call} {how}, so when this module runs as a script the server "
                f"listens on {listen}{default}: the container's own loopback, which the published port "
                "or Service never reaches"
                + (f" (the log shows `{log}`)" if log else ""),
                at(model.path, pos),
                fix=f'pass host="0.0.0.0" to {call} so it listens on every interface of the container',
                # unsafe: outside a container this exposes the server (and a debugger) to the network
                edits=(run.bind_all,) if run.bind_all else (),
                safe_fix=False,
            )
