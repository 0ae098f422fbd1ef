from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Position, Rule, Severity, Violation
from deploycheck.model.golang import GoPackage
from deploycheck.rules.golang._common import at, where


def origin_problem(value: str) -> str:
    """Why `value` can never equal a browser's Origin header ('' when it can)."""
    scheme, sep, rest = value.partition("://")
    if not sep or not scheme or "*" in rest:
        return ""
    if rest.endswith("/") and rest.count("/") == 1:
        return "a trailing slash"
    if "/" in rest:
        return "a path"
    return ""


class CorsOriginWithPath(Rule[GoPackage]):
    """An allowed CORS origin has a path or trailing slash, so it never matches.

    ## Why
    Browsers send `Origin: scheme://host[:port]` with no path and no trailing slash. CORS
    libraries compare the configured origins with it as strings, so `https://app.example.com/`
    never matches: gin-contrib/cors answers that site with 403, rs/cors omits the headers, and
    the browser reports `No 'Access-Control-Allow-Origin' header is present on the requested
    resource` although the origin "is in the list" (pitfall C5; AKVorrat/dearmep#340).

    ## Bad
    ```main.go
    package main

    import (
        "github.com/gin-contrib/cors"
        "github.com/gin-gonic/gin"
    )

    func main() {
        r := gin.Default()
        r.Use(cors.New(cors.Config{AllowOrigins: []string{"https://app.example.com/"}}))
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
        r.Use(cors.New(cors.Config{AllowOrigins: []string{"https://app.example.com"}}))
        r.Run(":8080")
    }
    ```

    ## Fix
    Write origins as `scheme://host[:port]` only: `https://app.example.com`.
    """

    code = "DC506"
    name = "go-cors-origin-with-path"
    category = Category.CORS
    severity = Severity.ERROR
    target = GoPackage
    fix = "write the origin as scheme://host[:port], without path or trailing slash"

    def check(self, model: GoPackage, options: NoOptions) -> Iterator[Violation]:
        for config in model.cors_configs:
            for entry in config.allow_origins:
                problem = origin_problem(entry.value)
                if problem:
                    yield self._violation(config.path, entry.pos, entry.value, problem, config.library)
        for handler in model.cors_handlers:
            if handler.origin == "literal":
                problem = origin_problem(handler.origin_value)
                if problem:
                    yield self._violation(handler.path, handler.origin_pos, handler.origin_value, problem,
                                          handler.name)

    def _violation(self, path: str, pos: Position, value: str, problem: str, who: str) -> Violation:
        fixed = value.partition("://")[0] + "://" + value.partition("://")[2].split("/", 1)[0]
        return Violation(
            f"{where(path, pos)}: allowed origin {value!r} ({who}) has {problem}, but browsers send "
            f"`Origin: {fixed}`; the strings never match, so requests from that site are refused "
            "(`No 'Access-Control-Allow-Origin' header is present on the requested resource`)",
            at(path, pos),
            fix=f"use {fixed!r}",
        )
