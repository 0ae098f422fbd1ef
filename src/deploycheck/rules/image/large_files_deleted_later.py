from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model import Category, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts, human


class LargeFilesDeletedLater(Rule[ImageFacts]):
    """A large file added in one layer is deleted or overwritten in a later one; its bytes still
    ship.

    ## Why
    Layers only add. `COPY app.tar.gz /tmp/` then `RUN tar xzf /tmp/app.tar.gz && rm
    /tmp/app.tar.gz` ships the archive *and* its contents; `RUN chmod -R` or `chown -R` in a
    later layer copies every file again. Pulls get slower and registries fuller for nothing.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY dist.tar.gz /tmp/",
                 "files": [{"path": "tmp/dist.tar.gz", "size": 12582912}]},
                {"created_by": "RUN tar xzf /tmp/dist.tar.gz -C / && rm /tmp/dist.tar.gz",
                 "files": [{"path": "app", "mode": "0755", "elf": {}},
                           {"path": "tmp/dist.tar.gz", "whiteout": true}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "RUN --mount=type=bind,source=d.tgz,target=/tmp/d.tgz tar xzf /tmp/d.tgz",
                 "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Add and remove in the same RUN, use `ADD` (which unpacks local archives) or a bind/cache
    mount, or do the work in a build stage and `COPY --from` the result; set ownership and modes
    with `COPY --chown/--chmod` instead of a later `chown -R`.
    """

    code = "IM042"
    name = "large-files-deleted-later"
    category = Category.BUILD
    severity = Severity.WARNING
    target = ImageFacts
    fix = "add and delete in the same RUN, or build in a separate stage and COPY --from the result"

    @dataclass(frozen=True, slots=True)
    class Options:
        min_bytes: int = 10 << 20
        max_reported: int = 10

    def check(self, model: ImageFacts, options: Options) -> Iterator[Violation]:
        big = [w for w in model.wasted if w.size >= options.min_bytes]
        for wasted in big[: options.max_reported]:
            count = len(model.layers)
            added = model.layers[wasted.layer].label() if wasted.layer < count else "a layer"
            by = model.layers[wasted.by_layer].label() if wasted.by_layer < count else "a later layer"
            yield Violation(f"{wasted.path} ({human(wasted.size)}) is added by {added} and {wasted.how} by "
                            f"{by}: the {human(wasted.size)} still ship in the first layer",
                            model.location(wasted.path, wasted.layer))
