"""The records the reader works with and the conversions of evaluated values.

`_Trace` collects what an evaluation depended on (environment variables, the CPU count), `_Const`
is a module constant evaluated once, `_Collected` gathers the facts of one module while the
reader walks it. The functions convert evaluated values the way Python and the config libraries
would (`"yes"` → True, `"8000"` → 8000), answering `UNKNOWN` where the outcome is not known,
and `_is_file` tells a log path from a stream such as `-` or `/dev/stdout`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from deploycheck.model.python import (
    UNKNOWN,
    AppCreation,
    CorsConfig,
    DictValue,
    EnvRead,
    LocalHostUse,
    LogFile,
    MetricsExposure,
    OutboundCall,
    Route,
    RouterInclude,
    ServerRun,
    TimeZoneUse,
)


@dataclass(slots=True)
class _Trace:
    env: list[str] = field(default_factory=list)
    cpu: bool = False


@dataclass(frozen=True, slots=True)
class _Const:
    value: object
    env: tuple[str, ...]
    cpu: bool


@dataclass(slots=True)
class _Collected:
    apps: list[AppCreation] = field(default_factory=list)
    servers: list[ServerRun] = field(default_factory=list)
    cors: list[CorsConfig] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    env_reads: list[EnvRead] = field(default_factory=list)
    log_files: list[LogFile] = field(default_factory=list)
    outbound: list[OutboundCall] = field(default_factory=list)
    time_zones: list[TimeZoneUse] = field(default_factory=list)
    metrics: list[MetricsExposure] = field(default_factory=list)
    local_hosts: list[LocalHostUse] = field(default_factory=list)
    includes: list[RouterInclude] = field(default_factory=list)


_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "off", "n", "f", ""})


def _to_bool(value: object) -> object:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return UNKNOWN
    if value is UNKNOWN:
        return UNKNOWN
    return bool(value)


def _known(*values: object) -> bool:
    return all(v is not UNKNOWN and not isinstance(v, DictValue) for v in values)


def _convert(kind: str, value: object) -> object:
    if value is UNKNOWN or isinstance(value, (DictValue, tuple)):
        return UNKNOWN
    try:
        if kind == "str":
            return str(value)
        if kind == "int":
            return int(value)  # type: ignore[call-overload]
        if kind == "float":
            return float(value)  # type: ignore[arg-type]
        return bool(value)
    except (TypeError, ValueError, OverflowError):
        return UNKNOWN


def _environ_cast(caster: str, value: object) -> object:
    """django-environ's `env.bool("X", default="yes")` casts its default like a value read."""
    if caster == "bool":
        return _to_bool(value)
    if caster in ("int", "float", "str"):
        return _convert(caster, value)
    if caster in ("list", "tuple") and isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


def _opt_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        b = _to_bool(value)
        return b if isinstance(b, bool) else None
    return None


def _port(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 65536:
        return value
    if isinstance(value, str) and value.strip().isdigit() and int(value) < 65536:
        return int(value)
    return None


def _text(value: object) -> str | None:
    if value is None or value is UNKNOWN or isinstance(value, DictValue):
        return None
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _is_file(path: str) -> bool:
    p = path.strip()
    return bool(p) and p not in ("-", "/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2",
                                 "/dev/null", "ext://sys.stdout", "ext://sys.stderr")
