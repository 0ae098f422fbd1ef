from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.dockerfile import Dockerfile, ImageRef
from deploycheck.rules.dockerfile._common import at


class UnpinnedBaseImage(Rule[Dockerfile]):
    """FROM an image without a tag, or with `:latest`.

    ## Why
    `FROM python` means `python:latest`, whatever that is on the day of the build. A rebuild
    months later silently moves to a new major version of Python, Go, Debian or Alpine, and
    the image stops building or behaves differently though no file changed (`go.mod requires go
    >= 1.24`, a removed system library, a changed default user). Builds on two machines can
    differ for the same commit.

    ## Bad
    ```Dockerfile
    FROM python
    WORKDIR /app
    COPY . .
    CMD ["python", "-u", "app.py"]
    ```

    ## Good
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    CMD ["python", "-u", "app.py"]
    ```

    ## Fix
    Pin a version tag (`python:3.12-slim`, `golang:1.22-alpine`, `alpine:3.19`), or a digest
    (`@sha256:...`) for fully reproducible builds, and update it on purpose.
    """

    code = "DC105"
    name = "unpinned-base-image"
    category = Category.BUILD
    severity = Severity.WARNING
    target = Dockerfile
    fix = "pin a version tag (e.g. python:3.12-slim) or a digest"

    def check(self, model: Dockerfile, options: NoOptions) -> Iterator[Violation]:
        for stage in model.stages:
            if stage.parent is not None or not stage.base or not stage.base_resolved:
                continue
            if stage.base.lower() == "scratch":
                continue
            ref = ImageRef.parse(stage.base)
            if not ref.unpinned:
                continue
            how = "has no tag" if ref.tag is None else "uses the `latest` tag"
            via = "" if stage.base == stage.base_raw else f" (from {stage.base_raw})"
            yield Violation(
                f"FROM {stage.base}{via} {how}, so each build takes whatever version is newest "
                "that day and a rebuild can break or change behaviour with no change here",
                at(model, stage.base_pos or stage.pos),
            )
