from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.project import Project
from deploycheck.rules.golang._common import at, modules, where


class GinTrustsAllProxies(Rule[Project]):
    """Gin trusts every proxy (no `SetTrustedProxies`) while the app uses `c.ClientIP()`.

    ## Why
    By default Gin believes `X-Forwarded-For` and `X-Real-IP` from any peer. Any client can then
    send `X-Forwarded-For: 1.2.3.4` and `c.ClientIP()` returns it: IP-based rate limits, bans and
    audit logs are spoofable. Gin only warns in debug mode (`[GIN-debug] [WARNING] You trusted
    all proxies, this is NOT safe. We recommend you to set a value.`), so release builds hide it
    (pitfall T4; gin-gonic/gin#2697, #2809).

    ## Bad
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        r.GET("/ip", func(c *gin.Context) { c.String(200, c.ClientIP()) })
        r.Run(":8080")
    }
    ```

    ## Good
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        r.SetTrustedProxies([]string{"10.0.0.0/8"})
        r.GET("/ip", func(c *gin.Context) { c.String(200, c.ClientIP()) })
        r.Run(":8080")
    }
    ```

    ## Fix
    Call `r.SetTrustedProxies([]string{"<proxy CIDR>"})` with the addresses of your reverse proxy
    or load balancer, `r.SetTrustedProxies(nil)` when nothing sits in front, or set
    `r.TrustedPlatform = gin.PlatformCloudflare` (or a header your platform sets).
    """

    code = "DC508"
    name = "go-gin-trusts-all-proxies"
    category = Category.SECURITY
    severity = Severity.WARNING
    target = Project
    fix = 'call `r.SetTrustedProxies([]string{"<proxy CIDR>"})` (or `nil` when no proxy is in front)'

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for packages in modules(model):
            engines = [e for p in packages for e in p.engines if e.framework == "gin"]
            client_ip = [c for p in packages for c in p.client_ip_uses]
            if not engines or not client_ip:
                continue
            trusted = [t for p in packages for t in p.trusted_proxies if not t.trusts_all]
            platforms = [t for p in packages for t in p.trusted_platforms]
            if trusted or platforms:
                continue
            wide = [t for p in packages for t in p.trusted_proxies if t.trusts_all]
            for engine in engines:
                related = [Related(at(c.path, c.pos), "c.ClientIP() returns a client-controlled header here")
                           for c in client_ip[:3]]
                related += [Related(at(t.path, t.pos), "this trusts every address (0.0.0.0/0)") for t in wide]
                yield Violation(
                    f"{where(engine.path, engine.pos)}: this Gin engine trusts X-Forwarded-For from every "
                    f"peer (no SetTrustedProxies or TrustedPlatform), and c.ClientIP() is used at "
                    f"{where(client_ip[0].path, client_ip[0].pos)}; any client can choose the IP the app "
                    "sees, defeating IP rate limits, bans and audit logs",
                    at(engine.path, engine.pos),
                    tuple(related),
                )
