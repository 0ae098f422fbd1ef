from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts
from deploycheck.rules.image._common import exec_findings


class EntrypointNotExecutable(Rule[ImageFacts]):
    """The program ENTRYPOINT/CMD runs has no execute permission for the container's user, or is
    a directory.

    ## Why
    `COPY` keeps the mode bits of the build context, so a script committed without `+x` (or
    checked out on Windows) lands as 0644; a binary copied with mode 0700 and owned by root
    cannot be run by `USER app`. The container exits at once with
    `exec: "/entrypoint.sh": permission denied` (exit code 126).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/entrypoint.sh"]}},
     "layers": [{"created_by": "COPY entrypoint.sh /",
                 "files": [{"path": "entrypoint.sh", "mode": "0644", "text": "#!/bin/sh\\nexec /app\\n"},
                           {"path": "bin/sh", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/entrypoint.sh"]}},
     "layers": [{"created_by": "COPY --chmod=0755 entrypoint.sh /",
                 "files": [{"path": "entrypoint.sh", "mode": "0755", "text": "#!/bin/sh\\nexec /app\\n"},
                           {"path": "bin/sh", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Set the mode in the Dockerfile: `COPY --chmod=0755 entrypoint.sh /` (BuildKit) or
    `RUN chmod 0755 /entrypoint.sh`; for a non-root USER, make sure others or its group may
    execute it.
    """

    code = "IM011"
    name = "entrypoint-not-executable"
    category = Category.STARTUP_ORDER
    severity = Severity.ERROR
    target = ImageFacts
    fix = "make it executable: COPY --chmod=0755, or RUN chmod 0755 in the Dockerfile"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        yield from exec_findings(model, ("not-executable",))
