from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.python import PyModule
from deploycheck.rules.python._common import addr, at, where


class FlaskDebuggerExposed(Rule[PyModule]):
    """Flask's dev server runs with `debug=True` on a public address: its debugger runs anyone's code.

    ## Why
    `app.run(debug=True)` enables the Werkzeug debugger: any error page offers an interactive
    Python console. Bound to `0.0.0.0` in a container, that console is on the network; its PIN
    is derived from machine facts an attacker can often read or guess, and it runs arbitrary
    code as the app's user. The dev server also logs `WARNING: This is a development server. Do
    not use it in a production deployment.` (pitfall L4; superfly/flyctl#3863). On `127.0.0.1`
    nothing outside can reach it (DC601 reports that instead).

    ## Bad
    ```app.py
    from flask import Flask

    app = Flask(__name__)

    if __name__ == "__main__":
        app.run(host="0.0.0.0", port=5000, debug=True)
    ```

    ## Good
    ```app.py
    import os

    from flask import Flask

    app = Flask(__name__)

    if __name__ == "__main__":
        app.run(host="0.0.0.0", port=5000, debug=os.environ.get("FLASK_DEBUG") == "1")
    ```

    ## Fix
    Never enable debug outside development; serve production traffic with gunicorn or waitress
    (`gunicorn -b 0.0.0.0:5000 app:app`).
    """

    code = "DC614"
    name = "flask-debugger-exposed"
    category = Category.SECURITY
    severity = Severity.ERROR
    target = PyModule
    fix = "drop debug=True and serve the app with gunicorn (gunicorn -b 0.0.0.0:5000 app:app)"

    def check(self, model: PyModule, options: NoOptions) -> Iterator[Violation]:
        for run in model.servers:
            if run.kind not in ("flask", "quart", "socketio", "dash") or run.debug is not True:
                continue
            if run.host is None or run.loopback or not run.runs_as_script:
                continue
            pos = run.debug_pos or run.pos
            default = f" (the default when {run.debug_env} is unset)" if run.debug_env else ""
            related: tuple[Related, ...] = ()
            if run.host_pos is not None:
                related = (Related(at(model.path, run.host_pos), f"listens on {run.host}"),)
            yield Violation(
                f"{where(model.path, pos)}: the development server runs with debug=True{default} on "
                f"{addr(run.host, run.port)}; the Werkzeug debugger's console on error pages lets anyone "
                "who reaches the port run code in the container",
                at(model.path, pos),
                related,
            )
