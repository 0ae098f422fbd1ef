from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageProblem


class ImagePlatformMismatch(Rule[ImageProblem]):
    """The image is for another platform than the one it will run on, or its index has no image
    for that platform.

    ## Why
    An image built on an Apple Silicon laptop is linux/arm64; an amd64 server runs it only under
    emulation, and otherwise every start fails with `exec /app: exec format error` after the
    warning `The requested image's platform (linux/arm64/v8) does not match the detected host
    platform (linux/amd64/v3)`. A multi-platform index without the node's platform fails the
    pull with `no matching manifest for linux/amd64 in the manifest list entries` (pitfall O4).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4", "platform": "linux/amd64",
     "config": {"architecture": "arm64", "config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755", "elf": {"machine": "arm64"}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4", "platform": "linux/arm64",
     "config": {"architecture": "arm64", "config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755", "elf": {"machine": "arm64"}}]}]}
    ```

    ## Fix
    Build for the platforms you deploy to: `docker buildx build --platform linux/amd64,linux/arm64`
    (with `GOARCH=$TARGETARCH` in Go builds), or check the image for the platform it is meant
    for with `--platform`.
    """

    code = "IM004"
    name = "image-built-for-other-platform"
    category = Category.PLATFORM
    severity = Severity.ERROR
    target = ImageProblem
    fix = "build for the platforms you deploy to (docker buildx build --platform linux/amd64,linux/arm64)"

    def check(self, model: ImageProblem, options: NoOptions) -> Iterator[Violation]:
        if model.kind != "platform":
            return
        yield Violation(model.message, model.location())
