from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageProblem


class ImageUnreadable(Rule[ImageProblem]):
    """The image archive is malformed, truncated or incomplete, so part of it cannot be read.

    ## Why
    A `docker save` tarball cut short by a full disk or an interrupted copy, a layer blob missing
    from an OCI layout, or a corrupt gzip stream is refused by `docker load` (`unexpected EOF`,
    `archive/tar: invalid tar header`, `gzip: invalid header`) and by registries — and what was
    not read cannot be checked. deploycheck reports where reading stopped and holds back findings
    about missing files, which could be in the part it could not read.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app", "compression": "gzip", "truncate_at": 60,
                 "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app", "compression": "gzip",
                 "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Export the image again (`docker save -o api.tar shop/api:1.4`, or `skopeo copy
    docker-daemon:shop/api:1.4 oci:api`) and check the copy is complete; for the engine, make sure
    the image is fully pulled or built.
    """

    code = "IM001"
    name = "image-unreadable"
    category = Category.BUILD
    severity = Severity.ERROR
    target = ImageProblem
    fix = "export the image again and check the copy is complete"

    def check(self, model: ImageProblem, options: NoOptions) -> Iterator[Violation]:
        if model.kind not in ("unreadable", "unsupported"):
            return
        yield Violation(f"the image cannot be read completely: {model.message}; findings about "
                        "missing files are held back for it", model.location())
