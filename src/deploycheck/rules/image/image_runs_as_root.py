from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts


class ImageRunsAsRoot(Rule[ImageFacts]):
    """The image runs its command as root (no USER, or USER root/0).

    ## Why
    A process running as root in the container is root on the host's kernel too: a container
    escape (runc CVE-2019-5736, CVE-2024-21626) or a writable host mount becomes host root.
    Kubernetes clusters with `runAsNonRoot: true` refuse it outright: `Error: container has
    runAsNonRoot and image will run as root`.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app", "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"], "User": "65532:65532"}},
     "layers": [{"created_by": "COPY app /app", "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Add a user and switch to it in the final stage (`RUN useradd -r app` then `USER app`), or use
    a numeric id (`USER 65532:65532`, distroless's `nonroot`).
    """

    code = "IM033"
    name = "image-runs-as-root"
    category = Category.SECURITY
    severity = Severity.WARNING
    target = ImageFacts
    fix = "add USER with a non-root user (USER 65532:65532) in the final stage"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        user = model.config.user.strip()
        name = user.partition(":")[0]
        if name and name not in ("root", "0"):
            return
        argv, _ = model.command()
        if not argv:
            return  # a base image without a command: whoever builds on it sets the user
        shown = f"USER {user}" if user else "no USER"
        yield Violation(f"the image runs {argv[0]} as root ({shown} in the image config): a container "
                        "escape or a writable host mount gives root on the host, and clusters with "
                        "runAsNonRoot refuse it", model.location())
