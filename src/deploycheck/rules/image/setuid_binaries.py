from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts


class SetuidBinaries(Rule[ImageFacts]):
    """The image holds setuid or setgid programs.

    ## Why
    A setuid-root program is a way from the app's user to root inside the container: any bug in
    `su`, `mount` or a forgotten helper becomes privilege escalation (dockle CIS-DI-0008). A
    service needs none of them at run time.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"], "User": "10001"}},
     "layers": [{"created_by": "FROM debian:bookworm-slim",
                 "files": [{"path": "usr/bin/su", "mode": "4755", "elf": {}},
                           {"path": "usr/bin/chage", "mode": "2755", "elf": {}}]},
                {"created_by": "COPY app /app", "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"], "User": "10001"}},
     "layers": [{"created_by": "FROM debian:bookworm-slim",
                 "files": [{"path": "usr/bin/su", "mode": "0755", "elf": {}}]},
                {"created_by": "COPY app /app", "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Drop the bits in the final stage (`RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`),
    or run with `--security-opt no-new-privileges` (Kubernetes: `allowPrivilegeEscalation:
    false`).
    """

    code = "IM035"
    name = "setuid-binaries"
    category = Category.SECURITY
    severity = Severity.INFO
    target = ImageFacts
    fix = "RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +  (or no-new-privileges at run time)"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        found = sorted(p for p, e in model.files.items() if e.is_regular and e.mode & 0o6000)
        if not found:
            return
        shown = ", ".join(found[:8]) + (f" and {len(found) - 8} more" if len(found) > 8 else "")
        yield Violation(f"{len(found)} setuid/setgid program{'s' if len(found) > 1 else ''} in the image "
                        f"({shown}): each is a way to root for the app's user", model.location(found[0]))
