from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts
from deploycheck.rules.image._common import exec_findings


class ScriptInterpreterMissing(Rule[ImageFacts]):
    """The entrypoint script's `#!` interpreter is not in the image (or the script has no `#!`).

    ## Why
    The kernel runs a script through the interpreter its first line names. `#!/bin/bash` on an
    alpine or distroless image, or `#!/usr/bin/env python3` where python3 is not on PATH, fails
    with the misleading `exec /entrypoint.sh: no such file or directory` — the script is there,
    its interpreter is not. A script without `#!` fails with `exec format error`.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/entrypoint.sh"]}},
     "layers": [{"created_by": "FROM alpine",
                 "files": [{"path": "bin/busybox", "mode": "0755", "elf": {}},
                           {"path": "bin/sh", "link": "/bin/busybox"}]},
                {"created_by": "COPY entrypoint.sh /",
                 "files": [{"path": "entrypoint.sh", "mode": "0755", "text": "#!/bin/bash\\nexec /app\\n"}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/entrypoint.sh"]}},
     "layers": [{"created_by": "FROM alpine",
                 "files": [{"path": "bin/busybox", "mode": "0755", "elf": {}},
                           {"path": "bin/sh", "link": "/bin/busybox"}]},
                {"created_by": "COPY entrypoint.sh /",
                 "files": [{"path": "entrypoint.sh", "mode": "0755", "text": "#!/bin/sh\\nexec /app\\n"}]}]}
    ```

    ## Fix
    Name an interpreter the image has (`#!/bin/sh`), install the one the script needs
    (`apk add bash`), or start the script through its interpreter in ENTRYPOINT.
    """

    code = "IM013"
    name = "script-interpreter-missing"
    category = Category.STARTUP_ORDER
    severity = Severity.ERROR
    target = ImageFacts
    fix = "use an interpreter the image has in the #! line, or install the one the script names"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        yield from exec_findings(model, ("interpreter",))
