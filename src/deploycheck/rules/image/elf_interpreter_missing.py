from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts
from deploycheck.rules.image._common import exec_findings


class ElfInterpreterMissing(Rule[ImageFacts]):
    """The entrypoint is dynamically linked and its loader (PT_INTERP) is not in the image:
    a cgo or glibc binary on scratch, distroless/static or alpine.

    ## Why
    A Go binary built with cgo on (the default when a C compiler is present; `net` and
    `os/user` use it) needs `/lib64/ld-linux-x86-64.so.2`. On scratch there is none, on alpine
    there is musl's loader instead. The file is there, yet the start fails with
    `exec /app: no such file or directory` (busybox: `sh: ./app: not found`) — pitfall D1, the
    most puzzling error of Go-in-containers.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY --from=build /out/app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"interp": "/lib64/ld-linux-x86-64.so.2", "needed": ["libc.so.6"],
                                    "go": {"version": "go1.22.3", "settings": {"CGO_ENABLED": "1"}}}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY --from=build /out/app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"go": {"version": "go1.22.3", "settings": {"CGO_ENABLED": "0"}}}}]}]}
    ```

    ## Fix
    Build a static binary (`CGO_ENABLED=0 go build`, with `-tags netgo,osusergo` if needed), or
    run on a base image with the C library the binary was built against (debian-slim,
    distroless/base for glibc; alpine for musl-built binaries).
    """

    code = "IM016"
    name = "elf-interpreter-missing"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = ImageFacts
    fix = "build a static binary (CGO_ENABLED=0), or run on a base image with the matching C library"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        yield from exec_findings(model, ("loader",))
