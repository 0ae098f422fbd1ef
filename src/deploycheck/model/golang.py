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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from deploycheck.model.location import Location, Position

T = TypeVar("T")

# Modules whose Go packages need cgo (a C toolchain at build time and libc at run time).
CGO_MODULES: tuple[str, ...] = (
    "github.com/mattn/go-sqlite3",
    "gorm.io/driver/sqlite",
    "github.com/confluentinc/confluent-kafka-go",
    "github.com/mattn/go-oci8",
    "github.com/godror/godror",
    "github.com/xeodou/go-sqlcipher",
    "github.com/mutecomm/go-sqlcipher",
    "github.com/tecbot/gorocksdb",
    "github.com/linxGnu/grocksdb",
    "github.com/DataDog/zstd",
    "github.com/valyala/gozstd",
    "github.com/h2non/bimg",
    "github.com/davidbyttow/govips",
    "gopkg.in/gographics/imagick.v2",
    "gopkg.in/gographics/imagick.v3",
    "github.com/libgit2/git2go",
    "github.com/google/gopacket/pcap",
    "github.com/go-gl/glfw",
)

# Import paths that make outbound HTTPS calls (need a CA bundle in the image).
HTTPS_SDK_PREFIXES: tuple[str, ...] = (
    "github.com/aws/aws-sdk-go",
    "github.com/stripe/stripe-go",
    "cloud.google.com/go",
    "google.golang.org/api",
    "firebase.google.com/go",
    "github.com/twilio/twilio-go",
    "github.com/sendgrid/sendgrid-go",
    "github.com/sashabaranov/go-openai",
    "github.com/openai/openai-go",
    "github.com/anthropics/anthropic-sdk-go",
    "github.com/slack-go/slack",
    "github.com/bwmarrin/discordgo",
    "github.com/go-telegram-bot-api/telegram-bot-api",
    "github.com/Azure/azure-sdk-for-go",
    "golang.org/x/oauth2",
    "github.com/coreos/go-oidc",
    "github.com/google/go-github",
    "github.com/getsentry/sentry-go",
    "google.golang.org/grpc/credentials",
)

HEALTH_PATHS: frozenset[str] = frozenset(
    {
        "/health",
        "/healthz",
        "/healthcheck",
        "/health-check",
        "/livez",
        "/readyz",
        "/ready",
        "/readiness",
        "/liveness",
        "/alive",
        "/ping",
        "/status",
        "/_health",
        "/heartbeat",
        "/up",
    }
)

_HEALTH_WORDS = frozenset(p.strip("/_") for p in HEALTH_PATHS)


def is_health_path(route: str) -> bool:
    """/healthz, /api/v1/health, /ping, /readyz ... (the last segment, or any 'health' segment)."""
    segments = [s for s in route.lower().split("/") if s]
    return bool(segments) and (segments[-1] in _HEALTH_WORDS or any("health" in s for s in segments))


def is_metrics_path(route: str) -> bool:
    return route.rstrip("/").lower().endswith("/metrics")


LOOPBACK_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1", "[::1]", "ip6-localhost"})


def _is_under(import_path: str, prefix: str) -> bool:
    return import_path == prefix or import_path.startswith(prefix + "/")


def cgo_module_of(import_path: str) -> str:
    """The cgo-only module `import_path` belongs to, or ''."""
    for prefix in CGO_MODULES:
        if _is_under(import_path, prefix) or import_path.startswith(prefix + "/v"):
            return prefix
    return ""


# --------------------------------------------------------------------------------------------
# go.mod


@dataclass(frozen=True, slots=True)
class GoRequire:
    module: str
    version: str
    indirect: bool
    pos: Position


@dataclass(frozen=True, slots=True)
class GoReplace:
    old: str
    new: str
    new_version: str
    pos: Position

    @property
    def is_local(self) -> bool:
        """A replacement by a folder (`=> ../lib`): it must be inside the Docker build context."""
        return self.new.startswith(("./", "../", "/")) or self.new in (".", "..")


