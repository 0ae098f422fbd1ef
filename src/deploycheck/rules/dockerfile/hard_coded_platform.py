from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.dockerfile import Dockerfile
from deploycheck.rules.dockerfile._common import at


class HardCodedPlatform(Rule[Dockerfile]):
    """The final stage pins `--platform`, or a Go build hard-codes GOARCH, without TARGETARCH.

    ## Why
    `FROM --platform=linux/amd64` in the final stage, or `GOARCH=amd64` in the build, makes an
    amd64 image or binary whatever platform is requested: on arm64 nodes (Graviton, Apple
    Silicon, Raspberry Pi) it dies with `exec /app: exec format error`, and multi-platform
    builds (`docker buildx build --platform linux/amd64,linux/arm64`) produce an "arm64" image
    holding an amd64 binary (pitfall O4; GoogleCloudPlatform/microservices-demo#2688).

    ## Bad
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    ENV GOARCH=amd64
    RUN CGO_ENABLED=0 go build -o /out/server .

    FROM gcr.io/distroless/static-debian12
    COPY --from=build /out/server /server
    ENTRYPOINT ["/server"]
    ```

    ## Good
    ```Dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    ARG TARGETOS TARGETARCH
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/server .

    FROM gcr.io/distroless/static-debian12
    COPY --from=build /out/server /server
    ENTRYPOINT ["/server"]
    ```

    ## Fix
    Let the builder choose: drop `--platform` from the final stage, declare `ARG TARGETOS
    TARGETARCH` and build with `GOOS=$TARGETOS GOARCH=$TARGETARCH`; build with
    `docker buildx build --platform ...`.
    """

    code = "DC113"
    name = "hard-coded-platform"
    category = Category.PLATFORM
    severity = Severity.WARNING
    target = Dockerfile
    fix = "use $TARGETPLATFORM / $TARGETARCH instead of a fixed platform"

    def check(self, model: Dockerfile, options: NoOptions) -> Iterator[Violation]:
        final = model.final
        if final is not None and final.platform_raw and "$" not in final.platform_raw:
            yield Violation(
                f"the final stage is pinned to --platform={final.platform_raw}: on any other "
                "platform the container fails with `exec format error`, and multi-platform "
                "builds all produce this one architecture",
                at(model, final.pos),
                fix="remove --platform from the final stage (BuildKit uses the target platform)",
            )
        uses_target = any("TARGETARCH" in ins.raw or "TARGETPLATFORM" in ins.raw
                          for ins in model.instructions)
        if uses_target:
            return
        seen: set[tuple[int, int]] = set()
        for stage in model.stages:
            arg_lines = {(a.pos.line, a.pos.column) for a in stage.args}
            for build in stage.go_builds():
                if build.goarch is None or "$" in build.goarch or build.goarch_pos is None:
                    continue
                key = (build.goarch_pos.line, build.goarch_pos.column)
                if key in arg_lines or key in seen:
                    continue  # an ARG default is meant to be overridden with --build-arg
                seen.add(key)
                related: tuple[Related, ...] = ()
                if build.goarch_pos.line != build.pos.line:
                    related = (Related(Location.at(model.path, build.pos),
                                       "the go build that uses it"),)
                yield Violation(
                    f"GOARCH={build.goarch} is fixed for `go build` in stage {stage.label}: "
                    "built for another platform the binary fails with `exec format error`",
                    at(model, build.goarch_pos),
                    related,
                    fix="declare `ARG TARGETARCH` and build with GOARCH=$TARGETARCH",
                )
