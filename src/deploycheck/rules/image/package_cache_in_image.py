from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model import Category, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts, human

_CACHES = (
    ("/var/cache/apt/archives/", "apt's downloaded .deb files", "apt-get clean in the same RUN, "
     "or RUN --mount=type=cache,target=/var/cache/apt"),
    ("/var/lib/apt/lists/", "apt's package lists", "&& rm -rf /var/lib/apt/lists/* in the same RUN"),
    ("/var/cache/apk/", "apk's cache", "apk add --no-cache"),
    ("/root/.cache/pip/", "pip's cache", "pip install --no-cache-dir"),
    ("/root/.cache/go-build/", "Go's build cache", "a separate build stage, or RUN --mount=type=cache"),
    ("/go/pkg/mod/", "Go's module cache", "a separate build stage"),
    ("/root/go/pkg/mod/", "Go's module cache", "a separate build stage"),
    ("/root/.npm/", "npm's cache", "npm ci && npm cache clean --force, or a cache mount"),
    ("/usr/local/share/.cache/yarn/", "yarn's cache", "yarn install && yarn cache clean"),
    ("/root/.cache/yarn/", "yarn's cache", "yarn install && yarn cache clean"),
    ("/root/.cargo/registry/", "cargo's registry", "a separate build stage"),
    ("/var/cache/yum/", "yum's cache", "yum clean all in the same RUN"),
    ("/var/cache/dnf/", "dnf's cache", "dnf clean all in the same RUN"),
)


class PackageCacheInImage(Rule[ImageFacts]):
    """Package-manager caches (apt lists, pip, npm, Go module cache ...) were left in the image.

    ## Why
    Caches are only useful while building. Left in a layer they add megabytes to every pull
    (apt lists alone ~20-40 MB) and can hold stale or private package metadata. Deleting them in
    a later RUN does not help: the earlier layer still ships them.

    ## Bad
    ```image.json
    {"image": "shop/web:2.0",
     "config": {"config": {"Cmd": ["gunicorn", "app:app"]}},
     "layers": [{"created_by": "RUN pip install -r requirements.txt",
                 "files": [{"path": "root/.cache/pip/http/a/b/c", "size": 2097152}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/web:2.0",
     "config": {"config": {"Cmd": ["gunicorn", "app:app"]}},
     "layers": [{"created_by": "RUN pip install --no-cache-dir -r requirements.txt",
                 "files": [{"path": "usr/local/lib/python3.11/site-packages/app.py", "size": 2097152}]}]}
    ```

    ## Fix
    Clean in the same RUN that fills the cache (`apt-get install ... && rm -rf
    /var/lib/apt/lists/*`, `pip install --no-cache-dir`, `apk add --no-cache`), or use BuildKit
    cache mounts (`RUN --mount=type=cache,target=/root/.cache/pip`).
    """

    code = "IM041"
    name = "package-cache-in-image"
    category = Category.BUILD
    severity = Severity.INFO
    target = ImageFacts
    fix = "clean the cache in the same RUN, or use a BuildKit cache mount"

    @dataclass(frozen=True, slots=True)
    class Options:
        min_bytes: int = 1 << 20

    def check(self, model: ImageFacts, options: Options) -> Iterator[Violation]:
        sizes = [0] * len(_CACHES)
        for path, entry in model.files.items():
            if entry.kind != "file":
                continue
            for index, (prefix, _, _) in enumerate(_CACHES):
                if path.startswith(prefix):
                    sizes[index] += entry.size
                    break
        for (prefix, what, fix), size in zip(_CACHES, sizes, strict=True):
            if size >= options.min_bytes:
                yield Violation(f"{prefix} holds {what}, {human(size)} that every pull carries and the "
                                "running app never reads", model.location(prefix.rstrip("/")), fix=fix)
