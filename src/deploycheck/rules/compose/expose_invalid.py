from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.compose import ComposeFile


class ExposeInvalid(Rule[ComposeFile]):
    """An `expose` entry written like a port mapping (`"8080:80"`), which Compose rejects.

    ## Why
    `expose` lists container ports other services may reach; it takes only `PORT`,
    `PORT/PROTOCOL` or a range `START-END`. It does not publish anything to the host. Written as
    `"8080:80"`, the file fails validation and nothing starts: `services.web.expose.0 ... should
    be of the format 'PORT[/PROTOCOL]'` (P7; opengisch/QFieldCloud#1227). The author usually
    meant `ports:`, which publishes to the host.

    ## Bad
    ```compose.yaml
    services:
      web:
        build: .
        expose:
          - "8080:80"
    ```

    ## Good
    ```compose.yaml
    services:
      web:
        build: .
        ports:
          - "8080:80"
        expose:
          - "80"
    ```

    ## Fix
    Move `HOST:CONTAINER` pairs to `ports:` to publish them on the host, and keep only bare
    container ports (`"80"`, `"9000/udp"`) under `expose:`.
    """

    code = "DC202"
    name = "expose-invalid-format"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = ComposeFile
    fix = "move HOST:CONTAINER pairs to `ports:`; `expose` takes only PORT[/PROTOCOL]"

    def check(self, model: ComposeFile, options: NoOptions) -> Iterator[Violation]:
        for svc in model.services:
            for item in svc.expose:
                # An interpolated entry was read with no variables set here; not judged.
                if item.valid or "$" in item.raw:
                    continue
                publish = ":" in item.raw
                yield Violation(
                    f"service `{svc.name}` has `expose: {item.raw!r}`, which Compose rejects "
                    "(`should be of the format 'PORT[/PROTOCOL]'`), so the project does not start"
                    + ("; `expose` never publishes to the host, `ports:` does" if publish else ""),
                    Location.at(item.path, item.pos),
                    fix=(f"move `\"{item.raw}\"` to `ports:` to publish it on the host"
                         if publish else "write a bare container port such as `\"8080\"` or "
                         "`\"8080/udp\"`"),
                )
