from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts
from deploycheck.rules.image._common import exec_findings


class ShellFormWithoutShell(Rule[ImageFacts]):
    """A shell-form CMD/ENTRYPOINT in an image without /bin/sh (scratch, distroless).

    ## Why
    `CMD ./server --port 8080` (shell form) is stored as `["/bin/sh", "-c", "./server --port
    8080"]`. Scratch and distroless images have no shell, so the container cannot start:
    `exec: "/bin/sh": stat /bin/sh: no such file or directory` (pitfall O5).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Cmd": ["/bin/sh", "-c", "/app --port 8080"]}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Cmd": ["/app", "--port", "8080"]}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Use the exec (JSON) form, `CMD ["/app", "--port", "8080"]`; do shell work (variable
    expansion, `&&`) in the build stage or in the program.
    """

    code = "IM012"
    name = "no-shell-for-shell-form"
    category = Category.STARTUP_ORDER
    severity = Severity.ERROR
    target = ImageFacts
    fix = 'use the exec (JSON) form: CMD ["/app", "--port", "8080"]'

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        yield from exec_findings(model, ("no-shell",))
