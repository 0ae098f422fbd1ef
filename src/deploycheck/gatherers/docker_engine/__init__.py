"""The Docker Engine API, spoken directly (HTTP/1.1 over the Unix socket or TCP, with
`http.client`): no SDK to install, one connection per request so threads never share one,
bounded reads everywhere. The engine is found as the docker CLI finds it: `DOCKER_HOST`
(`unix://`, `tcp://`, with `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`), else the current docker
context (`DOCKER_CONTEXT` or `currentContext` in ~/.docker/config.json), else
/var/run/docker.sock.

`gather` turns the engine's containers into `Container` facts: inspect, a bounded log tail,
memory stats, the image's platform, recent kill/stop/die events, the socket table and real
connections (`netns.py`) and, for containers that could not start their entrypoint, the
entrypoint file itself. Containers are gathered concurrently. The functions that build facts
from the engine's JSON are pure and shared with the recorded facts of the tests
(`facts_from_record`), so recorded and live paths are the same code.

The package: `endpoint` finds the engine (and holds `EngineError`), `client` speaks HTTP to it;
`container` and `facts` are the pure builders from the engine's JSON and from records;
`records` holds the selection, raw answers and results of a run; `exec_target` probes the
entrypoint of a container that could not start; `gathering` selects and gathers containers.
This module re-exports their public names, so `from deploycheck.gatherers.docker_engine import
...` keeps working.
"""

from __future__ import annotations

from deploycheck.gatherers.docker_engine.client import EngineClient
from deploycheck.gatherers.docker_engine.container import container_from_inspect, engine_from_info
from deploycheck.gatherers.docker_engine.endpoint import DEFAULT_SOCKET, Endpoint, EngineError, find_endpoint
from deploycheck.gatherers.docker_engine.exec_target import probe_exec_target
from deploycheck.gatherers.docker_engine.facts import (
    LINE_BYTES,
    connections_from_record,
    events_for,
    exec_target_from_record,
    facts_from_record,
    log_lines,
    memory_from_stats,
    parse_log_stream,
    scan_logs,
)
from deploycheck.gatherers.docker_engine.gathering import LOG_BYTES, gather, gather_one, select
from deploycheck.gatherers.docker_engine.records import (
    LOG_TAIL,
    RECORD_VERSION,
    Gathered,
    Raw,
    Selection,
    iter_records,
)

# The model records the old module imported and tests reach through it.
from deploycheck.model.containers import Engine, MemoryUsage

__all__ = [
    "DEFAULT_SOCKET",
    "LINE_BYTES",
    "LOG_BYTES",
    "LOG_TAIL",
    "RECORD_VERSION",
    "Endpoint",
    "Engine",
    "EngineClient",
    "EngineError",
    "Gathered",
    "MemoryUsage",
    "Raw",
    "Selection",
    "connections_from_record",
    "container_from_inspect",
    "engine_from_info",
    "events_for",
    "exec_target_from_record",
    "facts_from_record",
    "find_endpoint",
    "gather",
    "gather_one",
    "iter_records",
    "log_lines",
    "memory_from_stats",
    "parse_log_stream",
    "probe_exec_target",
    "scan_logs",
    "select",
]
