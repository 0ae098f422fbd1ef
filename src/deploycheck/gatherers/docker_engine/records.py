"""The gatherer's records: the `Selection` of containers to diagnose, the `Raw` answers read
about one container (kept for `--save-facts`, secrets in the environment redacted when written),
the `Gathered` result of a run, and `iter_records`, which names each saved record file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from deploycheck.model.containers import Container, Engine

LOG_TAIL = 500  # lines of each container's log
RECORD_VERSION = 1
_SECRET_NAME = re.compile(r"PASS|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH", re.I)


@dataclass(frozen=True, slots=True)
class Selection:
    names: tuple[str, ...] = ()
    include_all: bool = False
    compose_project: str = ""
    working_dirs: tuple[str, ...] = ()  # compose projects whose files live in these folders...
    project_names: tuple[str, ...] = ()  # ...or that bear these names
    tail: int = LOG_TAIL


@dataclass(slots=True)
class Raw:
    """What was read about one container, kept for `--save-facts`."""

    inspect: dict[str, Any]
    image: dict[str, Any] | None = None
    logs: list[dict[str, str]] = field(default_factory=list)
    logs_truncated: bool = False
    proc_net: dict[str, str] | None = None
    proc_net_source: str = ""
    sockets_note: str = ""
    connections: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Any] | None = None
    events: list[dict[str, Any]] | None = None
    exec_target: dict[str, Any] | None = None
    port_holders: list[list[str]] = field(default_factory=list)

    def record(self, engine: Engine, redact: bool = True) -> dict[str, Any]:
        inspect = json.loads(json.dumps(self.inspect))
        if redact:
            config = inspect.get("Config") or {}
            config["Env"] = [_redact(item) for item in config.get("Env") or []]
        return {
            "deploycheck_record": RECORD_VERSION,
            "engine": {
                "version": engine.version,
                "os": engine.os,
                "arch": engine.arch,
                "cpus": engine.cpus,
                "memory": engine.memory,
                "local": engine.local,
            },
            "inspect": inspect,
            "image": self.image,
            "logs": self.logs,
            "logs_truncated": self.logs_truncated,
            "proc_net": self.proc_net,
            "proc_net_source": self.proc_net_source,
            "sockets_note": self.sockets_note,
            "connections": self.connections,
            "stats": self.stats,
            "events": self.events,
            "exec_target": self.exec_target,
            "port_holders": self.port_holders,
        }


def _redact(item: str) -> str:
    name, sep, value = item.partition("=")
    return f"{name}=<redacted>" if sep and value and _SECRET_NAME.search(name) else item


@dataclass(frozen=True, slots=True)
class Gathered:
    engine: Engine
    containers: tuple[Container, ...]
    raws: tuple[Raw, ...]
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


def iter_records(gathered: Gathered) -> Iterator[tuple[str, dict[str, Any]]]:
    """(file name, record) per container, secrets in the environment redacted."""
    for raw in gathered.raws:
        name = str(raw.inspect.get("Name") or raw.inspect.get("Id") or "container").lstrip("/")
        yield f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.container.json", raw.record(gathered.engine)
