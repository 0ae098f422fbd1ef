from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, TextEdit, Violation
from deploycheck.model.dockerfile import Dockerfile, Stage
from deploycheck.model.project import Project
from deploycheck.rules.dockerfile._common import at, set_at_run_time_everywhere, short

PYTHON_SERVERS = {"gunicorn", "uvicorn", "hypercorn", "daphne", "celery", "flask", "waitress-serve",
                  "fastapi", "granian"}


class PythonOutputBuffered(Rule[Project]):
    """A Python app in a container without PYTHONUNBUFFERED=1 or `python -u`.

    ## Why
    When stdout is not a terminal, Python buffers it in 8 KiB blocks. In a container, print()
    output then reaches `docker logs` / `kubectl logs` minutes late, and whatever is still
    buffered is lost when the process is killed: the crash you are debugging leaves no trace
    (pitfall L1; docker-library/python#604).

    ## Bad
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
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

    ## Fix
    Add `ENV PYTHONUNBUFFERED=1` to the final stage (or run `python -u`).
    """

    code = "DC111"
    name = "python-output-buffered"
    category = Category.OBSERVABILITY
    severity = Severity.WARNING
    target = Project
    fix = "add ENV PYTHONUNBUFFERED=1 to the final stage"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for dockerfile in model.of(Dockerfile):
            yield from self._dockerfile(model, dockerfile)

    def _dockerfile(self, project: Project, model: Dockerfile) -> Iterator[Violation]:
        stage = model.final
        if stage is None:
            return
        var = stage.env.get("PYTHONUNBUFFERED")
        if var is not None and (var.value or not var.resolved):
            return
        if set_at_run_time_everywhere(project, model, "PYTHONUNBUFFERED"):
            return
        spec = stage.cmd or stage.entrypoint
        if stage.entrypoint is not None and stage.entrypoint.form.value == "shell":
            spec = stage.entrypoint
        elif stage.entrypoint is not None:
            spec = stage.entrypoint
            if _python_program(stage.entrypoint.argv) is None and stage.cmd is not None:
                spec = stage.cmd
        if spec is None:
            return
        words = stage.runtime_command()
        program = _python_program(words)
        if program is None:
            return
        if program.startswith("python") and _has_u_flag(words):
            return
        yield Violation(
            f"{spec.keyword} {short(spec.raw)} runs Python ({program}) with stdout "
            "block-buffered: print() output reaches the container logs late and is lost when "
            "the process is killed",
            at(model, spec.pos),
            edits=(_add_env(model, stage),),
        )


def _add_env(model: Dockerfile, stage: Stage) -> TextEdit:
    """`ENV PYTHONUNBUFFERED=1` in the final stage: right after the instruction before its own
    CMD/ENTRYPOINT (comments above those stay with them), else after its last instruction."""
    own = [s.pos.line for s in (*stage.cmds, *stage.entrypoints)]
    mine = [i for i in model.instructions if i.pos.line >= stage.pos.line]
    if own:
        before = [i.end_line for i in mine if i.end_line < min(own)]
        line = max(before) + 1 if before else min(own)
    else:
        line = max((i.end_line for i in mine), default=stage.pos.line) + 1
    return TextEdit(model.path, line, 1, line, 1, "ENV PYTHONUNBUFFERED=1\n")


def _python_program(words: tuple[str, ...]) -> str | None:
    for word in words[:3]:
        base = word.rpartition("/")[2]
        if base in ("sh", "bash", "exec", "tini", "--", "dumb-init", "-c"):
            continue
        if base == "python" or (base.startswith("python") and base[6:].replace(".", "").isdigit()):
            return base
        if base in PYTHON_SERVERS:
            return base
        return None
    return None


def _has_u_flag(words: tuple[str, ...]) -> bool:
    for word in words[1:]:
        if not word.startswith("-") or word.startswith("--"):
            return False
        if word in ("-m", "-c"):
            return False
        if "u" in word[1:]:
            return True
    return False
