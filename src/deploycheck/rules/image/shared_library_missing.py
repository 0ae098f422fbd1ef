from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts
from deploycheck.rules.image._common import exec_findings


class SharedLibraryMissing(Rule[ImageFacts]):
    """A shared library the entrypoint needs (DT_NEEDED, directly or through another library) is
    nowhere the dynamic loader looks.

    ## Why
    The loader searches DT_RPATH, `LD_LIBRARY_PATH`, DT_RUNPATH, the folders of `ld.so.conf`
    and the default folders. A library that was in the build stage but not installed in the
    runtime stage stops every start with `/app: error while loading shared libraries:
    libpq.so.5: cannot open shared object file: No such file or directory` (glibc) or
    `Error loading shared library libpq.so.5: No such file or directory` (musl) — pitfall D2.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "FROM debian:bookworm-slim",
                 "files": [{"path": "lib64/ld-linux-x86-64.so.2", "mode": "0755", "elf": {"type": "dyn"}},
                           {"path": "lib/x86_64-linux-gnu/libc.so.6", "mode": "0755",
                            "elf": {"type": "dyn", "soname": "libc.so.6"}}]},
                {"created_by": "COPY --from=build /out/app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"interp": "/lib64/ld-linux-x86-64.so.2",
                                    "needed": ["libpq.so.5", "libc.so.6"]}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "FROM debian:bookworm-slim",
                 "files": [{"path": "lib64/ld-linux-x86-64.so.2", "mode": "0755", "elf": {"type": "dyn"}},
                           {"path": "lib/x86_64-linux-gnu/libc.so.6", "mode": "0755",
                            "elf": {"type": "dyn", "soname": "libc.so.6"}}]},
                {"created_by": "RUN apt-get install -y libpq5",
                 "files": [{"path": "usr/lib/x86_64-linux-gnu/libpq.so.5", "link": "libpq.so.5.15"},
                           {"path": "usr/lib/x86_64-linux-gnu/libpq.so.5.15", "mode": "0644",
                            "elf": {"type": "dyn", "soname": "libpq.so.5", "needed": ["libc.so.6"]}}]},
                {"created_by": "COPY --from=build /out/app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"interp": "/lib64/ld-linux-x86-64.so.2",
                                    "needed": ["libpq.so.5", "libc.so.6"]}}]}]}
    ```

    ## Fix
    Install the runtime package of the library in the final stage (`apt-get install -y
    --no-install-recommends libpq5`, `apk add libpq`), or link statically.
    """

    code = "IM017"
    name = "entrypoint-library-missing"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = ImageFacts
    fix = "install the library's runtime package in the final stage, or link statically"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        yield from exec_findings(model, ("library",))
