from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageProblem


class ImageReadLimit(Rule[ImageProblem]):
    """Reading the image stopped at a bound: a layer that decompresses far beyond its size (a
    compression bomb), or more data or members than the limits allow.

    ## Why
    A few megabytes of gzip can expand to gigabytes of zeros. Every node that pulls the image
    unpacks it: `docker pull` fills the disk (`no space left on device`) and evicts other pods
    (`The node was low on resource: ephemeral-storage`). deploycheck reads layers as streams and
    stops at `--max-ratio` (decompressed:compressed, default 100:1 beyond 512 MiB) and
    `--max-bytes`, so a hostile image cannot exhaust the machine that checks it.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "limits": {"max_ratio": 10, "ratio_floor": 65536},
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY data /data", "compression": "gzip",
                 "files": [{"path": "app", "mode": "0755", "elf": {}},
                           {"path": "data/blob", "size": 2097152}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY data /data", "compression": "gzip",
                 "files": [{"path": "app", "mode": "0755", "elf": {}},
                           {"path": "data/blob", "size": 2097152}]}]}
    ```

    ## Fix
    If the image is yours and the large, highly compressible file is intended, raise the bound
    (`--max-ratio 1000`, `--max-bytes 200G`); better, keep such data out of the image. If not,
    do not pull it onto shared nodes.
    """

    code = "IM003"
    name = "image-read-limit"
    category = Category.SECURITY
    severity = Severity.ERROR
    target = ImageProblem
    fix = "keep huge compressible data out of the image, or raise --max-ratio/--max-bytes if intended"

    def check(self, model: ImageProblem, options: NoOptions) -> Iterator[Violation]:
        if model.kind != "limit":
            return
        yield Violation(f"reading stopped at a safety bound: {model.message}", model.location())
