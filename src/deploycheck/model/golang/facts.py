"""The other per-file facts the Go parser records, each with its file path and 1-based position:
imports (`GoImport`), places that show something (`Evidence`: an HTTPS call, a cgo import, a
tuning knob, a metrics handler, ...), files read at run time (`RuntimeFile`), `//go:embed`
directives (`EmbedDirective`), time zones loaded (`TimeZoneLoad`), environment variables read
(`EnvRead`), logs sent to files (`LogFileOutput`) and TLS-dependent behaviour (`TlsBehaviour`).
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Location, Position


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
