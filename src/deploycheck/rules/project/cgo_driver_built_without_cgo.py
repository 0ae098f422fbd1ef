from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.dockerfile import Dockerfile, GoBuild, Stage
from deploycheck.model.golang import Evidence
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_image import (
    builds_for,
    builds_package,
    from_related,
    go_mod_for,
    image_groups,
)


class CgoDriverBuiltWithoutCgo(Rule[Project]):
    """The app imports a package that needs cgo, but the image builds it without cgo or runs it
    without a matching C library.

    ## Why
    `github.com/mattn/go-sqlite3` (and gorm's sqlite driver, confluent-kafka-go, go-oci8, ...)
    wrap C code. Built with `CGO_ENABLED=0`, go-sqlite3 compiles a stub, and the first query
    fails with `Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This
    is a stub` (pitfall D3; owncast/owncast#60, mattn/go-sqlite3#855).
    The opposite mistake is as fatal: with cgo on, the binary is linked against the builder's C
    library, so on `scratch`, `distroless/static` or a different libc it dies with
    `exec /app: no such file or directory` (D1). The usual advice for that, `CGO_ENABLED=0`, is
    not an option when the source needs cgo: the runtime image must carry the same libc.

    ## Bad
    ```Dockerfile
    FROM golang:1.22-alpine AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM alpine:3.20
    COPY --from=build /out/app /app
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import (
        "database/sql"
        "net/http"

        _ "github.com/mattn/go-sqlite3"
    )

    func main() {
        db, _ := sql.Open("sqlite3", "/data/app.db")
        defer db.Close()
        http.ListenAndServe(":8080", nil)
    }
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22-alpine AS build
    RUN apk add --no-cache gcc musl-dev
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=1 go build -o /out/app .

    FROM alpine:3.20
    COPY --from=build /out/app /app
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import (
        "database/sql"
        "net/http"

        _ "github.com/mattn/go-sqlite3"
    )

    func main() {
        db, _ := sql.Open("sqlite3", "/data/app.db")
        defer db.Close()
        http.ListenAndServe(":8080", nil)
    }
    ```

    ## Fix
    Build with `CGO_ENABLED=1` (and `gcc musl-dev` on alpine builders), and run on an image with
    the builder's C library: alpine after `golang:*-alpine`, `gcr.io/distroless/base` or
    `debian:bookworm-slim` after `golang:<version>`. Or switch to a pure-Go package
    (`modernc.org/sqlite`, `github.com/glebarez/sqlite`) and keep `CGO_ENABLED=0`.
    """

    code = "DC721"
    name = "cgo-driver-built-without-cgo"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = Project
    fix = ("build with CGO_ENABLED=1 and run on an image with the builder's C library, or use a "
           "pure-Go driver (modernc.org/sqlite) with CGO_ENABLED=0")

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for df, final, deps in image_groups(model):
            dep = next((d for d in deps if d.go is not None and d.go.uses_cgo), None)
            if dep is None or dep.go is None:
                continue
            evidence = next((e for e in dep.go.cgo if e.strong), None)
            if evidence is None:
                continue
            builds = builds_for(df, final)
            mine = [(st, b) for st, b in builds if builds_package(dep, b, len(builds) == 1)]
            if not mine:
                continue
            extra = _require_related(model, dep, evidence)
            disabled = [(st, b) for st, b in mine if b.cgo_disabled or _no_compiler(st, b)]
            if disabled:
                st, build = disabled[0]
                yield self._stub(df, st, build, evidence, extra)
                continue
            st, build = mine[0]
            violation = self._wrong_libc(df, st, build, final, evidence, extra)
            if violation is not None:
                yield violation

    def _stub(self, df: Dockerfile, stage: Stage, build: GoBuild, evidence: Evidence,
              extra: tuple[Related, ...]) -> Violation:
        where = build.cgo_pos if build.cgo_disabled and build.cgo_pos else build.pos
        what = _what(evidence)
        why = (f"CGO_ENABLED=0 is in effect for `go build` in stage {stage.label}"
               if build.cgo_disabled else
               f"`go build` in stage {stage.label} runs without cgo: {stage.root_image} has no C "
               "compiler and nothing installs gcc, so Go turns cgo off")
        related = (Related(evidence.location, f"{what}: it needs cgo"),
                   Related(Location.at(df.path, build.pos), f"`go build` in stage {stage.label}"),
                   *extra)
        return Violation(
            f"{why}, but {evidence.path}:{evidence.pos.line} {what}, which needs cgo: the binary gets a stub "
            f"and fails at run time with `Binary was compiled with 'CGO_ENABLED=0', "
            f"{_short(evidence)} requires cgo to work. This is a stub`",
            Location.at(df.path, where),
            related,
        )

    def _wrong_libc(self, df: Dockerfile, stage: Stage, build: GoBuild, final: Stage,
                    evidence: Evidence, extra: tuple[Related, ...]) -> Violation | None:
        if build.static_link or build.goos not in (None, "linux"):
            return None
        built = stage.traits.libc
        runs = final.traits.libc
        if built not in ("glibc", "musl") or runs not in ("glibc", "musl", "none"):
            return None
        if built == runs or stage.index in {s.index for s in final.chain()}:
            return None
        lacks = "no C library at all" if runs == "none" else f"{runs}, not {built}"
        what = _what(evidence)
        output = build.output or "the binary"
        image = ("gcr.io/distroless/base-debian12 or debian:bookworm-slim" if built == "glibc"
                 else "alpine (the builder's libc)")
        related = (Related(evidence.location, f"{what}: it needs cgo"),
                   Related(Location.at(df.path, build.pos),
                           f"`go build` in stage {stage.label} links against {built}"),
                   from_related(df, final), *extra)
        return Violation(
            f"{evidence.path}:{evidence.pos.line} {what}, which needs cgo, so `go build` at "
            f"{df.path}:{build.pos.line} links {output} against {built}; stage {final.label} "
            f"runs it on {final.root_image}, which has {lacks}, so the container fails with "
            f"`exec {output}: no such file or directory`. CGO_ENABLED=0 is not a fix here: the "
            f"source requires cgo",
            Location.at(df.path, final.root_image_pos),
            related,
            fix=f"run the binary on {image}, or link it statically "
                "(`-ldflags '-linkmode external -extldflags -static'`)",
        )


def _no_compiler(stage: Stage, build: GoBuild) -> bool:
    """cgo left at its default in an alpine golang image without gcc: Go (1.20+) disables cgo
    when it finds no C compiler."""
    if build.cgo is not None or stage.traits.libc != "musl":
        return False
    if stage.root_image.split(":")[0].rpartition("/")[2] != "golang":
        return False
    have = set(stage.traits.installed)
    return not have & {"gcc", "build-base", "clang", "musl-dev"}


def _what(evidence: Evidence) -> str:
    return evidence.what.removesuffix(" (needs cgo)")


def _short(evidence: Evidence) -> str:
    text = evidence.what.removeprefix("imports ").removesuffix(" (needs cgo)")
    return text.rpartition("/")[2] or text


def _require_related(model: Project, dep: Deployment, evidence: Evidence) -> tuple[Related, ...]:
    mod = go_mod_for(model, dep)
    if mod is None:
        return ()
    for req in mod.cgo_requires():
        if req.module in evidence.what:
            return (Related(Location.at(mod.path, req.pos), f"go.mod requires {req.module}"),)
    return ()
