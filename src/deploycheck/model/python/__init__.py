"""Python apps: facts read from source with `ast` (never imported or run), dependencies, Procfiles.

`parsers/python/` fills one `PyModule` per file with positioned facts: servers started from
code (`uvicorn.run`, `app.run`), app objects, CORS settings, routes, environment reads, Django and
gunicorn settings, log files, outbound TLS clients, time zones, metrics and loopback database
hosts. Values are resolved through literals, module constants and the defaults of
`os.environ.get`/`os.getenv`/`config(...)`; a value that depends on the environment keeps the
variable names in `env`, so a rule can tell a literal from a default.

`assemble` groups modules into `PythonApp`s (one per folder holding requirements, pyproject,
Procfile or manage.py) and builds `DjangoSettings` with `from .base import *` inheritance.

The package is cut along those lines: `values` (`UNKNOWN`, `Str`, `DictValue`), the fact records
in `serving` (apps, servers, CORS, routes, router includes, metrics) and `facts` (env reads,
settings, gunicorn config, log files, outbound calls, time zones, loopback hosts), `module`
(`PyModule`, `dev_like`), `dependencies` (requirements and the system libraries they need),
`procfile`, `django` (`DjangoSettings` and star-import inheritance) and `assembly` (`PythonApp`,
`assemble` and route completion across modules). Everything other modules use is re-exported
here, so `from deploycheck.model.python import ...` is the import to use.
"""

from __future__ import annotations

from deploycheck.model.python.assembly import PythonApp, assemble
from deploycheck.model.python.dependencies import (
    PyDependencies,
    Requirement,
    SystemLibs,
    needs_system_libs,
    normalize_name,
    system_libs,
)
from deploycheck.model.python.django import DjangoSettings
from deploycheck.model.python.facts import (
    EnvRead,
    GunicornConfig,
    LocalHostUse,
    LogFile,
    OutboundCall,
    Setting,
    TimeZoneUse,
)
from deploycheck.model.python.module import PyModule, dev_like
from deploycheck.model.python.procfile import Procfile, ProcfileEntry
from deploycheck.model.python.serving import (
    AppCreation,
    CorsConfig,
    MetricsExposure,
    Route,
    RouterInclude,
    ServerRun,
)
from deploycheck.model.python.values import UNKNOWN, DictValue, Dynamic, Str

__all__ = [
    "UNKNOWN",
    "AppCreation",
    "CorsConfig",
    "DictValue",
    "DjangoSettings",
    "Dynamic",
    "EnvRead",
    "GunicornConfig",
    "LocalHostUse",
    "LogFile",
    "MetricsExposure",
    "OutboundCall",
    "Procfile",
    "ProcfileEntry",
    "PyDependencies",
    "PyModule",
    "PythonApp",
    "Requirement",
    "Route",
    "RouterInclude",
    "ServerRun",
    "Setting",
    "Str",
    "SystemLibs",
    "TimeZoneUse",
    "assemble",
    "dev_like",
    "needs_system_libs",
    "normalize_name",
    "system_libs",
]
