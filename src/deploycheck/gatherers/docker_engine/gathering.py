"""Gathering live containers: `select` picks the containers to diagnose (by name, compose
project or working folder, healthy running ones left out unless asked), `gather_one` reads one
container (inspect, a bounded log tail, image platform, memory stats, the socket table and real
connections from `netns`, the entrypoint when exec failed, the holders of a port it could not
bind), and `gather` runs them concurrently, adds recent events and builds the facts through
`facts_from_record`, so the live path is the recorded one.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from deploycheck.gatherers import netns
from deploycheck.gatherers.docker_engine.client import EngineClient
from deploycheck.gatherers.docker_engine.container import (
    _dict,
    _int,
    _parse_time,
    container_from_inspect,
    engine_from_info,
)
from deploycheck.gatherers.docker_engine.endpoint import EngineError
from deploycheck.gatherers.docker_engine.exec_target import _exec_failed, probe_exec_target
from deploycheck.gatherers.docker_engine.facts import facts_from_record, parse_log_stream
from deploycheck.gatherers.docker_engine.records import Gathered, Raw, Selection
from deploycheck.model.containers import Container, Engine

LOG_BYTES = 2 << 20  # at most this much log per container


def _healthy_running(summary: Mapping[str, Any]) -> bool:
    return summary.get("State") == "running" and "(healthy)" in str(summary.get("Status") or "")


def select(client: EngineClient, selection: Selection) -> list[str]:
    """IDs of the containers to diagnose, in the engine's order."""
    if selection.names:
        ids = []
        for name in selection.names:
            found = client.get_json(f"/containers/{quote(name, safe='')}/json", missing_ok=True)
            if found is None:
                raise EngineError(f"no such container: {name}")
            ids.append(str(found["Id"]))
        return list(dict.fromkeys(ids))
    filters: dict[str, list[str]] = {}
    if selection.compose_project:
        filters["label"] = [f"com.docker.compose.project={selection.compose_project}"]
    query: dict[str, object] = {"all": 1}
    if filters:
        query["filters"] = json.dumps(filters)
    listed = client.get_json("/containers/json", query) or []
    out = []
    for summary in listed:
        labels = _dict(summary.get("Labels"))
        if (selection.working_dirs or selection.project_names) and not selection.compose_project:
            where = str(labels.get("com.docker.compose.project.working_dir") or "")
            dirs = {os.path.realpath(d) for d in selection.working_dirs}
            if (
                not (where and os.path.realpath(where) in dirs)
                and labels.get("com.docker.compose.project") not in selection.project_names
            ):
                continue
        if not selection.include_all and _healthy_running(summary):
            continue
        out.append(str(summary.get("Id")))
    return out


