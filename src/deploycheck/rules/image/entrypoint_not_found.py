from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts
from deploycheck.rules.image._common import exec_findings


class EntrypointNotFound(Rule[ImageFacts]):
    """The program ENTRYPOINT/CMD runs is not in the image (or not on its PATH).

    ## Why
    The runtime resolves `argv[0]` inside the image: a name without `/` through the image's
    `PATH`, a relative path from `WORKDIR`, symbolic links inside the image. A multi-stage build
    that copies the binary somewhere else, a `WORKDIR` that changed, or a symlink left dangling
    make every start fail with `exec: "/app": stat /app: no such file or directory` or
    `exec: "server": executable file not found in $PATH` (exit code 127).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/usr/local/bin/api"], "WorkingDir": "/srv"}},
     "layers": [{"created_by": "COPY --from=build /out/api /srv/api",
                 "files": [{"path": "srv/api", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/srv/api"], "WorkingDir": "/srv"}},
     "layers": [{"created_by": "COPY --from=build /out/api /srv/api",
                 "files": [{"path": "srv/api", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Copy the program to the path the command names (`COPY --from=build /out/api
    /usr/local/bin/api`), or point ENTRYPOINT/CMD at where it is.
    """

    code = "IM010"
    name = "entrypoint-not-found"
    category = Category.STARTUP_ORDER
    severity = Severity.ERROR
    target = ImageFacts
    fix = "copy the program to the path the command names, or fix the path in ENTRYPOINT/CMD"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        yield from exec_findings(model, ("missing",))
