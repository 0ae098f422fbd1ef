from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.python import PyModule, dev_like
from deploycheck.rules.python._common import at, where


class LogsToFile(Rule[PyModule]):
    """The app logs to a file inside the container instead of stdout/stderr.

    ## Why
    `docker logs`, `kubectl logs` and every log collector read the container's stdout and
    stderr. A `logging.FileHandler`, `basicConfig(filename=...)`, a `LOGGING` handler with a
    `filename`, loguru's `logger.add("app.log")` or gunicorn's `accesslog = "/var/log/..."`
    write somewhere nobody looks: the logs are empty, the container's writable layer grows until
    the disk fills, and everything is lost when the container is replaced (pitfall L2;
    docker/for-linux#280, moby/moby#27052). Development and test modules are not reported.

    ## Bad
    ```app.py
    import logging

    logging.basicConfig(filename="/var/log/app.log", level=logging.INFO)
    ```

    ## Good
    ```app.py
    import logging
    import sys

    logging.basicConfig(stream=sys.stdout, level=logging.INFO)
    ```

    ## Fix
    Log to stdout/stderr (`logging.StreamHandler(sys.stdout)`, `accesslog = "-"`); if a file is
    required, write it to a mounted volume or link it to `/dev/stdout` as the nginx image does.
    """

    code = "DC611"
    name = "python-logs-to-file"
    category = Category.OBSERVABILITY
    severity = Severity.WARNING
    target = PyModule
    fix = 'log to stdout/stderr (logging.StreamHandler(sys.stdout), gunicorn accesslog = "-")'

    def check(self, model: PyModule, options: NoOptions) -> Iterator[Violation]:
        if dev_like(model.path):
            return
        for log in model.log_files:
            target = f"`{log.path}`" if log.path else "a file"
            yield Violation(
                f"{where(model.path, log.pos)}: {log.how} writes logs to {target} inside the container; "
                "`docker logs`/`kubectl logs` stay empty, the file grows in the container's writable layer "
                "and is lost when the container is replaced",
                at(model.path, log.pos),
            )
