"""Pure builders of the facts gathered beside `docker inspect`: log lines from a /logs body or a
record, memory in use from /stats, kill/stop/die/oom events, connection outcomes and the
entrypoint probe. `facts_from_record` rebuilds a whole container from a recorded
`*.container.json` (the tests' recorded facts, and the live path after gathering), and
`scan_logs` runs a log scanner over its tail.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from deploycheck.gatherers import netns
from deploycheck.gatherers.docker_engine.container import _dict, _int, _platform, container_from_inspect
from deploycheck.model.containers import (
    Connection,
    Container,
    Engine,
    ExecTarget,
    LogLine,
    MemoryUsage,
    PublishedPort,
    StopEvent,
)
from deploycheck.model.logs import LogScan, LogScanner, LogSource

LINE_BYTES = 4096


def parse_log_stream(data: bytes, tty: bool) -> list[tuple[str, str, str]]:
    """(stream, time, text) per line of a /logs body (multiplexed frames unless the container has
    a TTY), timestamps (`timestamps=1`) split off, lines cut at LINE_BYTES."""
    chunks: list[tuple[str, bytes]] = []
    if tty:
        chunks.append(("stdout", data))
    else:
        pos = 0
        while pos + 8 <= len(data):
            kind, size = data[pos], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
            chunks.append(({1: "stdout", 2: "stderr"}.get(kind, ""), data[pos + 8 : pos + 8 + size]))
            pos += 8 + size
        if pos < len(data) and not chunks:
            chunks.append(("", data))  # not multiplexed after all
    lines: list[tuple[str, str, str]] = []
    partial: dict[str, bytes] = {}
    for stream, chunk in chunks:
        buf = partial.pop(stream, b"") + chunk
        *complete, rest = buf.split(b"\n")
        for raw in complete:
            lines.append(_log_line(stream, raw))
        if rest:
            partial[stream] = rest
    for stream, rest in partial.items():
        lines.append(_log_line(stream, rest))
    return lines


def _log_line(stream: str, raw: bytes) -> tuple[str, str, str]:
    text = raw[:LINE_BYTES].decode("utf-8", "replace").rstrip("\r")
    stamp, sep, rest = text.partition(" ")
    if sep and re.match(r"\d{4}-\d\d-\d\dT", stamp):
        return stream, stamp, rest
    return stream, "", text


def log_lines(items: Iterable[object]) -> tuple[LogLine, ...]:
    """LogLines from recorded entries: plain strings, or {"text", "stream", "time"} objects."""
    out = []
    for index, item in enumerate(items, 1):
        if isinstance(item, dict):
            out.append(
                LogLine(
                    index, str(item.get("text", "")), str(item.get("stream", "")), str(item.get("time", ""))
                )
            )
        else:
            out.append(LogLine(index, str(item)))
    return tuple(out)


def memory_from_stats(stats: Mapping[str, Any] | None) -> MemoryUsage | None:
    """Memory in use as `docker stats` counts it: usage minus inactive page cache."""
    mem = _dict((stats or {}).get("memory_stats"))
    if "usage" not in mem:
        return None
    detail = _dict(mem.get("stats"))
    cache = _int(detail.get("total_inactive_file", detail.get("inactive_file", 0)))
    usage = max(_int(mem.get("usage")) - cache, 0)
    return MemoryUsage(usage, _int(mem.get("limit")), _int(mem.get("max_usage")))


def events_for(container_id: str, events: Iterable[Mapping[str, Any]]) -> tuple[StopEvent, ...]:
    """The container's kill/stop/die/oom events (IDs may be abbreviated in records)."""
    out = []
    for event in events:
        actor = _dict(event.get("Actor"))
        event_id = str(actor.get("ID") or event.get("id") or "")
        if not event_id or not (container_id.startswith(event_id) or event_id.startswith(container_id)):
            continue
        attributes = _dict(actor.get("Attributes"))
        nano = _int(event.get("timeNano")) or _int(event.get("time")) * 1_000_000_000
        stamp = ""
        if nano:
            moment = datetime.fromtimestamp(nano / 1e9, tz=UTC)
            stamp = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        code = attributes.get("exitCode")
        out.append(
            StopEvent(
                stamp,
                str(event.get("Action") or event.get("status") or ""),
                _int(attributes.get("signal")),
                _int(code) if code is not None else None,
                nano / 1e9,
            )
        )
    return tuple(out)


def connections_from_record(items: Iterable[Mapping[str, Any]]) -> tuple[Connection, ...]:
    out = []
    for item in items:
        number, _, proto = str(item.get("port", "")).partition("/")
        port = PublishedPort(
            _int(number), proto or "tcp", str(item.get("host_ip", "")), _int(item.get("host_port"))
        )
        out.append(
            Connection(
                port,
                str(item.get("target", "")),
                str(item.get("outcome", "")),
                str(item.get("detail", "")),
                _int(item.get("elapsed_ms")),
            )
        )
    return tuple(out)


def exec_target_from_record(item: Mapping[str, Any] | None) -> ExecTarget | None:
    if not item:
        return None
    exists = item.get("interpreter_exists")
    return ExecTarget(
        str(item.get("path", "")),
        bool(item.get("exists")),
        _int(item.get("mode")),
        _int(item.get("size")),
        str(item.get("elf_machine", "")),
        str(item.get("interpreter", "")),
        None if exists is None else bool(exists),
        str(item.get("shebang", "")),
        str(item.get("link_target", "")),
    )


def facts_from_record(text: str, scanner: LogScanner | None = None) -> list[object]:
    """The facts of one recorded container (`*.container.json`): the container, and the scan of
    its log tail when a scanner is given. Raises ValueError on a record that is not one."""
    record = json.loads(text)
    if not isinstance(record, dict) or not isinstance(record.get("inspect"), dict):
        raise ValueError("not a container record: no 'inspect' object")
    engine_data = _dict(record.get("engine"))
    engine = Engine(
        str(engine_data.get("version", "")),
        str(engine_data.get("os", "linux")),
        str(engine_data.get("arch", "amd64")),
        _int(engine_data.get("cpus")),
        _int(engine_data.get("memory")),
        bool(engine_data.get("local", True)),
    )
    sockets = None
    proc = record.get("proc_net")
    if isinstance(proc, dict):
        sockets = netns.socket_table(
            {str(k): str(v) for k, v in proc.items()}, str(record.get("proc_net_source", "/proc/PID/net"))
        )
    events = record.get("events")
    inspect = record["inspect"]
    container = container_from_inspect(
        inspect,
        engine,
        logs=log_lines(record.get("logs") or []),
        logs_truncated=bool(record.get("logs_truncated")),
        sockets=sockets,
        sockets_note=str(record.get("sockets_note", "")),
        connections=connections_from_record(record.get("connections") or []),
        memory=memory_from_stats(record.get("stats")),
        events=events_for(str(inspect.get("Id", "")), events) if isinstance(events, list) else None,
        exec_target=exec_target_from_record(record.get("exec_target")),
        port_holders=tuple((str(a), str(b)) for a, b in record.get("port_holders") or []),
        image_platform=_platform(record.get("image")),
    )
    facts: list[object] = [container]
    if scanner is not None:
        facts.append(scan_logs(container, scanner))
    return facts


def scan_logs(container: Container, scanner: LogScanner) -> LogScan:
    return scanner.scan_lines(LogSource(container=container.name), [ln.text for ln in container.logs])
