from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.golang import GoPackage, MiddlewareUse, Route
from deploycheck.model.project import Project
from deploycheck.rules.golang._common import at, modules, quote, where


class CorsMiddlewareMisplaced(Rule[Project]):
    """Gin CORS middleware installed on a route group, or on the engine after the routes.

    ## Why
    Gin chooses a route before it runs group middleware. A preflight `OPTIONS` request matches no
    route, so Gin answers 404 with the engine's global middleware only: CORS middleware attached
    to `r.Group("/api")` never sees it, and the browser reports `Response to preflight request
    doesn't pass access control check` (pitfall C3; gin-contrib/cors#12, #35). `r.Use(...)`
    called after `r.GET(...)` does not apply to routes registered before it, because Gin copies
    the handler chain into each route when it is registered; those responses lack
    `Access-Control-Allow-Origin` and the browser blocks them.

    ## Bad
    ```main.go
    package main

    import (
        "github.com/gin-contrib/cors"
        "github.com/gin-gonic/gin"
    )

    func main() {
        r := gin.Default()
        api := r.Group("/api")
        api.Use(cors.Default())
        api.POST("/items", func(c *gin.Context) {})
        r.Run(":8080")
    }
    ```

    ## Good
    ```main.go
    package main

    import (
        "github.com/gin-contrib/cors"
        "github.com/gin-gonic/gin"
    )

    func main() {
        r := gin.Default()
        r.Use(cors.Default())
        api := r.Group("/api")
        api.POST("/items", func(c *gin.Context) {})
        r.Run(":8080")
    }
    ```

    ## Fix
    Call `r.Use(cors.New(...))` on the engine, before registering any route or group.
    """

    code = "DC505"
    name = "go-cors-middleware-misplaced"
    category = Category.CORS
    severity = Severity.ERROR
    target = Project
    fix = "install CORS on the engine before any route: `r := gin.New(); r.Use(cors.New(cfg)); r.GET(...)`"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        handler_names = {h.name for pkg in model.of(GoPackage) for h in pkg.cors_handlers if h.name}
        for packages in modules(model):
            uses = [u for p in packages for u in p.uses
                    if u.framework == "gin" and (u.is_cors or u.middleware_name in handler_names)]
            routes = [r for p in packages for r in p.routes if r.router_kind]
            on_engine = {u.engine for u in uses if u.target_kind == "engine"}
            for use in uses:
                if use.target_kind == "group" and use.engine not in on_engine:
                    yield from self._group(use, routes)
                elif use.target_kind == "engine":
                    yield from self._late(use, routes)

    def _group(self, use: MiddlewareUse, routes: list[Route]) -> Iterator[Violation]:
        # an OPTIONS or Any route under the group does let preflights reach the middleware
        if any(r.method in ("OPTIONS", "ANY") and r.engine == use.engine and r.route.startswith(use.prefix)
               for r in routes):
            return
        group = f"group {use.target!r}" + (f" ({use.prefix})" if use.prefix else "")
        yield Violation(
            f"{where(use.path, use.pos)}: CORS middleware {quote(use.middleware)} is installed on {group}, "
            "not on the engine; preflight OPTIONS requests match no route, Gin answers them 404 without "
            "running group middleware, and the browser blocks the real request (`Response to preflight "
            "request doesn't pass access control check`)",
            at(use.path, use.pos),
        )

    def _late(self, use: MiddlewareUse, routes: list[Route]) -> Iterator[Violation]:
        before = [r for r in routes if r.engine == use.engine and r.path == use.path and r.scope == use.scope
                  and r.order < use.order]
        if not before:
            return
        first = before[0]
        yield Violation(
            f"{where(use.path, use.pos)}: CORS middleware {quote(use.middleware)} is installed after "
            f"{len(before)} route(s) (the first, {first.method} {first.route}, at "
            f"{where(first.path, first.pos)}); Gin fixes each route's handlers when it is registered, so "
            "those routes answer without Access-Control-Allow-Origin and the browser blocks them",
            at(use.path, use.pos),
            (Related(at(first.path, first.pos), f"{first.method} {first.route} is registered before CORS"),),
        )
