from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageProblem


class UnsafeArchiveEntry(Rule[ImageProblem]):
    """A layer holds an entry that would write outside the image: an absolute path, a `..`
    escape, a hard link out of the tree, a device node, or an oversized header.

    ## Why
    Layers are unpacked by `docker load`, registries, scanners and CI tools. An entry named
    `../../etc/cron.d/job` or `/root/.ssh/authorized_keys`, or a hard link to a path outside the
    root, is the classic tar path-traversal attack (CVE-2019-14271, CVE-2021-30465 class): a tool
    that unpacks it naively writes on the host. Docker refuses some of these with
    `archive/tar: invalid tar header` or `breakout error`; others depend on the tool. Device
    nodes outside /dev and huge pax headers have no place in an image either. deploycheck never
    unpacks anything; it refuses such entries and reports them.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755", "elf": {}},
                           {"path": "../../etc/cron.d/job", "text": "* * * * * root sh /tmp/x\\n"}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755", "elf": {}},
                           {"path": "etc/cron.d/job", "text": "* * * * * root /app --cleanup\\n"}]}]}
    ```

    ## Fix
    Do not load or push this image: rebuild it from a Dockerfile you trust, and find out which
    tool wrote the layer.
    """

    code = "IM002"
    name = "unsafe-archive-entry"
    category = Category.SECURITY
    severity = Severity.ERROR
    target = ImageProblem
    fix = "do not load or push this image; rebuild it from a Dockerfile you trust"

    def check(self, model: ImageProblem, options: NoOptions) -> Iterator[Violation]:
        if model.kind != "unsafe":
            return
        yield Violation(f"hostile or broken layer entry: {model.message} — tools that unpack layers "
                        "naively would write outside the image", model.location())
