from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.golang import GoMod
from deploycheck.model.project import Project
from deploycheck.rules.golang._common import at, where


class GoSumMissing(Rule[Project]):
    """go.mod requires modules but there is no go.sum next to it.

    ## Why
    `go build` verifies every downloaded module against go.sum and refuses to guess: without it
    the build (typically `RUN go build` in the Dockerfile) stops with
    `missing go.sum entry for module providing package github.com/gin-gonic/gin (imported by
    example.com/app); to add: go get example.com/app`. go.sum belongs in version control next to
    go.mod (a vendor/ folder with modules.txt replaces it for `-mod=vendor` builds).

    ## Bad
    ```go.mod
    module example.com/app

    go 1.22

    require github.com/gin-gonic/gin v1.10.0
    ```

    ## Good
    ```go.mod
    module example.com/app

    go 1.22

    require github.com/gin-gonic/gin v1.10.0
    ```

    ```go.sum
    github.com/gin-gonic/gin v1.10.0 h1:nTuyha1TYqgedzytsKYqna+DfLos46nTv2ygFy86HFU=
    github.com/gin-gonic/gin v1.10.0/go.mod h1:4PMNQiOhvDRa013RKVbsiNwoyezlm2rm0uX/T7kzp5Y=
    ```

    ## Fix
    Run `go mod tidy` and commit go.sum (and make sure .dockerignore does not exclude it).
    """

    code = "DC512"
    name = "go-sum-missing"
    category = Category.BUILD
    severity = Severity.ERROR
    target = Project
    fix = "run `go mod tidy` and commit the go.sum it writes next to go.mod"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for mod in model.of(GoMod):
            if not mod.requires:
                continue
            prefix = f"{mod.directory}/" if mod.directory else ""
            if model.has_file(prefix + "go.sum") or model.has_file(prefix + "vendor/modules.txt"):
                continue
            first = mod.requires[0]
            yield Violation(
                f"{where(mod.path, first.pos)}: go.mod requires {len(mod.requires)} module(s) but there is "
                f"no {prefix}go.sum, so `go build` fails with `missing go.sum entry for module providing "
                f"package {first.module}`",
                at(mod.path, first.pos),
            )
