"""The reader's working records: one assignment, one router, one function, and the facts gathered.

`_Assign` is one value given to a name (with the flag it came from, or whether it is an
`if x == "" {...}` fallback), `_Router` a Gin/Echo/Fiber engine or route group with its known
prefix, `_Func` a top-level function or method with its span and parameters, and `_Facts` the
lists of facts the mixins append to while reading, turned into the `GoFile` at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from deploycheck.model import Position
from deploycheck.model.golang import (
    CorsConfig,
    CorsHandler,
    EnvRead,
    Evidence,
    GinEngine,
    ListenAddress,
    ListenCall,
    LogFileOutput,
    MiddlewareUse,
    Route,
    RuntimeFile,
    SetModeCall,
    TimeZoneLoad,
    TlsBehaviour,
    TrustedProxiesCall,
    ValuePart,
)

if TYPE_CHECKING:
    from tree_sitter import Node


@dataclass(slots=True)
class _Assign:
    value: Node | None
    stmt: Node
    index: int
    multi: bool  # one call on the right, several names on the left
    flag: ValuePart | None = None  # flag.StringVar(&x, ...)
    fallback: bool = False


@dataclass(slots=True)
class _Router:
    kind: str  # "engine" or "group"
    engine: str
    prefix: str
    prefix_known: bool
    framework: str = "gin"


@dataclass(slots=True)
class _Func:
    start: int
    end: int
    name: str
    node: Node
    params: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Facts:
    listens: list[ListenCall] = field(default_factory=list)
    engines: list[GinEngine] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    uses: list[MiddlewareUse] = field(default_factory=list)
    set_modes: list[SetModeCall] = field(default_factory=list)
    trusted_proxies: list[TrustedProxiesCall] = field(default_factory=list)
    trusted_platforms: list[Evidence] = field(default_factory=list)
    client_ip: list[Evidence] = field(default_factory=list)
    cors_configs: list[CorsConfig] = field(default_factory=list)
    cors_handlers: list[CorsHandler] = field(default_factory=list)
    runtime_files: list[RuntimeFile] = field(default_factory=list)
    time_zones: list[TimeZoneLoad] = field(default_factory=list)
    https: list[Evidence] = field(default_factory=list)
    env_reads: list[EnvRead] = field(default_factory=list)
    log_files: list[LogFileOutput] = field(default_factory=list)
    cgo: list[Evidence] = field(default_factory=list)
    tls: list[TlsBehaviour] = field(default_factory=list)
    tuning: list[Evidence] = field(default_factory=list)
    metrics: list[Evidence] = field(default_factory=list)

    def listen(
        self, kind: str, parts: list[ValuePart], raw: str, path: str, pos: Position, receiver: str = ""
    ) -> None:
        self.listens.append(
            ListenCall(kind, ListenAddress.from_parts(parts, raw), tuple(parts), path, pos, receiver)
        )
