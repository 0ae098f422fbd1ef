from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, TextEdit, Violation
from deploycheck.model.compose import ComposeFile


class PortBase60(Rule[ComposeFile]):
    """An unquoted `HOST:CONTAINER` port that YAML 1.1 reads as a base-60 number (`22:22` → 1342).

    ## Why
    YAML 1.1 reads unquoted colon-separated numbers whose later parts are below 60 as base-60
    ("sexagesimal") integers: `22:22` is 1342 and `2122:22` is 127342. Tools that read compose
    files with a YAML 1.1 parser — docker-compose v1, podman-compose, Ansible, PyYAML-based
    scripts — then publish the wrong port or stop with `Invalid port specification: "127342"`
    (docker/compose#3109, docker/compose#3290, containers/podman-compose#86). Compose v2 reads
    YAML 1.2 and gets it right, which is why the file "works on my machine"; the Compose
    reference still says to always quote port mappings. Pairs with a part of 60 or more
    (`8080:80`) are strings in every version and are not reported.

    ## Bad
    ```compose.yaml
    services:
      sftp:
        image: atmoz/sftp
        ports:
          - 2222:22
    ```

    ## Good
    ```compose.yaml
    services:
      sftp:
        image: atmoz/sftp
        ports:
          - "2222:22"
    ```

    ## Fix
    Quote every short-syntax port mapping: `- "2222:22"`.
    """

    code = "DC204"
    name = "port-read-as-base60"
    category = Category.ROUTING
    severity = Severity.WARNING
    target = ComposeFile
    fix = "quote the port mapping: `- \"HOST:CONTAINER\"`"

    def check(self, model: ComposeFile, options: NoOptions) -> Iterator[Violation]:
        for svc in model.services:
            for port in svc.ports:
                if not port.base60_misparse:
                    continue
                pos = port.pos
                yield Violation(
                    f"service `{svc.name}` publishes unquoted `{port.raw}`, which YAML 1.1 readers "
                    f"(docker-compose v1, podman-compose, Ansible) take for the base-60 number "
                    f"{port.base60_value}: they publish the wrong port or fail with `Invalid port "
                    f"specification: \"{port.base60_value}\"`",
                    Location.at(port.path, pos),
                    fix=f"quote it: `- \"{port.raw}\"`",
                    edits=(TextEdit(port.path, pos.line, pos.column, pos.line,
                                    pos.column + len(port.raw), f'"{port.raw}"'),),
                )
