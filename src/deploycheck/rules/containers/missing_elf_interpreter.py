# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import exec_failure, log_evidence, state_evidence


class MissingElfInterpreter(Rule[Container]):
    r"""`exec /app: no such file or directory` although /app exists: its loader or interpreter is missing.

    ## Why
    The kernel reports ENOENT for the *interpreter* a program names, not only for the program
    itself. A Go binary built with cgo (the default where gcc is installed, as in
    `golang:1.22`) is linked against glibc and names `/lib64/ld-linux-x86-64.so.2`, which
    `scratch`, `distroless/static` and alpine (musl) do not have; a script whose `#!/bin/bash`
    is missing, or whose first line ends in `\r` (CRLF), fails the same way: `exec /app: no such
    file or directory` (older runtimes: `standard_init_linux.go:228: exec user process caused:
    no such file or directory`), exit code 1 (pitfalls D1, O12; gin-gonic/gin#1178). The entrypoint
    read from the container's filesystem names the missing loader.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "802175110cbc", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "exited", "ExitCode": 1, "StartedAt": "2024-03-02T10:15:07.299Z",
                "FinishedAt": "2024-03-02T10:15:07.298Z"}, "HostConfig": {}},
     "logs": ["exec /app: no such file or directory"],
     "exec_target": {"path": "/app", "exists": true, "mode": 493, "size": 10047770,
                     "elf_machine": "amd64", "interpreter": "/lib64/ld-linux-x86-64.so.2",
                     "interpreter_exists": false}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "802175110cbc", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:07Z"},
      "HostConfig": {}},
     "logs": ["listening on :8080"]}
    ```

    ## Fix
    Build Go statically (`CGO_ENABLED=0 go build`), or run on a base image with the build
    stage's libc (`distroless/base`, `debian:bookworm-slim`); for scripts, install the
    interpreter and convert CRLF line endings to LF.
    """

    code = "CT006"
    name = "missing-elf-interpreter"
    category = Category.PLATFORM
    severity = Severity.ERROR
    target = Container
    fix = "build a static binary (CGO_ENABLED=0) or run it on an image with the same libc as the build stage"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        failure = exec_failure(c)
        if failure is None:
            return
        what, why, line = failure
        if why != "no such file or directory":
            return
        target = c.exec_target
        if target is not None and not target.exists:
            return  # the file itself is missing: CT003
        evidence = state_evidence(c, "State.ExitCode", "Path")
        if line is not None:
            evidence += log_evidence(c, (line,))
        path = what or c.path
        fix = ""
        if target is not None and target.shebang:
            interp = target.interpreter
            if target.shebang.endswith("\r"):
                cause = (f"`{path}` is a script with Windows line endings: its first line "
                         f"`{target.shebang.rstrip()}` names the interpreter `{interp.rstrip()}\\r`, "
                         "which cannot exist")
                fix = "convert the script to LF line endings (`.gitattributes: *.sh text eol=lf`)"
            else:
                cause = f"`{path}` is a script whose interpreter `{interp}` is not in the image"
                fix = f"install {interp} in the image, or point the `#!` line at an interpreter it has"
            evidence += (Related(c.at(("path_in_image", target.path)), f"first line: {target.shebang}"),)
        elif target is not None and target.interpreter:
            cause = (f"`{path}` is a dynamically linked {target.elf_machine or 'ELF'} program whose loader "
                     f"`{target.interpreter}` is {'not in the image' if target.interpreter_exists is False else 'missing or broken'}"
                     " (a cgo build on glibc copied into scratch, distroless/static or alpine)")
            evidence += (Related(c.at(("path_in_image", target.path)),
                                 f"PT_INTERP {target.interpreter}"
                                 + (" (absent from the image)" if target.interpreter_exists is False else "")),)
        else:
            cause = (f"`{path}` exists but names a loader or interpreter the image lacks (usually a "
                     "dynamically linked binary on scratch or alpine, or a script with CRLF line endings)")
        yield Violation(
            f"container {c.name} could not start its entrypoint: {cause}; the runtime reports "
            f"`exec {path}: no such file or directory` and the container exits with {c.exit_code}",
            c.location(), evidence, fix=fix)
