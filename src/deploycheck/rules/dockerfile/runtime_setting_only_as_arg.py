from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, TextEdit, Violation
from deploycheck.model.dockerfile import ArgDecl, Dockerfile
from deploycheck.model.project import Project
from deploycheck.rules.dockerfile._common import at, set_at_run_time_everywhere

# Settings read by the running app or its runtime, with what happens when they are missing.
RUNTIME_SETTINGS = {
    "GIN_MODE": 'Gin starts in debug mode (`[GIN-debug] [WARNING] Running in "debug" mode`)',
    "PYTHONUNBUFFERED": "Python block-buffers stdout, so print() output reaches the logs late "
                        "or never",
    "NODE_ENV": "Node frameworks run in development mode",
    "FLASK_ENV": "Flask runs with its default environment",
    "FLASK_DEBUG": "Flask runs with its default debug setting",
    "DJANGO_SETTINGS_MODULE": "Django falls back to the settings module named in manage.py/wsgi.py",
    "DJANGO_DEBUG": "Django runs with its default DEBUG",
    "RAILS_ENV": "Rails runs in development mode",
    "APP_ENV": "the app sees no APP_ENV",
    "GOMAXPROCS": "the Go runtime uses its own default",
    "GOMEMLIMIT": "the Go runtime has no soft memory limit",
    "GUNICORN_CMD_ARGS": "gunicorn starts without these arguments",
    "WEB_CONCURRENCY": "the server picks its default worker count",
    "LOG_LEVEL": "the app logs at its default level",
}


class RuntimeSettingOnlyAsArg(Rule[Project]):
    """A run-time setting (GIN_MODE, PYTHONUNBUFFERED, NODE_ENV, ...) declared only as ARG.

    ## Why
    `ARG` values exist only while the image is built; the container starts without them.
    `ARG GIN_MODE=release` therefore leaves Gin in debug mode in production, and `ARG
    PYTHONUNBUFFERED=1` leaves stdout buffered (pitfall L3; ollama/ollama#8339).

    ## Bad
    ```Dockerfile
    FROM golang:1.22-alpine
    WORKDIR /src
    COPY . .
    RUN go build -o /server .
    ARG GIN_MODE=release
    CMD ["/server"]
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22-alpine
    WORKDIR /src
    COPY . .
    RUN go build -o /server .
    ARG GIN_MODE=release
    ENV GIN_MODE=${GIN_MODE}
    CMD ["/server"]
    ```

    ## Fix
    Set it with `ENV NAME=value` in the final stage (`ENV GIN_MODE=${GIN_MODE}` keeps it
    overridable with `--build-arg`), or in the compose/Kubernetes environment.
    """

    code = "DC110"
    name = "runtime-setting-only-as-arg"
    category = Category.OBSERVABILITY
    severity = Severity.WARNING
    target = Project
    fix = "set it with ENV in the final stage (ENV NAME=${NAME})"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for dockerfile in model.of(Dockerfile):
            yield from self._dockerfile(model, dockerfile)

    def _dockerfile(self, project: Project, model: Dockerfile) -> Iterator[Violation]:
        final = model.final
        if final is None:
            return
        env = final.env
        args: list[ArgDecl] = [a for s in final.chain() for a in s.args]
        # A global ARG nobody re-declares is still only a build input: report it too.
        args += [a for a in model.global_args if not any(b.name == a.name for b in args)]
        seen: set[str] = set()
        for arg in sorted(args, key=lambda a: (a.pos.line, a.pos.column)):
            name = arg.name.upper()
            if arg.name not in RUNTIME_SETTINGS or arg.name in env or name in seen:
                continue
            if set_at_run_time_everywhere(project, model, arg.name):
                continue
            seen.add(name)
            value = f"={arg.default}" if arg.default is not None else ""
            yield Violation(
                f"ARG {arg.name}{value} exists only while the image is built; the container "
                f"starts without {arg.name}, so {RUNTIME_SETTINGS[arg.name]}",
                at(model, arg.pos),
                fix=f"add `ENV {arg.name}=${{{arg.name}}}` to the final stage",
                edits=(_env_from_arg(model, arg),),
            )


def _env_from_arg(model: Dockerfile, arg: ArgDecl) -> TextEdit:
    """`ENV NAME=${NAME}` right after the ARG when the final stage builds on the ARG's stage
    (ENV is inherited); for a global ARG, re-declare it in the final stage first."""
    final = model.final
    assert final is not None
    if not arg.is_global:
        line = next((i.end_line for i in model.instructions
                     if i.pos.line <= arg.pos.line <= i.end_line), arg.pos.line) + 1
        return TextEdit(model.path, line, 1, line, 1, f"ENV {arg.name}=${{{arg.name}}}\n")
    start = next((i for i in model.instructions if i.pos.line == final.pos.line), None)
    line = (start.end_line if start else final.pos.line) + 1
    return TextEdit(model.path, line, 1, line, 1, f"ARG {arg.name}\nENV {arg.name}=${{{arg.name}}}\n")
