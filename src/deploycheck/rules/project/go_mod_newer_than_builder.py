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
    Violation,
)
from deploycheck.model.dockerfile import Dockerfile, ImageFamily, Stage
from deploycheck.model.golang import GoMod
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_image import go_mod_for, go_version, older

# `go` subcommands that load the main module (and so check its go line).
_MODULE_COMMANDS = frozenset({"build", "mod", "test", "run", "generate", "vet", "list", "install",
                              "get"})


class GoModNewerThanBuilder(Rule[Project]):
    """go.mod asks for a newer Go than the `golang:` image that builds it, with GOTOOLCHAIN=local.

    ## Why
    Since Go 1.21 the `go` line of go.mod is a minimum: an older toolchain refuses the module.
    The official `golang` images set `GOTOOLCHAIN=local`, so instead of downloading a newer
    toolchain the build stops with
    `go: go.mod requires go >= 1.24.0 (running go 1.22.12; GOTOOLCHAIN=local)`. CI that installs
    Go from go.mod (`setup-go` with `go-version-file`) does not notice; the Docker build breaks
    after a dependency update bumped the `go` line (pitfall O3; templui/templui-quickstart#7).
    Only the `go` line is enforced: a newer `toolchain` line is a suggestion that
    `GOTOOLCHAIN=local` ignores.

    ## Bad
    ```Dockerfile
    FROM golang:1.22-alpine AS build
    WORKDIR /src
    COPY go.mod ./
    RUN go mod download
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM alpine:3.20
    COPY --from=build /out/app /app
    ENTRYPOINT ["/app"]
    ```

    ```go.mod
    module example.com/app

    go 1.24
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.24-alpine AS build
    WORKDIR /src
    COPY go.mod ./
    RUN go mod download
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM alpine:3.20
    COPY --from=build /out/app /app
    ENTRYPOINT ["/app"]
    ```

    ```go.mod
    module example.com/app

    go 1.24
    ```

    ## Fix
    Build with a `golang:` tag at least as new as the go.mod `go` line (`FROM golang:1.24`), or
    let Go fetch the toolchain it needs with `ENV GOTOOLCHAIN=auto` in the build stage.
    """

    code = "DC720"
    name = "go-mod-newer-than-builder"
    category = Category.BUILD
    severity = Severity.ERROR
    target = Project
    fix = "use a golang image at least as new as the go.mod `go` line, or set ENV GOTOOLCHAIN=auto"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        seen: set[tuple[str, int, str]] = set()
        for dep in model.of(Deployment):
            if dep.dockerfile is None:
                continue
            mod = go_mod_for(model, dep)
            if mod is None or mod.go_pos is None:
                continue
            need = go_version(mod.go_version)
            if need is None or need < (1, 21):
                continue
            for stage in dep.dockerfile.stages:
                key = (dep.dockerfile.path, stage.index, mod.path)
                if key in seen:
                    continue
                seen.add(key)
                violation = self._stage(dep.dockerfile, stage, mod, need)
                if violation is not None:
                    yield violation

    def _stage(self, df: Dockerfile, stage: Stage, mod: GoMod,
               need: tuple[int, ...]) -> Violation | None:
        traits = stage.base_traits
        if traits.family is not ImageFamily.GOLANG or stage.parent is not None:
            return None  # a stage FROM another stage is judged at the stage holding the FROM
        have = go_version(traits.golang_version)
        # golang:1.20 and older predate toolchain switching and do not enforce the go line.
        if have is None or len(have) < 2 or have < (1, 21) or not older(have, need):
            return None
        if _toolchain_allowed(df, stage):
            return None
        run = _first_go_run(df, stage)
        if run is None:
            return None
        toolchain = ""
        if mod.toolchain:
            toolchain = f" (its `toolchain {mod.toolchain}` line is only a suggestion)"
        version = traits.golang_version or ""
        related = [Related(Location.at(mod.path, mod.go_pos),
                           f"go.mod requires go >= {mod.go_version}{toolchain}"),
                   Related(Location.at(df.path, run),
                           "the first go command to read go.mod fails here")]
        return Violation(
            f"stage {stage.label} builds with {stage.root_image} (Go {version}) but "
            f"{mod.path}:{mod.go_pos.line if mod.go_pos else 0} says `go {mod.go_version}`; "
            "the golang image pins GOTOOLCHAIN=local, so `docker build` fails with "
            f"`go: go.mod requires go >= {mod.go_version} (running go {version}.x; "
            "GOTOOLCHAIN=local)`",
            Location.at(df.path, stage.root_image_pos),
            tuple(related),
            fix=f"use `FROM golang:{'.'.join(str(n) for n in need[:2])}` (or newer) in stage "
                f"{stage.label}, or add `ENV GOTOOLCHAIN=auto` to it",
        )


def _toolchain_allowed(df: Dockerfile, stage: Stage) -> bool:
    """GOTOOLCHAIN set to anything but `local` for the stage's go commands (ENV, ARG, `go env
    -w`, or on the command line)."""
    for st in df.stages:
        if not any(c.index == stage.index for c in st.chain()):
            continue
        env = st.env.get("GOTOOLCHAIN")
        if env is not None and env.value.strip().lower() != "local":
            return True
        if any(a.name == "GOTOOLCHAIN" for a in st.args):
            return True
        defaults = st.go_env_defaults()
        if "GOTOOLCHAIN" in defaults and defaults["GOTOOLCHAIN"][0].lower() != "local":
            return True
        for run in st.runs:
            for command in run.commands():
                value = command.env().get("GOTOOLCHAIN")
                if value is not None and value.lower() != "local":
                    return True
                words = command.words
                if len(words) > 3 and words[1] == "env" and "-w" in words and any(
                        w.startswith("GOTOOLCHAIN=") and w.lower() != "gotoolchain=local"
                        for w in words):
                    return True
    return any(a.name == "GOTOOLCHAIN" for a in df.global_args)


def _first_go_run(df: Dockerfile, stage: Stage) -> Position | None:
    """The position of the first RUN (in the stage or a stage built on it) whose go command
    loads the main module."""
    for st in df.stages:
        if not any(c.index == stage.index for c in st.chain()):
            continue
        for run in st.runs:
            for command in run.commands():
                words = command.words
                if not words or words[0].rpartition("/")[2] != "go" or len(words) < 2:
                    continue
                if words[1] not in _MODULE_COMMANDS:
                    continue
                if words[1] in ("install", "run", "get") and any("@" in w for w in words[2:]):
                    continue  # `go install tool@v1.2` builds another module
                return run.pos
    return None