def _holders(inspect: Mapping[str, Any], listing: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Which running containers hold the host port this one failed to bind."""
    error = str(_dict(inspect.get("State")).get("Error") or "")
    match = re.search(
        r"Bind for (\S+?):(\d+) failed|listen tcp[46]? (\S*?):(\d+): bind: address already in use", error
    )
    if not match:
        return []
    ip = match.group(1) if match.group(1) is not None else match.group(3)
    port = _int(match.group(2) or match.group(4))
    out = []
    for summary in listing:
        if summary.get("Id") == inspect.get("Id"):
            continue
        for binding in summary.get("Ports") or []:
            b = _dict(binding)
            if _int(b.get("PublicPort")) == port and str(b.get("IP") or "") in (ip, "0.0.0.0", "::", ""):
                name = (summary.get("Names") or ["?"])[0].lstrip("/")
                out.append([f"{ip}:{port}", name])
                break
    return out


def gather_one(
    client: EngineClient,
    cid: str,
    engine: Engine,
    tail: int,
    images: dict[str, dict[str, Any] | None],
    listing: Callable[[], list[dict[str, Any]]],
) -> Raw | None:
    inspect = client.get_json(f"/containers/{cid}/json", missing_ok=True)
    if inspect is None:
        return None  # removed meanwhile
    raw = Raw(inspect)
    state = _dict(inspect.get("State"))
    config = _dict(inspect.get("Config"))
    status, _, body = client.request(
        "GET",
        f"/containers/{cid}/logs",
        {"stdout": 1, "stderr": 1, "tail": tail, "timestamps": 1},
        limit=LOG_BYTES,
    )
    if status == 200:
        lines = parse_log_stream(body, bool(config.get("Tty")))
        raw.logs = [{"stream": s, "time": t, "text": x} for s, t, x in lines]
        raw.logs_truncated = len(body) >= LOG_BYTES
    image_id = str(inspect.get("Image") or "")
    if image_id and image_id not in images:
        found = client.get_json(f"/images/{quote(image_id, safe='')}/json", missing_ok=True)
        images[image_id] = {k: found.get(k) for k in ("Os", "Architecture", "Variant")} if found else None
    raw.image = images.get(image_id)
    running = bool(state.get("Running")) and not state.get("Restarting")
    if running:
        raw.stats = client.get_json(
            f"/containers/{cid}/stats", {"stream": "false", "one-shot": "true"}, missing_ok=True, timeout=10
        )
        if engine.local:
            tables, source, note = netns.read_proc_tables(_int(state.get("Pid")), cid)
            if tables:
                raw.proc_net, raw.proc_net_source = tables, source
            raw.sockets_note = note
            ports = container_from_inspect(inspect).ports
            for conn in netns.connect_all(ports):
                raw.connections.append(
                    {
                        "port": conn.port.spec(),
                        "host_ip": conn.port.host_ip,
                        "host_port": conn.port.host_port,
                        "target": conn.target,
                        "outcome": conn.outcome,
                        "detail": conn.detail,
                        "elapsed_ms": conn.elapsed_ms,
                    }
                )
        else:
            raw.sockets_note = f"the engine is remote ({engine.endpoint}): sockets and ports not checked"
    else:
        raw.sockets_note = "the container is not running"
    if _exec_failed(inspect, raw.logs):
        raw.exec_target = probe_exec_target(client, inspect)
    if "already allocated" in str(state.get("Error") or "") or "address already in use" in str(
        state.get("Error") or ""
    ):
        raw.port_holders = _holders(inspect, listing())
    return raw


def _events(client: EngineClient, raws: Sequence[Raw]) -> list[dict[str, Any]] | None:
    starts = [_parse_time(str(_dict(r.inspect.get("State")).get("StartedAt") or "")) for r in raws]
    known = [s for s in starts if s is not None]
    since = int(min(known)) - 1 if known else int(time.time()) - 3600
    filters = {
        "type": ["container"],
        "event": ["kill", "stop", "die", "oom"],
        "container": [str(r.inspect.get("Id")) for r in raws],
    }
    try:
        status, _, body = client.request(
            "GET",
            "/events",
            {"since": since, "until": int(time.time()) + 1, "filters": json.dumps(filters)},
            limit=4 << 20,
            timeout=10,
        )
    except EngineError:
        return None
    if status != 200:
        return None
    out = []
    for line in body.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict):
            out.append(item)
    return out


def gather(
    client: EngineClient,
    selection: Selection,
    jobs: int = 16,
    progress: Callable[[str, int, int], None] | None = None,
) -> Gathered:
    """Every selected container, gathered concurrently."""
    started = time.perf_counter()
    info = client.get_json("/info")
    engine = engine_from_info(info or {}, client.endpoint)
    ids = select(client, selection)
    images: dict[str, dict[str, Any] | None] = {}
    listing_cache: list[list[dict[str, Any]]] = []

    def listing() -> list[dict[str, Any]]:
        if not listing_cache:
            listing_cache.append(client.get_json("/containers/json") or [])
        return listing_cache[0]

    raws: list[Raw] = []
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(ids) or 1))) as pool:
        futures = [
            pool.submit(gather_one, client, cid, engine, selection.tail, images, listing) for cid in ids
        ]
        for future in futures:
            raw = future.result()
            done += 1
            if progress is not None:
                progress("containers", done, len(ids))
            if raw is not None:
                raws.append(raw)
    notes: list[str] = []
    events = _events(client, raws) if raws else None
    if events is None and raws:
        notes.append("the engine's event log could not be read: stop and kill events are unknown")
    for raw in raws:
        raw.events = (
            [e for e in events if (_dict(e.get("Actor")).get("ID") or e.get("id")) == raw.inspect.get("Id")]
            if events is not None
            else None
        )
    built = [facts_from_record(json.dumps(raw.record(engine, redact=False)))[0] for raw in raws]
    containers = tuple(replace(c, engine=engine) for c in built if isinstance(c, Container))
    return Gathered(engine, containers, tuple(raws), tuple(notes), time.perf_counter() - started)
