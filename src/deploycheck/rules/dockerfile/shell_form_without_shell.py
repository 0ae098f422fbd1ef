from __future__ import annotations

import json
import re
from collections.abc import Iterator

from deploycheck.model import (
    Category,
    NoOptions,
    Position,
    Related,
    Rule,
    Severity,
    TextEdit,
    Violation,
)
from deploycheck.model.dockerfile import Dockerfile, Form
from deploycheck.rules.dockerfile._common import at, from_line, image_desc, short


class ShellFormWithoutShell(Rule[Dockerfile]):
    """A shell-form RUN, CMD, ENTRYPOINT or HEALTHCHECK in a stage whose image has no /bin/sh.

    ## Why
    The shell form (`CMD ./server -c config.yaml`) runs as `/bin/sh -c "..."`. `scratch` and the
    distroless images have no `/bin/sh`, so the container fails at start with
    `exec: "/bin/sh": stat /bin/sh: no such file or directory` (a RUN fails the build the same
    way; a HEALTHCHECK never passes). When ENTRYPOINT is exec form and CMD is shell form, the
    CMD becomes the arguments `/bin/sh -c ...` of the entrypoint (pitfall O5;
    GoogleContainerTools/distroless#745).

    ## Bad
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/server .

    FROM gcr.io/distroless/static-debian12
    COPY --from=build /out/server /server
    CMD /server --port 8080
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/server .

    FROM gcr.io/distroless/static-debian12
    COPY --from=build /out/server /server
    CMD ["/server", "--port", "8080"]
    ```

    ## Fix
    Write the instruction in exec form (`CMD ["/server", "--port", "8080"]`) and do any shell
    work (variable expansion, `&&`) in the builder stage or in the program itself.
    """

    code = "DC101"
    name = "shell-form-without-shell"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = Dockerfile
    fix = 'use the exec (JSON) form, e.g. CMD ["/app", "--flag"]'

    def check(self, model: Dockerfile, options: NoOptions) -> Iterator[Violation]:
        for stage in model.stages:
            traits = stage.traits
            if traits.has_shell is not False or stage.shell_argv is not None:
                continue
            why = (f"its image {image_desc(stage)} has no /bin/sh")
            related = (from_line(model, stage),)
            for run in stage.runs:
                if run.form is Form.SHELL:
                    yield self._v(model, run.pos, f"RUN {short(run.text)} is shell form, but "
                                  f"{why}: the build fails with "
                                  '`exec: "/bin/sh": stat /bin/sh: no such file or directory`',
                                  related)
            ep = stage.entrypoints[-1] if stage.entrypoints else None
            for spec in (ep, stage.cmds[-1] if stage.cmds else None):
                if spec is None or spec.form is not Form.SHELL:
                    continue
                entry = stage.entrypoint
                if spec.keyword == "CMD" and entry is not None and entry.form is Form.EXEC:
                    msg = (f"CMD {short(spec.raw)} is shell form, so Docker passes "
                           f"`/bin/sh -c ...` as arguments to the ENTRYPOINT {entry.raw}; "
                           f"{why}, so the program receives a shell command line it cannot run")
                else:
                    msg = (f"{spec.keyword} {short(spec.raw)} is shell form, but {why}: the "
                           'container exits at start with `exec: "/bin/sh": stat /bin/sh: no '
                           "such file or directory`")
                yield self._v(model, spec.pos, msg, related,
                              _exec_form(model, spec.pos, spec.raw, spec.argv))
            hc = stage.healthchecks[-1] if stage.healthchecks else None
            if hc is not None and not hc.disabled and hc.form is Form.SHELL:
                yield self._v(model, hc.pos, f"HEALTHCHECK CMD {short(hc.raw)} is shell form, "
                              f"but {why}: every check fails and the container stays unhealthy",
                              related, _exec_form(model, hc.command_pos, hc.raw, hc.argv))

    def _v(self, model: Dockerfile, pos: Position, message: str,
           related: tuple[Related, ...], edits: tuple[TextEdit, ...] = ()) -> Violation:
        return Violation(message, at(model, pos), related, edits=edits)


# Words a shell would pass on unchanged: no quotes, variables, globs, operators or escapes.
_PLAIN = re.compile(r"[A-Za-z0-9_./:=,@%+-]+(?:[ \t]+[A-Za-z0-9_./:=,@%+-]+)*")


def _exec_form(model: Dockerfile, pos: Position, raw: str,
               argv: tuple[str, ...]) -> tuple[TextEdit, ...]:
    """The JSON array of a one-line shell-form command whose words are plain."""
    text = raw.strip()
    if not _PLAIN.fullmatch(text) or list(argv) != text.split():
        return ()
    ins = next((i for i in model.instructions if i.pos.line <= pos.line <= i.end_line), None)
    if ins is None or ins.end_line != pos.line or not ins.raw.rstrip().endswith(text):
        return ()
    return (TextEdit(model.path, pos.line, pos.column, pos.line, pos.column + len(text),
                     json.dumps(text.split())),)

