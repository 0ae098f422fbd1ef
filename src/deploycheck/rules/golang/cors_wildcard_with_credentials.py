from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.golang import CorsConfig, GoPackage
from deploycheck.model.project import Project
from deploycheck.rules.golang._common import at, used_handlers, where


class CorsWildcardWithCredentials(Rule[Project]):
    """CORS allows every origin (`*`) and credentials together: browsers reject the responses.

    ## Why
    With `AllowAllOrigins: true` (or `"*"` in `AllowOrigins`), gin-contrib/cors answers with
    `Access-Control-Allow-Origin: *`; with `AllowCredentials: true` it adds
    `Access-Control-Allow-Credentials: true`. The CORS standard forbids that pair, so every
    request sent with cookies or an `Authorization` header fails in the browser with
    `The value of the 'Access-Control-Allow-Origin' header in the response must not be the
    wildcard '*' when the request's credentials mode is 'include'.` (pitfall C1;
    gin-contrib/cors#14, #31, #103). A hand-written middleware that sets `*` and
    `Allow-Credentials: true` fails the same way.

    ## Bad
    ```main.go
    package main

    import (
        "github.com/gin-contrib/cors"
        "github.com/gin-gonic/gin"
    )

    func main() {
        r := gin.Default()
        r.Use(cors.New(cors.Config{
            AllowAllOrigins:  true,
            AllowCredentials: true,
        }))
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
        r.Use(cors.New(cors.Config{
            AllowOrigins:     []string{"https://app.example.com"},
            AllowCredentials: true,
        }))
        r.Run(":8080")
    }
    ```

    ## Fix
    List the sites that may send credentials in `AllowOrigins` (or vet them in
    `AllowOriginFunc`), or drop `AllowCredentials` if the API uses no cookies or auth headers.
    """

    code = "DC502"
    name = "go-cors-wildcard-with-credentials"
    category = Category.CORS
    severity = Severity.ERROR
    target = Project
    fix = ('list the allowed sites in `AllowOrigins: []string{"https://app.example.com"}` instead of '
           "allowing all, or remove `AllowCredentials: true`")

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for pkg in model.of(GoPackage):
            for config in pkg.cors_configs:
                if config.library == "gin-contrib/cors" and config.allows_any_origin \
                        and config.allow_credentials:
                    yield self._config(config)
        for pairs in used_handlers(model).values():
            handler, use = pairs[0]
            if handler.origin == "*" and handler.credentials and handler.credentials_pos is not None:
                yield Violation(
                    f"{where(handler.path, handler.credentials_pos)}: {handler.name} sends "
                    "`Access-Control-Allow-Credentials: true` with `Access-Control-Allow-Origin: *` "
                    f"(set at {where(handler.path, handler.origin_pos)}); browsers reject every "
                    "credentialed response: `The value of the 'Access-Control-Allow-Origin' header in "
                    "the response must not be the wildcard '*' when the request's credentials mode is "
                    "'include'.`",
                    at(handler.path, handler.credentials_pos),
                    (Related(at(handler.path, handler.origin_pos), "Access-Control-Allow-Origin: *"),
                     Related(at(use.path, use.pos), f"{handler.name} is installed here")),
                    fix="echo the request's Origin only after checking it against an allow-list, or drop "
                        "Allow-Credentials",
                )

    def _config(self, config: CorsConfig) -> Violation:
        if config.allow_all_origins:
            wildcard, wildcard_pos = "AllowAllOrigins: true", config.field_pos("AllowAllOrigins")
        else:
            entry = next(o for o in config.allow_origins if o.value == "*")
            wildcard, wildcard_pos = 'AllowOrigins: []string{"*"}', entry.pos
        cred_pos = config.field_pos("AllowCredentials")
        return Violation(
            f"{where(config.path, cred_pos)}: cors.Config has `AllowCredentials: true` with `{wildcard}` "
            f"({where(config.path, wildcard_pos)}), so responses carry `Access-Control-Allow-Origin: *` "
            "together with `Access-Control-Allow-Credentials: true`; browsers reject every request sent "
            "with cookies or an Authorization header (`... must not be the wildcard '*' when the "
            "request's credentials mode is 'include'`)",
            at(config.path, cred_pos),
            (Related(at(config.path, wildcard_pos), f"`{wildcard}` allows every origin"),),
        )
