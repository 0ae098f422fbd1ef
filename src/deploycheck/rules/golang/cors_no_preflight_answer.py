from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.golang import GoPackage
from deploycheck.model.project import Project
from deploycheck.rules.golang._common import at, used_handlers, where


class CorsNoPreflightAnswer(Rule[Project]):
    """Hand-written CORS middleware never answers the OPTIONS preflight itself.

    ## Why
    Before a JSON `POST`, a `PUT`/`DELETE` or any request with an `Authorization` header, the
    browser sends an `OPTIONS` preflight. A middleware that only adds headers and calls
    `c.Next()` hands it to the router, which has no OPTIONS route and answers 404 (405 in other
    routers); the browser then reports `Response to preflight request doesn't pass access control
    check: It does not have HTTP ok status.` and never sends the real request (pitfall C3;
    gin-contrib/cors#12, #86).

    ## Bad
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func CORSMiddleware() gin.HandlerFunc {
        return func(c *gin.Context) {
            c.Writer.Header().Set("Access-Control-Allow-Origin", "*")
            c.Writer.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
            c.Next()
        }
    }

    func main() {
        r := gin.Default()
        r.Use(CORSMiddleware())
        r.POST("/api/items", func(c *gin.Context) {})
        r.Run(":8080")
    }
    ```

    ## Good
    ```main.go
    package main

    import (
        "net/http"

        "github.com/gin-gonic/gin"
    )

    func CORSMiddleware() gin.HandlerFunc {
        return func(c *gin.Context) {
            c.Writer.Header().Set("Access-Control-Allow-Origin", "*")
            c.Writer.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
            if c.Request.Method == http.MethodOptions {
                c.AbortWithStatus(http.StatusNoContent)
                return
            }
            c.Next()
        }
    }

    func main() {
        r := gin.Default()
        r.Use(CORSMiddleware())
        r.POST("/api/items", func(c *gin.Context) {})
        r.Run(":8080")
    }
    ```

    ## Fix
    Answer preflights in the middleware: `if c.Request.Method == http.MethodOptions {
    c.AbortWithStatus(http.StatusNoContent); return }`, or use gin-contrib/cors.
    """

    code = "DC504"
    name = "go-cors-no-preflight-answer"
    category = Category.CORS
    severity = Severity.ERROR
    target = Project
    fix = ("stop OPTIONS requests in the middleware: `if c.Request.Method == http.MethodOptions { "
           "c.AbortWithStatus(http.StatusNoContent); return }`")

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        handled = any(
            route.method in ("OPTIONS", "ANY") and route.router_kind
            for pkg in model.of(GoPackage)
            for route in pkg.routes
        )
        if handled:
            return  # an OPTIONS (or Any) route answers preflights for at least part of the API
        for pairs in used_handlers(model).values():
            handler, use = pairs[0]
            if handler.answers_options:
                continue
            yield Violation(
                f"{where(handler.path, handler.pos)}: {handler.name} sets CORS headers but never answers "
                f"the OPTIONS preflight (installed at {where(use.path, use.pos)}); preflights fall through "
                "to the router, which has no OPTIONS route and answers 404, so the browser reports "
                "`Response to preflight request doesn't pass access control check: It does not have HTTP "
                "ok status.` and never sends the real request",
                at(handler.path, handler.pos),
                (Related(at(use.path, use.pos), f"{handler.name} is installed here"),
                 Related(at(handler.path, handler.origin_pos), "CORS headers are set here")),
            )
