from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts, human

_SHELLS = {"sh", "bash", "ash", "dash", "zsh", "python", "python3", "go", "gcc", "node", "irb", "jshell"}


class BuildToolsInRuntimeImage(Rule[ImageFacts]):
    """An image that runs an app still holds a compiler or toolchain.

    ## Why
    Compilers belong in the build stage. In the runtime image they add hundreds of megabytes to
    every pull and deploy, widen what a scanner reports, and give an attacker who gets in a way
    to build tools on the spot. Usually the Dockerfile builds in a single stage, or the final
    stage starts `FROM golang` or `FROM python` (not `-slim`).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "FROM golang:1.22",
                 "files": [{"path": "usr/local/go/bin/go", "mode": "0755", "size": 1000}]},
                {"created_by": "RUN go build -o /app .",
                 "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY --from=build /app /app",
                 "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Build in a separate stage and copy only the result (`FROM golang:1.22 AS build` ...
    `FROM gcr.io/distroless/static` + `COPY --from=build /app /app`); for Python, build wheels in
    a builder stage and install them into a `-slim` image.
    """

    code = "IM040"
    name = "build-tools-in-runtime-image"
    category = Category.BUILD
    severity = Severity.INFO
    target = ImageFacts
    fix = "build in a separate stage and copy only the result into a small runtime image"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        argv, _ = model.command()
        if not argv or argv[0].rpartition("/")[2] in _SHELLS:
            return  # a base or toolchain image: what it runs is the tool itself
        found = model.build_tools()
        if not found:
            return
        size = 0
        for path, entry in model.files.items():
            if entry.kind == "file" and path.startswith(("/usr/lib/gcc/", "/usr/local/go/", "/usr/lib/go-",
                                                         "/usr/lib/llvm", "/usr/local/rustup/",
                                                         "/usr/local/cargo/")):
                size += entry.size
        names = ", ".join(f"{w} ({p})" for w, p in found)
        weight = f", about {human(size)}" if size >= 1 << 20 else ""
        yield Violation(f"the image runs {argv[0]} but still holds {names}{weight}: every pull and "
                        "deploy carries it, and an intruder gets a compiler", model.location(found[0][1]))
