"""Facts about the HTTP router: the engines (`GinEngine`, also Echo and Fiber), the route
registrations (`Route`, with group prefixes joined), middleware attached with `Use`
(`MiddlewareUse`), `gin.SetMode` calls (`SetModeCall`) and `SetTrustedProxies` calls
(`TrustedProxiesCall`). Each carries its file path, 1-based position and, where order matters,
the function it is in and its order within the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class GinEngine:
    """`gin.Default()` / `gin.New()` (or `echo.New()`, `fiber.New()`: `framework` says which)."""

    var: str
    constructor: str
    path: str
    pos: Position
    scope: str
    framework: str = "gin"


@dataclass(frozen=True, slots=True)
class Route:
    """A route registration. `route` is the full path when `prefix_known` (group prefixes joined).

    `router` is the receiver expression; `router_kind` is "engine", "group" or "" (not a known
    Gin router: chi, echo, net/http mux...). `order` orders registrations within a file.
    """

    method: str
    route: str
    router: str
    router_kind: str
    prefix_known: bool
    path: str
    pos: Position
    order: int
    scope: str
    engine: str = ""


@dataclass(frozen=True, slots=True)
class MiddlewareUse:
    """`X.Use(mw)`: one per middleware argument. target_kind: "engine", "group" or ""."""

    target: str
    target_kind: str
    prefix: str
    middleware: str
    is_cors: bool
    path: str
    pos: Position
    order: int
    scope: str
    engine: str = ""
    framework: str = ""

    @property
    def middleware_name(self) -> str:
        """The called function's last name: `middleware.CORS()` -> `CORS`."""
        head = self.middleware.split("(", 1)[0]
        return head.rpartition(".")[2].strip()


@dataclass(frozen=True, slots=True)
class SetModeCall:
    """`gin.SetMode(v)`: value is "release", "debug", "test", or "" when not known statically."""

    value: str
    raw: str
    env_var: str
    path: str
    pos: Position
    order: int
    scope: str


@dataclass(frozen=True, slots=True)
class TrustedProxiesCall:
    """`SetTrustedProxies(arg)`: arg_kind "nil", "list" (values given) or "other"."""

    arg_kind: str
    values: tuple[str, ...]
    path: str
    pos: Position

    @property
    def trusts_all(self) -> bool:
        return any(v in ("0.0.0.0/0", "::/0") for v in self.values)
