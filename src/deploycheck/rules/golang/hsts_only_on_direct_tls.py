from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.project import Project
from deploycheck.rules.golang._common import at, modules, quote, where


class HstsOnlyOnDirectTls(Rule[Project]):
    """`Strict-Transport-Security` is sent only when `Request.TLS != nil`, which a proxy makes never.

    ## Why
    When a load balancer, ingress or nginx terminates TLS, the Go server receives plain HTTP and
    `c.Request.TLS` is nil on every request, so an HSTS header guarded by `Request.TLS != nil` is
    never sent; browsers keep accepting `http://` and downgrade attacks stay possible (pitfall T7;
    GetPageSpeed/ngx_security_headers#12). The rule stays quiet when the app terminates TLS
    itself (`RunTLS`, `ListenAndServeTLS`).

    ## Bad
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        r.Use(func(c *gin.Context) {
            if c.Request.TLS != nil {
                c.Header("Strict-Transport-Security", "max-age=31536000")
            }
            c.Next()
        })
        r.Run(":8080")
    }
    ```

    ## Good
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        r.Use(func(c *gin.Context) {
            if c.GetHeader("X-Forwarded-Proto") == "https" {
                c.Header("Strict-Transport-Security", "max-age=31536000")
            }
            c.Next()
        })
        r.Run(":8080")
    }
    ```

    ## Fix
    Add HSTS at the TLS terminator (`add_header Strict-Transport-Security ... always;` in nginx,
    an ingress annotation), or key it off `X-Forwarded-Proto` from a trusted proxy.
    """

    code = "DC511"
    name = "go-hsts-only-on-direct-tls"
    category = Category.TLS
    severity = Severity.WARNING
    target = Project
    fix = "send HSTS from the TLS terminator, or decide on X-Forwarded-Proto instead of Request.TLS"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for packages in modules(model):
            if any(call.is_tls for p in packages for call in p.listens):
                continue
            for pkg in packages:
                for fact in pkg.tls:
                    if fact.kind == "hsts-only-on-tls":
                        yield Violation(
                            f"{where(fact.path, fact.pos)}: Strict-Transport-Security is set only when "
                            f"{quote(fact.detail)}; behind a TLS-terminating proxy Request.TLS is always "
                            "nil, so browsers never receive HSTS",
                            at(fact.path, fact.pos),
                        )