@dataclass(frozen=True, slots=True)
class GoMod:
    path: str
    module: str
    module_pos: Position | None
    go_version: str
    go_pos: Position | None
    toolchain: str
    toolchain_pos: Position | None
    requires: tuple[GoRequire, ...]
    replaces: tuple[GoReplace, ...] = ()

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]

    def require(self, module: str) -> GoRequire | None:
        for req in self.requires:
            if req.module == module:
                return req
        return None

    def cgo_requires(self) -> tuple[GoRequire, ...]:
        return tuple(r for r in self.requires if cgo_module_of(r.module))

    def location(self, pos: Position | None = None) -> Location:
        return Location.at(self.path, pos)


# --------------------------------------------------------------------------------------------
# Values and listen addresses


@dataclass(frozen=True, slots=True)
class ValuePart:
    """One piece of a string expression.

    kind: "lit" (text is the literal), "env" (text is the variable, `default` the fallback used
    when it is empty or unset), "flag" (text is the flag name, `default` its default), "ident"
    (an identifier not resolved in its file; `assemble` looks it up in the package), "call" (a call
    to a function of the package, maybe a getEnv helper: `arg` is the first literal argument and
    `default` the second), "unknown" (text is the expression).
    """

    kind: str
    text: str
    default: str | None = None
    pos: Position | None = None
    arg: str = ""
    path: str = ""  # the file `pos` is in, when not the file of the fact holding this part

    def effective(self) -> str | None:
        """The text this part contributes when nothing is set at run time, or None if unknown."""
        if self.kind == "lit":
            return self.text
        if self.kind in ("env", "flag"):
            return self.default
        return None

    def describe(self) -> str:
        if self.kind == "env":
            if self.default is None:
                return f"environment variable {self.text}"
            return f"the fallback {self.default!r} used when {self.text} is unset"
        if self.kind == "flag":
            return f"the default {self.default!r} of flag -{self.text}"
        if self.kind == "lit":
            return f"the literal {self.text!r}"
        return self.text


@dataclass(frozen=True, slots=True)
class ValueScope:
    """What one package offers for resolving value parts: its package-level values (and the
    fields of struct literals its functions return), its getEnv-style helpers, and the same for
    the other packages of the tree, by import path."""

    values: Mapping[str, PackageValue]
    helpers: frozenset[str]
    packages: Mapping[str, ValueScope] = field(default_factory=dict)


