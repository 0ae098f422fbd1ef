from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts
from deploycheck.rules.image._common import exec_findings


class BinaryArchitectureMismatch(Rule[ImageFacts]):
    """The program the container runs is built for another CPU than the image's platform.

    ## Why
    The image says linux/amd64, but the binary inside is arm64 (built on an Apple Silicon
    laptop and copied in, or `GOARCH` hard-coded in a multi-platform build). The kernel refuses
    it: `exec /app: exec format error` (pitfall O4). The image config cannot tell; only the
    ELF header can.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"architecture": "amd64", "config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"machine": "arm64", "go": {"version": "go1.22.3",
                                    "settings": {"GOARCH": "arm64", "GOOS": "linux",
                                                 "CGO_ENABLED": "0"}}}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"architecture": "amd64", "config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"machine": "amd64", "go": {"version": "go1.22.3",
                                    "settings": {"GOARCH": "amd64", "GOOS": "linux",
                                                 "CGO_ENABLED": "0"}}}}]}]}
    ```

    ## Fix
    Build the binary for the image's platform: `GOARCH=$TARGETARCH` with `docker buildx build
    --platform ...`, or build inside the Dockerfile instead of copying a host binary.
    """

    code = "IM015"
    name = "binary-architecture-mismatch"
    category = Category.PLATFORM
    severity = Severity.ERROR
    target = ImageFacts
    fix = "build for the image's platform (GOARCH=$TARGETARCH with docker buildx)"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        yield from exec_findings(model, ("arch",))
