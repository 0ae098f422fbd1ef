from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.project import Project
from deploycheck.rules.golang._common import at, modules, quote, where


class HttpsRedirectBehindProxy(Rule[Project]):
    """HTTPS redirect decided by `Request.TLS == nil` (or secure's `SSLRedirect`) without proxy headers.

    ## Why
    Behind a TLS-terminating load balancer, ingress or nginx, the app receives plain HTTP:
    `c.Request.TLS` is always nil. Redirecting when it is nil, or using unrolled/secure and
    gin-contrib/secure with `SSLRedirect: true` but no `SSLProxyHeaders`, redirects every request
    that already came in over HTTPS, and the browser stops with `ERR_TOO_MANY_REDIRECTS`
    (pitfall T3; sourcegraph/sourcegraph-public-snapshot#73, louketo/louketo-proxy#337). The rule
    stays quiet when the app terminates TLS itself (`RunTLS`, `ListenAndServeTLS`).

    ## Bad
    ```main.go
    package main

    import (
        "github.com/gin-gonic/gin"
        "github.com/unrolled/secure"
    )

    func main() {
        mw := secure.New(secure.Options{SSLRedirect: true})
        r := gin.Default()
        r.Use(func(c *gin.Context) { _ = mw.Process(c.Writer, c.Request) })
        r.Run(":8080")
    }
    ```

    ## Good
    ```main.go
    package main

    import (
        "github.com/gin-gonic/gin"
        "github.com/unrolled/secure"
    )

    func main() {
        mw := secure.New(secure.Options{
            SSLRedirect:     true,
            SSLProxyHeaders: map[string]string{"X-Forwarded-Proto": "https"},
        })
        r := gin.Default()
        r.Use(func(c *gin.Context) { _ = mw.Process(c.Writer, c.Request) })
        r.Run(":8080")
    }
    ```

    ## Fix
    Trust the proxy's `X-Forwarded-Proto`: `SSLProxyHeaders: map[string]string{"X-Forwarded-Proto":
    "https"}`, or test `c.GetHeader("X-Forwarded-Proto") != "https"` in a hand-written redirect.
    Simpler still: let the proxy redirect HTTP to HTTPS.
    """

    code = "DC510"
    name = "go-https-redirect-behind-proxy"
    category = Category.TLS
    severity = Severity.WARNING
    target = Project
    fix = ('decide on X-Forwarded-Proto: `SSLProxyHeaders: map[string]string{"X-Forwarded-Proto": "https"}`, '
           "or let the proxy redirect to HTTPS")

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for packages in modules(model):
            if any(call.is_tls for p in packages for call in p.listens):
                continue  # the app terminates TLS itself: Request.TLS is meaningful
            for pkg in packages:
                for fact in pkg.tls:
                    if fact.kind == "redirect-on-tls-nil":
                        yield Violation(
                            f"{where(fact.path, fact.pos)}: the app redirects to HTTPS when "
                            f"{quote(fact.detail)}; behind a TLS-terminating proxy or load balancer "
                            "Request.TLS is always nil, so requests that arrived over HTTPS are redirected "
                            "forever (`ERR_TOO_MANY_REDIRECTS`)",
                            at(fact.path, fact.pos),
                        )
                    elif fact.kind == "secure-ssl-redirect":
                        yield Violation(
                            f"{where(fact.path, fact.pos)}: {fact.detail} without SSLProxyHeaders decides "
                            "from Request.TLS, which is nil behind a TLS-terminating proxy, so every "
                            "HTTPS request is redirected again (`ERR_TOO_MANY_REDIRECTS`)",
                            at(fact.path, fact.pos),
                        )
