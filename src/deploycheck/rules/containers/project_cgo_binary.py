# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import ContainerDeployment
from deploycheck.rules.containers._common import exec_failure


class ProjectCgoBinary(Rule[ContainerDeployment]):
    r"""A container failed with `exec ...: no such file or directory`, and its Dockerfile builds a cgo binary for an image without glibc.

    ## Why
    The runtime's `exec /app: no such file or directory` for a file that exists names no
    cause; the Dockerfile does: a `go build` on a glibc builder (cgo on by default) whose
    output is copied into `scratch`, `distroless/static` or alpine, which lack the loader
    `/lib64/ld-linux-x86-64.so.2` (pitfall D1; gin-gonic/gin#1178). This finding points at
    the `go build` line to change.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "802175110cbc", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "api:latest"},
      "State": {"Status": "exited", "ExitCode": 1}, "HostConfig": {}},
     "logs": ["exec /app: no such file or directory"],
     "project_files": {
      "api/Dockerfile": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n",
      "api/main.go": "package main\n\nimport \"net/http\"\n\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n"}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "802175110cbc", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "api:latest"},
      "State": {"Status": "running", "Running": true, "Pid": 4242}, "HostConfig": {}},
     "logs": [],
     "project_files": {
      "api/Dockerfile": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n",
      "api/main.go": "package main\n\nimport \"net/http\"\n\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n"}}
    ```

    ## Fix
    Build a static binary: `RUN CGO_ENABLED=0 go build -o /out/app .` (or run it on a glibc
    image such as `distroless/base`).
    """

    code = "CT032"
    name = "project-cgo-binary"
    category = Category.PLATFORM
    severity = Severity.ERROR
    target = ContainerDeployment
    fix = "build a static binary: RUN CGO_ENABLED=0 go build ..."

    def check(self, model: ContainerDeployment, options: NoOptions) -> Iterator[Violation]:
        from deploycheck.model import NoOptions as _NoOptions
        from deploycheck.rules.dockerfile.go_cgo_binary_wrong_libc import GoCgoBinaryWrongLibc

        c, dep = model.container, model.deployment
        failure = exec_failure(c)
        if failure is None or failure[1] != "no such file or directory" or dep.dockerfile is None:
            return
        if c.exec_target is not None and (not c.exec_target.exists or c.exec_target.shebang):
            return
        for static in GoCgoBinaryWrongLibc().check(dep.dockerfile, _NoOptions()):
            yield Violation(
                f"container {c.name} fails with `exec {failure[0] or c.path}: no such file or directory` "
                f"because {static.message.rstrip('.')}",
                static.location,
                (Related(c.at(), f"State.ExitCode={c.exit_code}; the runtime could not load the "
                                       "binary's ELF interpreter"), *static.related),
                fix=static.fix or self.fix)
            return