def resolve_parts(parts: Sequence[ValuePart], scope: ValueScope, depth: int = 0) -> tuple[ValuePart, ...]:
    """Replace "ident" and "call" parts using package-level values and getEnv-style helpers;
    an "ident" naming another package (`arg`: its import path) is looked up there."""
    out: list[ValuePart] = []
    for part in parts:
        home = scope.packages.get(part.arg) if part.kind == "ident" and part.arg else scope
        if part.kind == "ident" and home is not None and part.text in home.values and depth < 8:
            value = home.values[part.text]
            inner = replace(home, packages=scope.packages) if home is not scope else scope
            found = resolve_parts(value.parts, inner, depth + 1)
            out.extend(p if p.path else replace(p, path=value.path) for p in found)
        elif part.kind == "call" and part.text in scope.helpers and part.arg:
            out.append(ValuePart("env", part.arg, part.default, part.pos))
        elif part.kind in ("ident", "call"):
            out.append(ValuePart("unknown", part.text, None, part.pos))
        else:
            out.append(part)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ListenAddress:
    """An address a server listens on, as far as the source tells.

    `host` is "" for all interfaces, None when unknown; `port` None when unknown. `env_var`/
    `env_default` and `flag_name`/`flag_default` say where a value comes from; `host_part` and
    `port_part` are the parts that supplied the host and the port (to say so in messages).
    `resolved` is True when the whole address is known without run-time input.
    """

    host: str | None
    port: int | None
    raw: str
    env_var: str = ""
    env_default: str | None = None
    flag_name: str = ""
    flag_default: str | None = None
    resolved: bool = False
    host_part: ValuePart | None = None
    port_part: ValuePart | None = None

    @property
    def is_loopback(self) -> bool:
        return self.host is not None and self.host.lower() in LOOPBACK_HOSTS

    @property
    def is_all_interfaces(self) -> bool:
        return self.host in ("", "0.0.0.0", "::", "[::]")

    def text(self) -> str:
        """`127.0.0.1:8080`, with `?` for unknown pieces."""
        host = "?" if self.host is None else self.host
        port = "?" if self.port is None else str(self.port)
        if host and ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"{host}:{port}"

    @staticmethod
    def from_parts(parts: Sequence[ValuePart], raw: str) -> ListenAddress:
        chars: list[tuple[str, int]] = []  # (char, index of the part it came from); "\0" = unknown
        for index, part in enumerate(parts):
            value = part.effective()
            if value is None:
                chars.append(("\0", index))
            else:
                chars.extend((c, index) for c in value)
        env = next((p for p in parts if p.kind == "env"), None)
        flag = next((p for p in parts if p.kind == "flag"), None)
        text = "".join(c for c, _ in chars)
        resolved = "\0" not in text and env is None and flag is None
        if not chars or text == "\0":
            return ListenAddress(
                None,
                None,
                raw,
                env.text if env else "",
                env.default if env else None,
                flag.text if flag else "",
                flag.default if flag else None,
                False,
                parts[0] if len(parts) == 1 else None,
                parts[0] if len(parts) == 1 else None,
            )
        split = _split_host_port(text)
        if split is None:
            return ListenAddress(
                None,
                None,
                raw,
                env.text if env else "",
                env.default if env else None,
                flag.text if flag else "",
                flag.default if flag else None,
                False,
            )
        host_end, port_start = split
        host_chars = chars[:host_end]
        port_chars = chars[port_start:]
        host_text = "".join(c for c, _ in host_chars)
        port_text = "".join(c for c, _ in port_chars)
        host: str | None = None
        if "\0" not in host_text:
            host = host_text.strip("[]") if host_text.startswith("[") else host_text
        port: int | None = None
        if "\0" not in port_text and port_text.isdigit():
            port = int(port_text)
        elif port_text in ("http", "https"):
            port = 80 if port_text == "http" else 443
        return ListenAddress(
            host=host,
            port=port,
            raw=raw,
            env_var=env.text if env else "",
            env_default=env.default if env else None,
            flag_name=flag.text if flag else "",
            flag_default=flag.default if flag else None,
            resolved=resolved,
            host_part=_single_part(parts, host_chars),
            port_part=_single_part(parts, port_chars),
        )

    def origin(self) -> str:
        """Where the host comes from, for messages ('the default of flag -addr', ...)."""
        part = self.host_part
        if part is None or part.kind == "lit":
            return "hard-coded"
        return part.describe()


def _split_host_port(text: str) -> tuple[int, int] | None:
    """(end of host, start of port) in `text`, like net.SplitHostPort but lenient."""
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            return None
        if text[close + 1 : close + 2] == ":":
            return close + 1, close + 2
        return None
    colon = text.rfind(":")
    if colon < 0:
        return None
    if text.count(":") > 1 and "\0" not in text:
        return None  # a bare IPv6 address without brackets is not a valid listen address
    return colon, colon + 1


def _single_part(parts: Sequence[ValuePart], chars: Sequence[tuple[str, int]]) -> ValuePart | None:
    indexes = {i for _, i in chars}
    if len(indexes) == 1:
        return parts[next(iter(indexes))]
    # several parts: the one that is not a plain literal decides, if there is exactly one
    dynamic = {i for i in indexes if parts[i].kind != "lit"}
    if len(dynamic) == 1:
        return parts[next(iter(dynamic))]
    if not dynamic and indexes:
        return parts[min(indexes)]
    return None


# --------------------------------------------------------------------------------------------
# Facts (each: file path + position)


@dataclass(frozen=True, slots=True)
class GoImport:
    path: str
    alias: str
    pos: Position


