"""Facts about configuration and run-time behaviour, as one source file shows them.

Environment variables read, module-level settings (`Setting`, for Django settings and gunicorn
config modules) and the gunicorn config they make up, files logged to, outbound TLS calls, time
zones named, and database/cache clients pointed at loopback. Each record keeps the 1-based
`Position` the parser found it at.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Position
from deploycheck.model.python.values import UNKNOWN


@dataclass(frozen=True, slots=True)
class EnvRead:
    """An environment variable the code reads.

    `required`: a missing variable crashes it (`os.environ["X"]`, `config("X")` without default,
    a pydantic settings field without default). `default` is the literal default, as text.
    """

    name: str
    pos: Position
    via: str  # environ[] environ.get getenv decouple django-environ pydantic
    required: bool
    default: str | None = None
    has_default: bool = False


@dataclass(frozen=True, slots=True)
class Setting:
    """A module-level `NAME = value` (Django settings, gunicorn config).

    `value` is the resolved value (str, int, bool, None, float, tuples for lists/sets, `DictValue`
    for dicts, `UNKNOWN`); if `env` is not empty the value depends on those variables and holds
    what their defaults give. `conditional`: assigned under an `if`/`try` at module level.
    """

    name: str
    value: object
    pos: Position
    env: tuple[str, ...] = ()
    from_cpu_count: bool = False
    conditional: bool = False

    @property
    def literal(self) -> bool:
        return not self.env and self.value is not UNKNOWN and not self.from_cpu_count


@dataclass(frozen=True, slots=True)
class GunicornConfig:
    """A gunicorn config module (`gunicorn.conf.py`, `gunicorn_conf.py`, ...): its settings."""

    path: str
    settings: tuple[Setting, ...]

    def get(self, name: str) -> Setting | None:
        found = None
        for s in self.settings:
            if s.name == name:
                found = s
        return found

    def binds(self) -> tuple[str, ...] | None:
        """`bind` as a tuple of addresses; None when not set or not readable."""
        s = self.get("bind")
        if s is None:
            return None
        if isinstance(s.value, str):
            return (s.value,)
        if isinstance(s.value, tuple) and all(isinstance(v, str) for v in s.value):
            return tuple(str(v) for v in s.value)
        return None


@dataclass(frozen=True, slots=True)
class LogFile:
    """Logging to a file: `logging.FileHandler("x.log")`, `basicConfig(filename=)`, a dictConfig
    handler with `filename`, gunicorn `accesslog`/`errorlog`, loguru `logger.add("x.log")`."""

    path: str | None  # None when computed
    pos: Position
    how: str


@dataclass(frozen=True, slots=True)
class OutboundCall:
    """Outbound TLS: an `https://` URL passed to requests/httpx/urllib/aiohttp, or an SDK import."""

    library: str
    pos: Position
    url: str = ""


@dataclass(frozen=True, slots=True)
class TimeZoneUse:
    """`ZoneInfo("Europe/Paris")`, `pytz.timezone(...)`, Django `TIME_ZONE`."""

    name: str
    pos: Position
    how: str


@dataclass(frozen=True, slots=True)
class LocalHostUse:
    """A database/cache/broker client pointed at loopback: inside a container that is the
    container itself, not the `db` service (`psycopg2.connect(host="localhost")`,
    `"postgresql://u:p@localhost/db"`). `env` names the variable whose default this is."""

    what: str  # postgres mysql redis mongodb amqp ... or the call name
    host: str
    pos: Position
    env: str = ""
