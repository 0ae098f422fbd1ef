from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import (
    Category,
    Location,
    NoOptions,
    Position,
    Related,
    Rule,
    Severity,
    TextEdit,
    Violation,
)
from deploycheck.model.dockerfile import Dockerfile, GoBuild, ImageFamily, Stage
from deploycheck.rules.dockerfile._common import at, image_desc


class GoCgoBinaryWrongLibc(Rule[Dockerfile]):
    """A Go binary built with cgo on a glibc builder, then run on alpine, scratch or static.

    ## Why
    The Debian-based `golang:<version>` images ship gcc, so `go build` enables cgo by default,
    and any program that imports `net` or `os/user` (every web server) is linked dynamically
    against glibc, with the interpreter `/lib64/ld-linux-x86-64.so.2`. Alpine (musl), `scratch`
    and `distroless/static` have no glibc, so the container exits at once with
    `exec /app: no such file or directory` (older runtimes: `standard_init_linux.go:178: exec
    user process caused "no such file or directory"`) although the file is there (pitfall D1;
    gin-gonic/gin#1178).

    ## Bad
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN go build -o /out/server .

    FROM alpine:3.19
    COPY --from=build /out/server /server
    ENTRYPOINT ["/server"]
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/server .

    FROM alpine:3.19
    COPY --from=build /out/server /server
    ENTRYPOINT ["/server"]
    ```

    ## Fix
    Build a static binary with `CGO_ENABLED=0 go build ...` (add `-tags netgo,osusergo` if you
    keep cgo for something else), or run it on a glibc image (`gcr.io/distroless/base`,
    `debian:bookworm-slim`). Code that needs cgo (go-sqlite3) must be built and run on the same
    libc.
    """

    code = "DC103"
    name = "go-cgo-binary-wrong-libc"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = Dockerfile
    fix = "build with CGO_ENABLED=0 (e.g. `RUN CGO_ENABLED=0 go build -o /out/app .`)"

    def check(self, model: Dockerfile, options: NoOptions) -> Iterator[Violation]:
        for stage in model.stages:
            traits = stage.base_traits
            if traits.family is not ImageFamily.GOLANG or traits.libc != "glibc":
                continue
            for build in stage.go_builds():
                if not _dynamic(build) or build.output is None:
                    continue
                for target, copy in model.runtime_stages_of(stage, build.output):
                    t = target.traits
                    if t.libc not in ("musl", "none"):
                        continue
                    yield self._violation(model, stage, build, target, copy.pos, t.libc)
                    break

    def _violation(self, model: Dockerfile, stage: Stage, build: GoBuild, target: Stage,
                   copy_pos: Position, libc: str) -> Violation:
        cgo = ("CGO_ENABLED=1" if build.cgo == "1"
               else "cgo on, the default where gcc is installed")
        lacks = "musl, not glibc" if libc == "musl" else "no C library at all"
        related = [
            Related(Location.at(model.path, stage.root_image_pos),
                    f"builder {stage.root_image} links against glibc"),
            Related(Location.at(model.path, copy_pos),
                    f"the binary is copied into stage {target.label}"),
            Related(Location.at(model.path, target.root_image_pos),
                    f"{target.root_image} has {lacks}"),
        ]
        if build.cgo_pos is not None and build.cgo == "1":
            related.insert(0, Related(Location.at(model.path, build.cgo_pos),
                                      "CGO_ENABLED=1 is set here"))
        return Violation(
            f"`go build -o {build.output}` in stage {stage.label} runs on {stage.root_image} "
            f"with {cgo}, so the binary is linked against glibc; stage {target.label} runs it on "
            f"{image_desc(target)}, which has {lacks}, so the container fails with "
            f"`exec {build.output}: no such file or directory`",
            at(model, build.pos),
            tuple(related),
            edits=_disable_cgo(model, stage, build),
            # The Dockerfile alone cannot tell whether the code needs cgo (go-sqlite3...): then
            # CGO_ENABLED=0 breaks the build or the driver (DC721 says so), hence unsafe.
            safe_fix=False,
        )


def _disable_cgo(model: Dockerfile, stage: Stage, build: GoBuild) -> tuple[TextEdit, ...]:
    """`ENV CGO_ENABLED=0` before the stage's first `go build` that runs with Go's default;
    an explicit CGO_ENABLED=1 is the author's choice and gets no automatic edit."""
    if build.cgo is not None:
        return ()
    first = min((b.pos.line for b in stage.go_builds() if b.cgo is None), default=build.pos.line)
    before = [i.end_line for i in model.instructions if stage.pos.line <= i.end_line < first]
    line = max(before) + 1 if before else first
    return (TextEdit(model.path, line, 1, line, 1, "ENV CGO_ENABLED=0\n"),)


def _dynamic(build: GoBuild) -> bool:
    if build.cgo_disabled or build.static_link:
        return False
    if build.goos not in (None, "linux"):
        return False
    tags = set(build.tags)
    # netgo + osusergo replace the two std packages that pull cgo into web servers.
    return not {"netgo", "osusergo"} <= tags
