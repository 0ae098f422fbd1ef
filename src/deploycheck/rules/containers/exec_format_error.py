from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.rules.containers._common import exec_failure, log_evidence, state_evidence


class ExecFormatError(Rule[Container]):
    r"""The entrypoint is built for another CPU architecture than the engine's (`exec format error`).

    ## Why
    An image built on an Apple Silicon Mac (arm64) and run on an amd64 server, a hard-coded
    `GOARCH`, or a base image of the wrong platform: the kernel refuses the binary with `exec
    /app: exec format error` and the container exits with 1 at once (pitfall O4;
    docker/for-mac#5475). The ELF header of the entrypoint, read from the container, names its
    architecture.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "1586e8064603", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "exited", "ExitCode": 1, "StartedAt": "2024-03-02T10:15:07.613Z",
                "FinishedAt": "2024-03-02T10:15:07.619Z"}, "HostConfig": {}},
     "engine": {"arch": "amd64"},
     "logs": ["exec /app: exec format error"],
     "exec_target": {"path": "/app", "exists": true, "mode": 493, "size": 9961472, "elf_machine": "arm64"}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "1586e8064603", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:07Z"},
      "HostConfig": {}},
     "engine": {"arch": "amd64"}, "logs": []}
    ```

    ## Fix
    Build for the engine's platform (`docker buildx build --platform linux/amd64,linux/arm64`,
    `GOARCH=$TARGETARCH` in the build stage), and give scripts a `#!` line.
    """

    code = "CT007"
    name = "container-wrong-architecture"
    category = Category.PLATFORM
    severity = Severity.ERROR
    target = Container
    fix = "build the image for the engine's platform (docker buildx --platform, GOARCH=$TARGETARCH)"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        failure = exec_failure(c)
        if failure is None or failure[1] != "exec format error":
            return
        what, _, line = failure
        path = what or c.path
        evidence = state_evidence(c, "State.ExitCode", "Path")
        if line is not None:
            evidence += log_evidence(c, (line,))
        host = c.engine.arch or "this engine's architecture"
        target = c.exec_target
        if target is not None and target.elf_machine:
            article = "an" if target.elf_machine[:1] in "aeiou" else "a"
            detail = f"`{path}` is {article} {target.elf_machine} program and the engine runs on {host}"
            evidence += (Related(c.at(("path_in_image", target.path)), f"ELF machine {target.elf_machine}"),)
        elif target is not None and target.exists and not target.shebang:
            detail = f"`{path}` is neither a program for {host} nor a script with a `#!` line"
        elif c.image_platform:
            detail = f"the image is built for {c.image_platform} and the engine runs on {host}"
        else:
            detail = f"`{path}` is built for another architecture than {host}"
        if c.image_platform:
            evidence += (Related(c.at(), f"image platform {c.image_platform}"),)
        yield Violation(
            f"container {c.name} could not start: {detail}, so the kernel refuses it with "
            f"`exec format error` (exit code {c.exit_code})",
            c.location(), evidence)
