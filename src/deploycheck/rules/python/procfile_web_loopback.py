from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, TextEdit, Violation
from deploycheck.model.python import Procfile, ProcfileEntry
from deploycheck.rules.python._common import at, where

# The platform (Heroku, Dokku) sets PORT for every dyno; its value is unknown here.
_PLATFORM_ENV = {"PORT": "$PORT"}


class ProcfileWebLoopback(Rule[Procfile]):
    """The Procfile's web process listens on 127.0.0.1: the platform's router cannot reach it.

    ## Why
    Heroku, Dokku and similar platforms route requests to the `web` process on the dyno's
    network interface at `$PORT`. uvicorn, `flask run`, `manage.py runserver`, hypercorn,
    daphne and granian listen on `127.0.0.1` unless told otherwise, so the platform waits and
    gives up: `Error R10 (Boot timeout) -> Web process failed to bind to $PORT within 60 seconds
    of launch` (pitfalls P1, P3). gunicorn is the exception: with `PORT` set and no `-b` it binds
    `0.0.0.0:$PORT` on its own.

    ## Bad
    ```Procfile
    web: uvicorn main:app --port $PORT
    ```

    ## Good
    ```Procfile
    web: uvicorn main:app --host 0.0.0.0 --port $PORT
    ```

    ## Fix
    Pass the host: `--host 0.0.0.0` (uvicorn, flask run, granian), `-b 0.0.0.0:$PORT`
    (gunicorn, hypercorn, daphne), or `runserver 0.0.0.0:$PORT` (better: a production server).
    """

    code = "DC603"
    name = "procfile-web-on-loopback"
    category = Category.BIND
    severity = Severity.ERROR
    target = Procfile
    fix = "add --host 0.0.0.0 (or -b 0.0.0.0:$PORT) to the web command"

    def check(self, model: Procfile, options: NoOptions) -> Iterator[Violation]:
        entry = model.get("web")
        if entry is None:
            return
        server = entry.server(dict(_PLATFORM_ENV))
        if server is None or server.runs_script or not server.loopback_only:
            return
        port = "$PORT" if server.port is None else str(server.port)
        yield Violation(
            f"{where(model.path, entry.command_pos)}: the web process starts {server.kind} listening on "
            f"{server.host}:{port}, the dyno's own loopback, so the "
            "platform's router never reaches it and the release fails with `Error R10 (Boot timeout) -> "
            "Web process failed to bind to $PORT within 60 seconds of launch`",
            at(model.path, entry.command_pos),
            fix=_fix(server.kind),
            edits=_public_host(model.path, entry, server.host, server.host_explicit, server.kind),
        )


def _public_host(path: str, entry: ProcfileEntry, host: str | None, explicit: bool,
                 kind: str) -> tuple[TextEdit, ...]:
    """`127.0.0.1`/`localhost` in the command becomes `0.0.0.0`; a uvicorn command that
    relies on its loopback default gets `--host 0.0.0.0` appended."""
    line, column, text = entry.command_pos.line, entry.command_pos.column, entry.command
    if "\n" in text or host is None:
        return ()
    if not explicit:
        if kind != "uvicorn":
            return ()
        end = column + len(text.rstrip())
        return (TextEdit(path, line, end, line, end, " --host 0.0.0.0"),)
    found = [m for m in re.finditer(rf"(?<![\w.]){re.escape(host)}(?![\w.])", text)]
    if len(found) != 1:
        return ()
    start = column + found[0].start()
    return (TextEdit(path, line, start, line, start + len(host), "0.0.0.0"),)


def _fix(kind: str) -> str:
    if kind in ("gunicorn", "hypercorn", "daphne"):
        return "bind all interfaces: -b 0.0.0.0:$PORT"
    if kind == "runserver":
        return "use a production server (gunicorn -b 0.0.0.0:$PORT project.wsgi), or runserver 0.0.0.0:$PORT"
    return "add --host 0.0.0.0 --port $PORT to the web command"