@dataclass(frozen=True, slots=True)
class Evidence:
    """A place that shows something (an HTTPS call, a cgo import, ...). `what` says what."""

    what: str
    path: str
    pos: Position
    strong: bool = True

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)


@dataclass(frozen=True, slots=True)
class ListenCall:
    """A server start. kind: gin-run, gin-runtls, http-listenandserve, http-listenandservetls,
    http-server-addr, net-listen, echo-start, fiber-listen."""

    kind: str
    address: ListenAddress
    parts: tuple[ValuePart, ...]
    path: str
    pos: Position
    receiver: str = ""

    @property
    def location(self) -> Location:
        return Location.at(self.path, self.pos)

    @property
    def is_tls(self) -> bool:
        return self.kind in ("gin-runtls", "http-listenandservetls")


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


@dataclass(frozen=True, slots=True)
class OriginEntry:
    value: str
    pos: Position


@dataclass(frozen=True, slots=True)
class CorsConfig:
    """A `cors.Config{...}` (gin-contrib) or `cors.Options{...}` (rs/cors) literal.

    Booleans are None when the field is absent; `fields` maps each present field to its position.
    """

    library: str
    var: str
    allow_all_origins: bool | None
    allow_origins: tuple[OriginEntry, ...]
    allow_origin_func: bool
    allow_credentials: bool | None
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    fields: tuple[tuple[str, Position], ...]
    path: str
    pos: Position

    def field_pos(self, name: str) -> Position:
        for key, pos in self.fields:
            if key == name:
                return pos
        return self.pos

    @property
    def allows_any_origin(self) -> bool:
        return bool(self.allow_all_origins) or any(o.value == "*" for o in self.allow_origins)


@dataclass(frozen=True, slots=True)
class CorsHandler:
    """A hand-written function that sets `Access-Control-Allow-Origin`.

    origin: "*" (wildcard), "reflect" (the request's Origin header), "literal", or "other";
    origin_checked: the reflected Origin is compared with something (an allow-list) first;
    answers_options: it compares the method with OPTIONS and stops there with a status.
    """

    name: str
    origin: str
    origin_value: str
    origin_pos: Position
    origin_checked: bool
    credentials: bool
    credentials_pos: Position | None
    answers_options: bool
    path: str
    pos: Position


@dataclass(frozen=True, slots=True)
class RuntimeFile:
    """A file or folder the program reads from its working directory at run time."""

    call: str
    file: str
    path: str
    pos: Position
    error_ignored: bool = False  # the call's error is dropped: a missing file is tolerated

    @property
    def is_relative(self) -> bool:
        return not self.file.startswith("/")


@dataclass(frozen=True, slots=True)
class EmbedDirective:
    patterns: tuple[str, ...]
    var: str
    path: str
    pos: Position


@dataclass(frozen=True, slots=True)
class TimeZoneLoad:
    """`time.LoadLocation(zone)`; zone is "" when not a literal (env_var then may say where from)."""

    zone: str
    env_var: str
    path: str
    pos: Position

    @property
    def needs_tzdata(self) -> bool:
        return self.zone not in ("UTC", "Local")


@dataclass(frozen=True, slots=True)
class EnvRead:
    """An environment variable the program reads. via: getenv, lookupenv, helper, cmp-or,
    envconfig, env-tag, viper."""

    name: str
    default: str | None
    required: bool
    via: str
    path: str
    pos: Position


@dataclass(frozen=True, slots=True)
class LogFileOutput:
    """Logs sent to a file. `file` is the path when literal; `also_stdout` when an io.MultiWriter
    copies them to stdout/stderr too. `opened_at` is where the file is opened, if seen."""

    sink: str
    file: str
    also_stdout: bool
    path: str
    pos: Position
    opened_at: Position | None = None


@dataclass(frozen=True, slots=True)
class TlsBehaviour:
    """kind: "redirect-on-tls-nil", "hsts-only-on-tls", "secure-ssl-redirect" (SSLRedirect without
    SSLProxyHeaders)."""

    kind: str
    detail: str
    path: str
    pos: Position


