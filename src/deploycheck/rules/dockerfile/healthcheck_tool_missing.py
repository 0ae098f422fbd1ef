from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.dockerfile import Dockerfile, Form
from deploycheck.rules.dockerfile._common import at, from_line, image_desc, short

_SKIP = {"exec", "command", "timeout", "nice", "env"}


class HealthcheckToolMissing(Rule[Dockerfile]):
    """A HEALTHCHECK runs a tool (curl, wget, python) the final image does not have.

    ## Why
    The health command runs inside the container. `python:*-slim`, `node:*-slim`, `debian`,
    `ubuntu`, distroless and `scratch` images ship without curl (and most without wget), so
    every check fails with `exec: "curl": executable file not found in $PATH` (exec form) or
    `/bin/sh: 1: curl: not found` (shell form), and the container stays `unhealthy` forever:
    Compose dependents with `condition: service_healthy` never start, Swarm restarts it
    (pitfall D11; slskd/slskd#99).

    ## Bad
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    HEALTHCHECK CMD ["curl", "-fsS", "http://localhost:8000/healthz"]
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    ```

    ## Good
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/healthz')"]
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    ```

    ## Fix
    Install the tool in the final stage (`apt-get install -y --no-install-recommends curl`,
    `apk add curl`), or check health with what the image has: a `healthcheck` subcommand of
    your own binary, `python -c "import urllib.request; ..."`, or busybox `wget -qO-` on alpine.
    """

    code = "DC104"
    name = "healthcheck-tool-missing"
    category = Category.HEALTH
    severity = Severity.ERROR
    target = Dockerfile
    fix = "install the tool in the final stage, or use one the image has"

    def check(self, model: Dockerfile, options: NoOptions) -> Iterator[Violation]:
        stage = model.final
        if stage is None:
            return
        hc = stage.healthcheck
        if hc is None or hc.disabled or not hc.argv:
            return
        traits = stage.traits
        if hc.form is Form.SHELL and traits.has_shell is False:
            return  # DC101 reports the missing shell
        words = list(hc.argv)
        while words and (words[0] in _SKIP or "=" in words[0] or words[0].startswith("-")):
            words.pop(0)
        if not words:
            return
        tool = words[0]
        if traits.has_tool(tool) is not False:
            return
        name = tool.rpartition("/")[2]
        if hc.form is Form.EXEC:
            error = f'`exec: "{tool}": executable file not found in $PATH`'
        else:
            error = f"`/bin/sh: 1: {name}: not found`"
        yield Violation(
            f"HEALTHCHECK runs {short(name)}, which {image_desc(stage)} does not have and no "
            f"line of this Dockerfile installs: every check fails with {error}, so the "
            "container stays unhealthy",
            at(model, hc.command_pos),
            (from_line(model, stage),),
            fix=f"install {name} in the final stage, or check health with a tool the image has "
                "(your binary's own health subcommand, python -c, busybox wget on alpine)",
        )
