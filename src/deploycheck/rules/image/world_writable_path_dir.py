from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts


class WorldWritablePathDir(Rule[ImageFacts]):
    """A folder on the container's PATH is writable by every user.

    ## Why
    Any process in the container — a compromised dependency running as an unprivileged user —
    can drop a program named `curl`, `python` or `sh` there, and the next `docker exec`, health
    check or cron job runs it, often as root.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"], "Env": ["PATH=/opt/tools:/usr/bin:/bin"]}},
     "layers": [{"created_by": "RUN mkdir -m 777 /opt/tools",
                 "files": [{"path": "opt/tools/", "mode": "0777"},
                           {"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"], "Env": ["PATH=/opt/tools:/usr/bin:/bin"]}},
     "layers": [{"created_by": "RUN mkdir -m 755 /opt/tools",
                 "files": [{"path": "opt/tools/", "mode": "0755"},
                           {"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    `chmod 0755` the folder in the Dockerfile, or take it off PATH.
    """

    code = "IM036"
    name = "world-writable-path-dir"
    category = Category.SECURITY
    severity = Severity.WARNING
    target = ImageFacts
    fix = "chmod 0755 the folder, or take it off PATH"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        seen: set[str] = set()
        for directory in model.env().get("PATH", "").split(":"):
            if not directory.startswith("/"):
                continue
            found = model.lookup(directory)
            if found.error or found.entry is None or not found.entry.is_dir or found.path in seen:
                continue
            seen.add(found.path)
            if found.entry.mode & 0o002:
                yield Violation(f"{directory} is on PATH and writable by every user (mode "
                                f"{found.entry.mode & 0o7777:04o}): any process can plant a program "
                                "there that later commands run", model.location(found.path))
