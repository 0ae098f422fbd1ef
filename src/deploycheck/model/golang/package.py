"""`GoFile`, one source file with all the facts the parser found in it (and what it offers other
files: package-level values and getEnv-style helpers), and `GoPackage`, the files of one package
in one folder with their facts merged and the enclosing go.mod, with the questions rules ask of
a package (is it `main`, does it need HTTPS, zone data or cgo, does it set CORS headers, does
`gin.SetMode` run before the engine is made, which route serves a path).
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.golang.cors import CorsConfig, CorsHandler
from deploycheck.model.golang.facts import (
    EmbedDirective,
    EnvRead,
    Evidence,
    GoImport,
    LogFileOutput,
    RuntimeFile,
    TimeZoneLoad,
    TlsBehaviour,
)
from deploycheck.model.golang.gin import GinEngine, MiddlewareUse, Route, SetModeCall, TrustedProxiesCall
from deploycheck.model.golang.gomod import GoMod
from deploycheck.model.golang.known import _is_under
from deploycheck.model.golang.listen import ListenCall
from deploycheck.model.golang.values import PackageValue
from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class GoFile:
    path: str
    package: str
    package_pos: Position | None
    imports: tuple[GoImport, ...] = ()
    build_constraint: str = ""
    has_main_func: bool = False
    listens: tuple[ListenCall, ...] = ()
    engines: tuple[GinEngine, ...] = ()
    routes: tuple[Route, ...] = ()
    uses: tuple[MiddlewareUse, ...] = ()
    set_modes: tuple[SetModeCall, ...] = ()
    trusted_proxies: tuple[TrustedProxiesCall, ...] = ()
    trusted_platforms: tuple[Evidence, ...] = ()
    client_ip_uses: tuple[Evidence, ...] = ()
    cors_configs: tuple[CorsConfig, ...] = ()
    cors_handlers: tuple[CorsHandler, ...] = ()
    runtime_files: tuple[RuntimeFile, ...] = ()
    embeds: tuple[EmbedDirective, ...] = ()
    time_zones: tuple[TimeZoneLoad, ...] = ()
    https: tuple[Evidence, ...] = ()
    env_reads: tuple[EnvRead, ...] = ()
    log_files: tuple[LogFileOutput, ...] = ()
    cgo: tuple[Evidence, ...] = ()
    tls: tuple[TlsBehaviour, ...] = ()
    tuning: tuple[Evidence, ...] = ()
    metrics: tuple[Evidence, ...] = ()
    values: tuple[PackageValue, ...] = ()
    env_helpers: tuple[str, ...] = ()

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]

    @property
    def excluded_from_build(self) -> bool:
        """`//go:build ignore` (generators) or `tools` files are not part of the binary."""
        words = self.build_constraint.replace("(", " ").replace(")", " ").split()
        return "ignore" in words or "tools" in words

    def imports_path(self, prefix: str) -> GoImport | None:
        for imp in self.imports:
            if _is_under(imp.path, prefix):
                return imp
        return None


@dataclass(frozen=True, slots=True)
class GoPackage:
    """The files of one package in one folder, their facts merged, and the enclosing go.mod."""

    directory: str
    name: str
    files: tuple[GoFile, ...]
    module: GoMod | None
    listens: tuple[ListenCall, ...]
    engines: tuple[GinEngine, ...]
    routes: tuple[Route, ...]
    uses: tuple[MiddlewareUse, ...]
    set_modes: tuple[SetModeCall, ...]
    trusted_proxies: tuple[TrustedProxiesCall, ...]
    trusted_platforms: tuple[Evidence, ...]
    client_ip_uses: tuple[Evidence, ...]
    cors_configs: tuple[CorsConfig, ...]
    cors_handlers: tuple[CorsHandler, ...]
    runtime_files: tuple[RuntimeFile, ...]
    embeds: tuple[EmbedDirective, ...]
    time_zones: tuple[TimeZoneLoad, ...]
    https: tuple[Evidence, ...]
    env_reads: tuple[EnvRead, ...]
    log_files: tuple[LogFileOutput, ...]
    cgo: tuple[Evidence, ...]
    tls: tuple[TlsBehaviour, ...]
    tuning: tuple[Evidence, ...]
    metrics: tuple[Evidence, ...]

    @property
    def is_main(self) -> bool:
        return self.name == "main"

    @property
    def imports(self) -> tuple[GoImport, ...]:
        return tuple(imp for f in self.files for imp in f.imports)

    def imports_path(self, prefix: str) -> GoImport | None:
        for f in self.files:
            found = f.imports_path(prefix)
            if found is not None:
                return found
        return None

    def file(self, path: str) -> GoFile | None:
        return next((f for f in self.files if f.path == path), None)

    @property
    def serves_http(self) -> bool:
        return bool(self.listens)

    @property
    def go_version(self) -> str:
        """The go directive of the enclosing go.mod ('' when there is none)."""
        return self.module.go_version if self.module else ""

    @property
    def needs_https(self) -> bool:
        """Outbound HTTPS is certain (an https:// literal, a cloud SDK, gRPC TLS credentials)."""
        return any(e.strong for e in self.https)

    @property
    def loads_time_zones(self) -> bool:
        """Zone data is needed at run time and not compiled in (`import _ "time/tzdata"`)."""
        return any(t.needs_tzdata for t in self.time_zones) and not self.embeds_tzdata

    @property
    def embeds_tzdata(self) -> bool:
        return any(imp.path == "time/tzdata" for imp in self.imports)

    @property
    def uses_cgo(self) -> bool:
        return bool(self.cgo)

    @property
    def sets_cors_headers(self) -> bool:
        """The app itself sets Access-Control-Allow-Origin (a CORS library or hand-written)."""
        return (
            bool(self.cors_configs or self.cors_handlers)
            or any(u.is_cors for u in self.uses)
            or self.imports_path("github.com/gin-contrib/cors") is not None
            or self.imports_path("github.com/rs/cors") is not None
        )

    def set_mode_before_engine(self) -> bool | None:
        """True when gin.SetMode runs before the first engine is created (same function, or in
        init()); False when after; None when there is no SetMode call or no engine."""
        gin_engines = [e for e in self.engines if e.framework == "gin"]
        if not self.set_modes or not gin_engines:
            return None
        for mode in self.set_modes:
            if mode.scope == "init":
                return True
            for engine in gin_engines:
                if engine.path == mode.path and engine.scope == mode.scope:
                    return mode.pos < engine.pos
        return True

    @property
    def imports_automaxprocs(self) -> bool:
        return self.imports_path("go.uber.org/automaxprocs") is not None

    @property
    def imports_automemlimit(self) -> bool:
        return self.imports_path("github.com/KimMachineGun/automemlimit") is not None

    def has_route(self, paths: frozenset[str]) -> Route | None:
        for route in self.routes:
            if route.route.rstrip("/") in paths or route.route in paths:
                return route
        return None
