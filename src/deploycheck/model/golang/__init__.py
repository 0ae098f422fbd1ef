"""Go: go.mod files, Go source files and the packages assembled from them.

The Go parser (`parsers/golang/`, tree-sitter) records *facts* per file: where the app listens,
Gin engines, routes and middleware, CORS settings, files read at run time, environment variables,
log outputs, and so on. Each fact carries the file path and a 1-based `Position`. `assemble` groups
files into `GoPackage`s (one per folder and package name), attaches the nearest `GoMod`, and
finishes what one file cannot know alone: identifiers and `getEnv`-style helpers defined in another
file of the same package.

Listen addresses are kept symbolically as `ValuePart`s (a literal, an environment variable with its
fallback, a flag with its default, an unresolved identifier) so the address can be recomputed
when a constant from another file becomes known; `ListenAddress` is the result.

The package is cut along those lines: `known` (cgo modules, HTTPS SDKs, health and metrics paths,
loopback hosts), `gomod` (the go.mod records), `values` (value parts, `ValueScope` and
`resolve_parts`), `listen` (`ListenAddress`, `ListenCall`), the fact records in `gin` (engines,
routes, middleware, SetMode, trusted proxies), `cors` and `facts` (everything else), `package`
(`GoFile`, `GoPackage`) and `assembly` (`assemble`). Everything other modules use is re-exported
here, so `from deploycheck.model.golang import ...` is the import to use.
"""

from __future__ import annotations

from deploycheck.model.golang.assembly import assemble
from deploycheck.model.golang.cors import CorsConfig, CorsHandler, OriginEntry
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
from deploycheck.model.golang.gomod import GoMod, GoReplace, GoRequire
from deploycheck.model.golang.known import (
    CGO_MODULES,
    HEALTH_PATHS,
    HTTPS_SDK_PREFIXES,
    LOOPBACK_HOSTS,
    cgo_module_of,
    is_health_path,
    is_metrics_path,
)
from deploycheck.model.golang.listen import ListenAddress, ListenCall
from deploycheck.model.golang.package import GoFile, GoPackage
from deploycheck.model.golang.values import PackageValue, ValuePart, ValueScope, resolve_parts

__all__ = [
    "CGO_MODULES",
    "HEALTH_PATHS",
    "HTTPS_SDK_PREFIXES",
    "LOOPBACK_HOSTS",
    "CorsConfig",
    "CorsHandler",
    "EmbedDirective",
    "EnvRead",
    "Evidence",
    "GinEngine",
    "GoFile",
    "GoImport",
    "GoMod",
    "GoPackage",
    "GoReplace",
    "GoRequire",
    "ListenAddress",
    "ListenCall",
    "LogFileOutput",
    "MiddlewareUse",
    "OriginEntry",
    "PackageValue",
    "Route",
    "RuntimeFile",
    "SetModeCall",
    "TimeZoneLoad",
    "TlsBehaviour",
    "TrustedProxiesCall",
    "ValuePart",
    "ValueScope",
    "assemble",
    "cgo_module_of",
    "is_health_path",
    "is_metrics_path",
    "resolve_parts",
]
