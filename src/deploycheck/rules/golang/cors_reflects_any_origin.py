from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.project import Project
from deploycheck.rules.golang._common import at, used_handlers, where


class CorsReflectsAnyOrigin(Rule[Project]):
    """Hand-written CORS middleware echoes any request Origin, with credentials allowed.

    ## Why
    Copying the request's `Origin` header into `Access-Control-Allow-Origin` without checking it
    against a list, together with `Access-Control-Allow-Credentials: true`, lets every web site a
    logged-in user visits call the API with the user's cookies and read the answers. It is the
    classic CORS misconfiguration behind account takeovers; it also hides the CORS errors that
    would otherwise show the list of trusted sites is missing (pitfall C1, the hand-written
    variant of the `*` plus credentials mistake).

    ## Bad
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func CORS() gin.HandlerFunc {
        return func(c *gin.Context) {
            c.Header("Access-Control-Allow-Origin", c.GetHeader("Origin"))
            c.Header("Access-Control-Allow-Credentials", "true")
            if c.Request.Method == "OPTIONS" {
                c.AbortWithStatus(204)
                return
            }
            c.Next()
        }
    }

    func main() {
        r := gin.Default()
        r.Use(CORS())
        r.Run(":8080")
    }
    ```

    ## Good
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    var allowed = map[string]bool{"https://app.example.com": true}

    func CORS() gin.HandlerFunc {
        return func(c *gin.Context) {
            origin := c.GetHeader("Origin")
            if allowed[origin] {
                c.Header("Access-Control-Allow-Origin", origin)
                c.Header("Access-Control-Allow-Credentials", "true")
                c.Header("Vary", "Origin")
            }
            if c.Request.Method == "OPTIONS" {
                c.AbortWithStatus(204)
                return
            }
            c.Next()
        }
    }

    func main() {
        r := gin.Default()
        r.Use(CORS())
        r.Run(":8080")
    }
    ```

    ## Fix
    Compare the Origin with an allow-list before echoing it (and send `Vary: Origin`), or use
    gin-contrib/cors with `AllowOrigins`.
    """

    code = "DC503"
    name = "go-cors-reflects-any-origin"
    category = Category.CORS
    severity = Severity.ERROR
    target = Project
    fix = ("echo the Origin only when it is in an allow-list (`if allowed[origin] { ... }`), "
           "or use gin-contrib/cors")

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for pairs in used_handlers(model).values():
            handler, use = pairs[0]
            if handler.origin != "reflect" or handler.origin_checked or not handler.credentials:
                continue
            related = [Related(at(use.path, use.pos), f"{handler.name} is installed here")]
            if handler.credentials_pos is not None:
                related.insert(0, Related(at(handler.path, handler.credentials_pos),
                                          "Access-Control-Allow-Credentials: true"))
            yield Violation(
                f"{where(handler.path, handler.origin_pos)}: {handler.name} copies the request's Origin "
                "into Access-Control-Allow-Origin without comparing it with an allow-list, and allows "
                "credentials: any web site can call this API with its visitors' cookies and read the "
                "responses",
                at(handler.path, handler.origin_pos),
                tuple(related),
            )
