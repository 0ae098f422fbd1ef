from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts
from deploycheck.rules.image._common import exec_findings


class SymbolVersionMissing(Rule[ImageFacts]):
    """The entrypoint needs a symbol version (GLIBC_2.34, ...) the image's libraries do not
    define: it was built on a newer distribution than it runs on.

    ## Why
    A binary linked on Debian 12 or Ubuntu 22.04 (glibc 2.34+) and copied into a Debian 11 or
    older runtime image fails at every start with `/app: /lib/x86_64-linux-gnu/libc.so.6: version
    `GLIBC_2.34' not found (required by /app)`. The builder and runtime images drifted apart
    (`golang:1.22` is bookworm, the runtime `debian:bullseye-slim`).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "FROM debian:bullseye-slim",
                 "files": [{"path": "lib64/ld-linux-x86-64.so.2", "mode": "0755", "elf": {"type": "dyn"}},
                           {"path": "lib/x86_64-linux-gnu/libc.so.6", "mode": "0755",
                            "elf": {"type": "dyn", "soname": "libc.so.6",
                                    "versions_defined": ["GLIBC_2.2.5", "GLIBC_2.28", "GLIBC_2.31"]}}]},
                {"created_by": "COPY --from=build /out/app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"interp": "/lib64/ld-linux-x86-64.so.2", "needed": ["libc.so.6"],
                                    "versions_needed": {"libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.34"]}}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "FROM debian:bookworm-slim",
                 "files": [{"path": "lib64/ld-linux-x86-64.so.2", "mode": "0755", "elf": {"type": "dyn"}},
                           {"path": "lib/x86_64-linux-gnu/libc.so.6", "mode": "0755",
                            "elf": {"type": "dyn", "soname": "libc.so.6",
                                    "versions_defined": ["GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_2.36"]}}]},
                {"created_by": "COPY --from=build /out/app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"interp": "/lib64/ld-linux-x86-64.so.2", "needed": ["libc.so.6"],
                                    "versions_needed": {"libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.34"]}}}]}]}
    ```

    ## Fix
    Build and run on the same distribution release (e.g. `golang:1.22-bookworm` with
    `debian:bookworm-slim`), or build a static binary.
    """

    code = "IM019"
    name = "symbol-version-missing"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = ImageFacts
    fix = "build and run on the same distribution release, or build a static binary"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        yield from exec_findings(model, ("version",))
