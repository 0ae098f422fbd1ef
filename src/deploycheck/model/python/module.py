"""`PyModule`: every fact the parser read from one Python source file, and `dev_like`.

`PyModule` gathers the records of `serving` and `facts` for one file with its dotted module name
and imports. `dev_like` tells from a path whether a file is meant for development or tests only
(`settings/local.py`, `run_dev.py`, `tests/...`), which rules and Django settings both ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deploycheck.model.python.facts import (
    EnvRead,
    GunicornConfig,
    LocalHostUse,
    LogFile,
    OutboundCall,
    Setting,
    TimeZoneUse,
)
from deploycheck.model.python.serving import (
    AppCreation,
    CorsConfig,
    MetricsExposure,
    Route,
    RouterInclude,
    ServerRun,
)


@dataclass(frozen=True, slots=True)
class PyModule:
    """One Python source file's facts."""

    path: str
    module: str  # dotted name from the path ("app/main.py" -> "app.main")
    imports: tuple[str, ...]  # top-level packages imported ("fastapi", "uvicorn", "django")
    apps: tuple[AppCreation, ...] = ()
    servers: tuple[ServerRun, ...] = ()
    cors: tuple[CorsConfig, ...] = ()
    routes: tuple[Route, ...] = ()
    env_reads: tuple[EnvRead, ...] = ()
    is_django_settings: bool = False
    settings: tuple[Setting, ...] = ()  # module-level UPPER_CASE names (Django settings only)
    star_imports: tuple[str, ...] = ()  # resolved dotted names of `from X import *`
    gunicorn: GunicornConfig | None = None
    log_files: tuple[LogFile, ...] = ()
    outbound: tuple[OutboundCall, ...] = ()
    time_zones: tuple[TimeZoneUse, ...] = ()
    metrics: tuple[MetricsExposure, ...] = ()
    local_hosts: tuple[LocalHostUse, ...] = ()
    has_main_guard: bool = False
    includes: tuple[RouterInclude, ...] = ()

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]

    def setting(self, name: str) -> Setting | None:
        found = None
        for s in self.settings:
            if s.name == name:
                found = s
        return found


_DEV_NAME = re.compile(r"(^|[_\-.])(dev|devel|develop|development|local|test|tests|testing|ci|debug)"
                       r"([_\-.]|$)")


def dev_like(path: str) -> bool:
    """A file meant for development or tests only: `settings/local.py`, `run_dev.py`, `tests/...`."""
    parts = path.lower().split("/")
    stem = parts[-1].removesuffix(".py")
    return bool(_DEV_NAME.search(stem)) or stem.startswith("test_") or any(
        p in ("tests", "test", "testing") for p in parts[:-1])
