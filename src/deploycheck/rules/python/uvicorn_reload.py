from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.project import Project
from deploycheck.model.python import PyModule, dev_like
from deploycheck.rules.python._common import at, started_by_server_command, where


class UvicornReload(Rule[Project]):
    """A server started from code (or a gunicorn config) has auto-reload on.

    ## Why
    `uvicorn.run(..., reload=True)` and gunicorn's `reload = True` start a file watcher that
    restarts the app on every change. In a container nothing should change; the watcher still
    scans the whole tree (and any mounted volume), keeping a CPU busy and memory growing while
    idle, and uvicorn ignores `workers` when reloading (pitfall R6; samuelcolvin/watchfiles#181,
    Kludex/uvicorn#338). Only calls that run when the module is executed as a script are
    reported; modules named for development (`run_dev.py`) are not.

    ## Bad
    ```main.py
    import uvicorn

    if __name__ == "__main__":
        uvicorn.run("main:app", host="0.0.0.0", port=8000, reload=True)
    ```

    ## Good
    ```main.py
    import os

    import uvicorn

    if __name__ == "__main__":
        uvicorn.run("main:app", host="0.0.0.0", port=8000, reload=os.environ.get("RELOAD") == "1")
    ```

    ## Fix
    Turn reloading off outside development (derive it from an environment variable that
    defaults to off), and scope it with `reload_dirs` when you use it.
    """

    code = "DC613"
    name = "python-server-reload"
    category = Category.RESOURCES
    severity = Severity.WARNING
    target = Project
    fix = 'drop reload=True, or set it from an environment variable that defaults to off'

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        dev_only = started_by_server_command(model)
        for module in model.of(PyModule):
            if module.path not in dev_only:
                yield from self._module(module)

    def _module(self, model: PyModule) -> Iterator[Violation]:
        if dev_like(model.path):
            return
        for run in model.servers:
            if run.kind != "uvicorn" or run.reload is not True or not run.runs_as_script:
                continue
            pos = run.reload_pos or run.pos
            yield Violation(
                f"{where(model.path, pos)}: uvicorn.run(reload=True) watches the file tree and restarts the "
                "app on changes; in a container it burns CPU while idle and runs a single worker",
                at(model.path, pos),
            )
        if model.gunicorn is not None:
            setting = model.gunicorn.get("reload")
            if setting is not None and setting.value is True and setting.literal and not setting.conditional:
                yield Violation(
                    f"{where(model.path, setting.pos)}: gunicorn reload = True restarts workers on file "
                    "changes and polls the code tree; in a container it only costs CPU",
                    at(model.path, setting.pos),
                    fix="remove reload = True from the production gunicorn config",
                )
