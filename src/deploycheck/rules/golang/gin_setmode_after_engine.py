from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.golang import GoPackage
from deploycheck.rules.golang._common import at, quote, where


class GinSetModeAfterEngine(Rule[GoPackage]):
    """`gin.SetMode` is called after the Gin engine was created.

    ## Why
    `gin.Default()` and `gin.New()` read the global mode when they run: an engine created in
    debug mode prints `[GIN-debug] [WARNING] Running in "debug" mode. Switch to "release" mode in
    production.` and the other debug warnings into production logs, and code between the engine
    and `SetMode` still runs in debug mode. The release mode must be set before the router
    exists (pitfall L3; wso2/apk#2214, #2301).

    ## Bad
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        gin.SetMode(gin.ReleaseMode)
        r.Run(":8080")
    }
    ```

    ## Good
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        gin.SetMode(gin.ReleaseMode)
        r := gin.Default()
        r.Run(":8080")
    }
    ```

    ## Fix
    Call `gin.SetMode(gin.ReleaseMode)` before `gin.Default()`/`gin.New()`, or set
    `GIN_MODE=release` in the runtime environment (ENV in the Dockerfile, compose
    `environment:`, Kubernetes `env:`).
    """

    code = "DC507"
    name = "go-gin-setmode-after-engine"
    category = Category.OBSERVABILITY
    severity = Severity.WARNING
    target = GoPackage
    fix = "move `gin.SetMode(...)` above `gin.Default()`/`gin.New()`, or set GIN_MODE=release at run time"

    def check(self, model: GoPackage, options: NoOptions) -> Iterator[Violation]:
        for mode in model.set_modes:
            if mode.value == "debug":
                continue  # asking for debug mode late changes nothing
            engines = [e for e in model.engines if e.framework == "gin" and e.path == mode.path
                       and e.scope == mode.scope and e.pos < mode.pos]
            if not engines:
                continue
            engine = engines[0]
            yield Violation(
                f"{where(mode.path, mode.pos)}: gin.SetMode({mode.raw}) runs after "
                f"gin.{engine.constructor}() at {where(engine.path, engine.pos)}, so the engine is created "
                "in debug mode and prints "
                "`[GIN-debug] [WARNING] Running in \"debug\" mode` and its other debug output first",
                at(mode.path, mode.pos),
                (Related(at(engine.path, engine.pos),
                         f"{quote(engine.var or 'the engine')} is created here, before SetMode"),),
            )
