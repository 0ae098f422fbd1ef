from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts
from deploycheck.rules.image._common import exec_findings


class ScriptCrlfLineEndings(Rule[ImageFacts]):
    """The entrypoint script has Windows (CR LF) line endings, so its `#!` line names an
    interpreter ending in a carriage return.

    ## Why
    A script checked out on Windows (`core.autocrlf=true`) starts with `#!/bin/sh\\r`. The kernel
    looks for `/bin/sh\\r`, which does not exist: `exec /entrypoint.sh: no such file or
    directory` (exit 127), or `/usr/bin/env: 'bash\\r': No such file or directory` (pitfall O12).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/entrypoint.sh"]}},
     "layers": [{"created_by": "COPY entrypoint.sh /",
                 "files": [{"path": "bin/sh", "mode": "0755", "elf": {}},
                           {"path": "entrypoint.sh", "mode": "0755",
                            "text": "#!/bin/sh\\r\\nexec /app\\r\\n"}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/entrypoint.sh"]}},
     "layers": [{"created_by": "COPY entrypoint.sh /",
                 "files": [{"path": "bin/sh", "mode": "0755", "elf": {}},
                           {"path": "entrypoint.sh", "mode": "0755", "text": "#!/bin/sh\\nexec /app\\n"}]}]}
    ```

    ## Fix
    Convert the script to LF: add `*.sh text eol=lf` to `.gitattributes` and re-checkout, or
    `RUN sed -i 's/\\r$//' /entrypoint.sh` in the Dockerfile.
    """

    code = "IM014"
    name = "entrypoint-script-crlf"
    category = Category.STARTUP_ORDER
    severity = Severity.ERROR
    target = ImageFacts
    fix = "convert the script to LF line endings (.gitattributes: *.sh text eol=lf)"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        yield from exec_findings(model, ("crlf",))