@dataclass(frozen=True, slots=True)
class PackageValue:
    """A package-level const/var of this file, as value parts (for cross-file resolution)."""

    name: str
    parts: tuple[ValuePart, ...]
    path: str = ""


# --------------------------------------------------------------------------------------------
# Files and packages


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


def _cat(files: Sequence[GoFile], get: Callable[[GoFile], tuple[T, ...]]) -> tuple[T, ...]:
    return tuple(item for f in files for item in get(f))


def _nearest_mod(directory: str, mods: Mapping[str, GoMod]) -> GoMod | None:
    current = directory
    while True:
        if current in mods:
            return mods[current]
        if not current:
            return None
        current = current.rpartition("/")[0]


def _import_path(directory: str, mod: GoMod | None) -> str:
    """The import path of the package in `directory`: its module's path and the folder below."""
    if mod is None or not mod.module:
        return ""
    below = directory[len(mod.directory):].strip("/") if mod.directory else directory
    return f"{mod.module}/{below}" if below else mod.module


def _resolve_listen(call: ListenCall, scope: ValueScope) -> ListenCall:
    if not any(p.kind in ("ident", "call") for p in call.parts):
        return call
    parts = resolve_parts(call.parts, scope)
    return replace(call, parts=parts, address=ListenAddress.from_parts(parts, call.address.raw))


def assemble(models: Sequence[object]) -> tuple[object, ...]:
    """Group Go files into packages (folder + package name) and attach the nearest go.mod."""
    mods = {m.directory: m for m in models if isinstance(m, GoMod)}
    groups: dict[tuple[str, str], list[GoFile]] = {}
    for model in models:
        if isinstance(model, GoFile) and not model.excluded_from_build and model.package:
            groups.setdefault((model.directory, model.package), []).append(model)
    out: list[GoPackage] = []
    scopes: dict[tuple[str, str], ValueScope] = {}
    by_import: dict[str, ValueScope] = {}
    for key, files in groups.items():
        scope = ValueScope({v.name: v for f in files for v in f.values},
                           frozenset(h for f in files for h in f.env_helpers), by_import)
        scopes[key] = scope
        path = _import_path(key[0], _nearest_mod(key[0], mods))
        if path and key[1] != "main":
            by_import.setdefault(path, scope)
    for (directory, name), files in groups.items():
        scope = scopes[(directory, name)]
        listens = tuple(_resolve_listen(c, scope) for f in files for c in f.listens)
        env_reads = tuple(
            replace(r, via="helper") if r.via.startswith("call:") else r
            for f in files
            for r in f.env_reads
            # a call to an unknown function is an env read only if the package defines it as a
            # getEnv-style helper (maybe in another file)
            if not r.via.startswith("call:") or r.via[5:] in scope.helpers
        )
        out.append(
            GoPackage(
                directory=directory,
                name=name,
                files=tuple(files),
                module=_nearest_mod(directory, mods),
                listens=listens,
                engines=_cat(files, lambda f: f.engines),
                routes=_cat(files, lambda f: f.routes),
                uses=_cat(files, lambda f: f.uses),
                set_modes=_cat(files, lambda f: f.set_modes),
                trusted_proxies=_cat(files, lambda f: f.trusted_proxies),
                trusted_platforms=_cat(files, lambda f: f.trusted_platforms),
                client_ip_uses=_cat(files, lambda f: f.client_ip_uses),
                cors_configs=_cat(files, lambda f: f.cors_configs),
                cors_handlers=_cat(files, lambda f: f.cors_handlers),
                runtime_files=_cat(files, lambda f: f.runtime_files),
                embeds=_cat(files, lambda f: f.embeds),
                time_zones=_cat(files, lambda f: f.time_zones),
                https=_cat(files, lambda f: f.https),
                env_reads=env_reads,
                log_files=_cat(files, lambda f: f.log_files),
                cgo=_cat(files, lambda f: f.cgo),
                tls=_cat(files, lambda f: f.tls),
                tuning=_cat(files, lambda f: f.tuning),
                metrics=_cat(files, lambda f: f.metrics),
            )
        )
    return tuple(out)
