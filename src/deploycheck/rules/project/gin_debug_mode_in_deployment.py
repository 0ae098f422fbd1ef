from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.links import Deployment
from deploycheck.rules.project._common_image import dev_deployment


class GinDebugModeInDeployment(Rule[Deployment]):
    """A Gin app is deployed without `GIN_MODE=release` and never switches to release mode.

    ## Why
    Gin starts in debug mode unless `GIN_MODE=release` is in the environment or the code calls
    `gin.SetMode(gin.ReleaseMode)` first. In debug mode it prints
    `[GIN-debug] [WARNING] Running in "debug" mode. Switch to "release" mode in production.`
    and a line for every route, and logs more than production needs (pitfall L3;
    louketo/louketo-proxy#76). deploycheck looks at the run-time environment of each deployment:
    the Dockerfile's ENV, compose `environment`/`env_file` and Kubernetes `env` (an ARG does not
    reach the container: DC110 reports that case, and DC507 a SetMode call that comes too late).

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

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        r.GET("/ping", func(c *gin.Context) { c.String(200, "pong") })
        r.Run(":8080")
    }
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22-alpine AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM alpine:3.20
    ENV GIN_MODE=release
    COPY --from=build /out/app /app
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        r.GET("/ping", func(c *gin.Context) { c.String(200, "pong") })
        r.Run(":8080")
    }
    ```

    ## Fix
    Set `GIN_MODE=release` where the container runs (`ENV GIN_MODE=release` in the final stage,
    or the compose/Kubernetes environment), or call `gin.SetMode(gin.ReleaseMode)` before
    `gin.New()`/`gin.Default()`.
    """

    code = "DC727"
    name = "gin-debug-mode-in-deployment"
    category = Category.OBSERVABILITY
    severity = Severity.WARNING
    target = Deployment
    fix = ("set GIN_MODE=release in the container's environment (ENV in the final stage, compose or "
           "Kubernetes env)")

    def check(self, model: Deployment, options: NoOptions) -> Iterator[Violation]:
        go = model.go
        if go is None or model.stage is None or model.dockerfile is None:
            return
        engines = [e for e in go.engines if e.framework == "gin"]
        if not engines or model.env_opaque or dev_deployment(model):
            return
        # Any SetMode call decides the mode itself (DC507 judges its place); one that passes
        # an environment variable other than GIN_MODE leaves the mode unknown.
        if any(m.value or m.env_var != "GIN_MODE" for m in go.set_modes):
            return
        if model.env_setting("GIN_MODE") is not None:
            return  # set for the container (to release, or deliberately to something else)
        final = model.stage
        if any(a.name == "GIN_MODE" for s in final.chain() for a in s.args) or any(
                a.name == "GIN_MODE" for a in model.dockerfile.global_args):
            return  # DC110: declared as ARG only
        engine = engines[0]
        where = model.location
        if model.kind == "docker":
            where = Location.at(model.dockerfile.path, final.pos)
        places = {"compose": "the service's `environment`", "kubernetes": "the container's `env`",
                  "docker": f"an `ENV` in the final stage of {model.dockerfile.path}"}
        df = model.dockerfile.path
        sources = {"compose": f"neither the ENV of {df} nor the compose environment sets it",
                   "kubernetes": f"neither the ENV of {df} nor the container's env sets it",
                   "docker": f"no ENV of {df} sets it"}
        yield Violation(
            f"{model.label} runs the Gin app of {engine.path} without GIN_MODE "
            f"({sources[model.kind]}), and the code never calls gin.SetMode, so Gin "
            "runs in debug mode and prints "
            "`[GIN-debug] [WARNING] Running in \"debug\" mode. Switch to \"release\" mode in production.`",
            where,
            (Related(Location.at(engine.path, engine.pos),
                     f"gin.{engine.constructor}() creates the engine in debug mode"),),
            fix=f"set GIN_MODE=release in {places[model.kind]} (or call gin.SetMode(gin.ReleaseMode) "
                f"before gin.{engine.constructor}())",
        )
