from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.dockerfile import split_commands
from deploycheck.model.links import Deployment
from deploycheck.rules.project._common_image import from_related

# Words that run the next word as the command.
_SKIP = frozenset({"exec", "timeout", "nice", "env", "command", "!"})


class ComposeHealthcheckToolMissing(Rule[Deployment]):
    """A compose healthcheck runs a tool (curl, wget, a shell) that the service's image lacks.

    ## Why
    A compose `healthcheck` runs inside the service's container. When the image is built FROM a
    slim, distroless or scratch base, `curl` (and often `wget`, or `/bin/sh` for `CMD-SHELL`) is
    not there: every check fails with `exec: "curl": executable file not found in $PATH` or
    `/bin/sh: 1: curl: not found`, the service stays `unhealthy`, and services that
    `depends_on` it with `condition: service_healthy` never start (pitfall D11;
    slskd/slskd#99, opf/openproject-docker-compose#150).

    ## Bad
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    ```

    ```compose.yaml
    services:
      web:
        build: .
        healthcheck:
          test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
    ```

    ## Good
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    ```

    ```compose.yaml
    services:
      web:
        build: .
        healthcheck:
          test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]
    ```

    ## Fix
    Check with something the image has (`python -c ...` on Python images, busybox `wget` on
    alpine, the app binary's own health subcommand on distroless), or install the tool in the
    final stage of the Dockerfile.
    """

    code = "DC725"
    name = "compose-healthcheck-tool-missing"
    category = Category.HEALTH
    severity = Severity.ERROR
    target = Deployment
    fix = "use a tool the image has for the healthcheck, or install it in the Dockerfile's final stage"

    def check(self, model: Deployment, options: NoOptions) -> Iterator[Violation]:
        svc, stage, df = model.service, model.stage, model.dockerfile
        if svc is None or stage is None or df is None or model.compose is None:
            return
        hc = svc.healthcheck
        if hc is None or hc.disable or not hc.test or hc.form not in ("exec", "shell"):
            return
        if not model.compose.owns(hc.path):
            return
        traits = stage.traits
        where = Location.at(hc.path, hc.test_pos or hc.pos)
        image = f"{stage.root_image} (stage {stage.label} of {df.path})"
        if hc.form == "shell":
            if traits.has_shell is False:
                yield Violation(
                    f"the healthcheck of service {svc.name!r} is CMD-SHELL, which runs /bin/sh, "
                    f"but the image runs on {image}, which has no shell: every check fails "
                    "with `exec: \"/bin/sh\": stat /bin/sh: no such file or directory` and the "
                    "service stays unhealthy",
                    where,
                    (from_related(df, stage, f"{stage.root_image} has no /bin/sh"),),
                    fix='use the exec form (`test: ["CMD", "/app", "healthcheck"]`) with a '
                        "program the image has",
                )
                return
            text = hc.test[-1] if hc.test else ""
            tools = [_first_tool(c.words) for c in split_commands(text)]
        else:
            tools = [_first_tool(hc.test)]
        for tool in tools:
            if not tool or traits.has_tool(tool) is not False:
                continue
            name = tool.rpartition("/")[2]
            error = (f'`exec: "{tool}": executable file not found in $PATH`' if hc.form == "exec"
                     else f"`/bin/sh: 1: {name}: not found`")
            yield Violation(
                f"the healthcheck of service {svc.name!r} runs {name}, but the service's image "
                f"is built on {image}, which has no {name} and no line of the Dockerfile installs "
                f"it: every check fails with {error}, so the service stays unhealthy",
                where,
                (from_related(df, stage, f"{stage.root_image} has no {name}"),),
                fix=_fix(name, traits.python, traits.family.value, _url(hc.test)),
            )
            return


def _first_tool(words: tuple[str, ...]) -> str:
    items = list(words)
    while items and (items[0] in _SKIP or "=" in items[0] or items[0].startswith("-")
                     or items[0].isdigit()):
        items.pop(0)
    return items[0] if items else ""


def _url(test: tuple[str, ...]) -> str:
    for word in test:
        for part in word.split():
            if part.startswith(("http://", "https://")):
                return part
    return "http://localhost:PORT/health"


def _fix(tool: str, python: bool | None, family: str, url: str) -> str:
    if python:
        return ("check with Python, which the image has: `test: [\"CMD\", \"python\", \"-c\", "
                f"\"import urllib.request; urllib.request.urlopen('{url}')\"]`, "
                f"or install {tool} in the final stage")
    if family == "alpine" and tool == "curl":
        return f"use busybox wget, which alpine has (`wget -q --spider {url}`), or `apk add curl`"
    return (f"install {tool} in the final stage, or give the app a health subcommand and run it "
            '(`test: ["CMD", "/app", "healthcheck"]`)')
