from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.python import PyModule
from deploycheck.model.servercmd import is_loopback, split_hostport
from deploycheck.rules.python._common import at, where


class GunicornBindLoopback(Rule[PyModule]):
    """A gunicorn config file binds 127.0.0.1: the container's published port reaches nothing.

    ## Why
    `bind` in `gunicorn.conf.py` decides where gunicorn listens. With `127.0.0.1:8000` (or
    `localhost`) it accepts connections only from inside the container itself; Docker's port
    publishing and Kubernetes Services arrive on the container's interface. The log says
    `Listening at: http://127.0.0.1:8000` and browsers get `ERR_EMPTY_RESPONSE` or connection
    refused (pitfall P5; ruddra/docker-django#3, the-paperless-project/paperless#564).

    ## Bad
    ```gunicorn.conf.py
    bind = "127.0.0.1:8000"
    workers = 2
    ```

    ## Good
    ```gunicorn.conf.py
    bind = "0.0.0.0:8000"
    workers = 2
    ```

    ## Fix
    Bind every interface: `bind = "0.0.0.0:8000"` (or `"[::]:8000"` for dual-stack). Keep
    loopback only behind a reverse proxy in the same container or network namespace.
    """

    code = "DC602"
    name = "gunicorn-config-bind-loopback"
    category = Category.BIND
    severity = Severity.ERROR
    target = PyModule
    fix = 'set bind = "0.0.0.0:8000" in the gunicorn config'

    def check(self, model: PyModule, options: NoOptions) -> Iterator[Violation]:
        config = model.gunicorn
        if config is None:
            return
        setting = config.get("bind")
        binds = config.binds()
        if setting is None or binds is None or not binds or not setting.literal or setting.conditional:
            return
        hosts = [split_hostport(b, 8000)[0] for b in binds]
        if not all(h is not None and is_loopback(h) for h in hosts):
            return
        shown = ", ".join(binds)
        yield Violation(
            f"{where(model.path, setting.pos)}: gunicorn binds {shown}, the container's own loopback; "
            f"the log shows `Listening at: http://{binds[0]}` and connections through the published "
            "port or a Service are refused or reset",
            at(model.path, setting.pos),
        )
