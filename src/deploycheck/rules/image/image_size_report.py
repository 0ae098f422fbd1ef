from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import SizeReport, human


class ImageSizeReport(Rule[SizeReport]):
    """The image's size report (`--sizes`): each layer's size and waste, and the largest files.

    ## Why
    Pull time is deploy time: a node pulling a 1.2 GB image on every scale-up starts pods
    minutes late. Knowing which layer carries the weight, which files are largest and how many
    bytes are hidden by later layers tells where to cut. With `--format text` the report is a
    table after the findings; other formats carry it as these info findings.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4", "sizes": true,
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app", "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app", "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Nothing to fix: it is a report, shown only with `--sizes`.
    """

    code = "IM050"
    name = "image-size-report"
    category = Category.BUILD
    severity = Severity.INFO
    target = SizeReport
    fix = "see the largest layers and files; move build-only content to a build stage"

    def check(self, model: SizeReport, options: NoOptions) -> Iterator[Violation]:
        image = model.image
        count = len(image.layers)
        yield Violation(f"{count} layer{'s' if count != 1 else ''}, {human(model.total())} of files, "
                        f"{human(model.wasted())} hidden by later layers", image.location())
        for layer in image.layers:
            waste = f", {human(layer.wasted)} hidden later" if layer.wasted else ""
            entries = f"{layer.files} entr{'ies' if layer.files != 1 else 'y'}"
            yield Violation(f"{layer.label()}: {human(layer.size)} in {entries}{waste}",
                            image.location(layer=layer.index))
        for entry in model.largest_files():
            yield Violation(f"large file: {entry.path} {human(entry.size)}", image.location(entry.path))
