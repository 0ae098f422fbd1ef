"""The entrypoint of a container that could not start it: `_exec_failed` recognises the exec
errors in the state and the last log lines, and `probe_exec_target` stats the entrypoint (along
`PATH` when it is a bare name, through a symlink), reads its head through the archive endpoint
and records its shebang interpreter or, for ELF files, its machine and program interpreter.
"""

from __future__ import annotations

import base64
import io
import json
import posixpath
import re
import tarfile
from collections.abc import Mapping, Sequence
from typing import Any

from deploycheck.gatherers.docker_engine.client import EngineClient
from deploycheck.gatherers.docker_engine.container import _dict, _int


def _exec_failed(inspect: Mapping[str, Any], logs: Sequence[Mapping[str, str]]) -> bool:
    state = _dict(inspect.get("State"))
    if state.get("Running"):
        return False
    text = str(state.get("Error") or "") + "\n" + "\n".join(item.get("text", "") for item in logs[-5:])
    return bool(
        re.search(
            r"exec[: ].*(no such file or directory|exec format error|permission denied)"
            r"|exec user process caused",
            text,
        )
    )


def _path_stat(client: EngineClient, cid: str, path: str) -> dict[str, Any] | None:
    status, headers, _ = client.request("HEAD", f"/containers/{cid}/archive", {"path": path})
    if status != 200:
        return None
    try:
        return _dict(json.loads(base64.b64decode(headers.get("x-docker-container-path-stat", ""))))
    except (ValueError, TypeError):
        return {}


def _file_head(client: EngineClient, cid: str, path: str, size: int = 64 << 10) -> bytes:
    status, _, body = client.request("GET", f"/containers/{cid}/archive", {"path": path}, limit=size + 1024)
    if status != 200:
        return b""
    try:
        with tarfile.open(fileobj=io.BytesIO(body), mode="r|") as tar:
            for member in tar:
                if member.isfile():
                    handle = tar.extractfile(member)
                    return handle.read(size) if handle else b""
    except (tarfile.TarError, EOFError, OSError):
        # The body is cut after `size` bytes: read what the truncated member holds.
        if len(body) > 512:
            return body[512 : 512 + size]
    return b""


def probe_exec_target(client: EngineClient, inspect: Mapping[str, Any]) -> dict[str, Any] | None:
    """Stat and read the head of the entrypoint inside the container's filesystem."""
    cid = str(inspect.get("Id") or "")
    path = str(inspect.get("Path") or "")
    if not path or not cid:
        return None
    config = _dict(inspect.get("Config"))
    candidates = [path]
    if "/" not in path:
        env_path = next(
            (str(e)[5:] for e in config.get("Env") or [] if str(e).startswith("PATH=")),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )
        candidates = [posixpath.join(d, path) for d in env_path.split(":") if d]
    elif not path.startswith("/"):
        candidates = [posixpath.normpath(posixpath.join(str(config.get("WorkingDir") or "/"), path))]
    for candidate in candidates:
        stat = _path_stat(client, cid, candidate)
        if stat is None:
            continue
        target = candidate
        link = str(stat.get("linkTarget") or "")
        if link:
            target = (
                link
                if link.startswith("/")
                else posixpath.normpath(posixpath.join(posixpath.dirname(candidate), link))
            )
            stat = _path_stat(client, cid, target) or stat
        out: dict[str, Any] = {
            "path": candidate,
            "exists": True,
            "mode": _int(stat.get("mode")) & 0o7777,
            "size": _int(stat.get("size")),
            "link_target": link,
        }
        head = _file_head(client, cid, target)
        if head.startswith(b"#!"):
            out["shebang"] = head.split(b"\n", 1)[0].decode("utf-8", "replace")
            interp = out["shebang"][2:].strip().split(" ")[0]
            if interp:
                out["interpreter"] = interp
                out["interpreter_exists"] = _path_stat(
                    client, cid, interp.rstrip("\r")
                ) is not None and not interp.endswith("\r")
        elif head.startswith(b"\x7fELF"):
            try:
                from deploycheck.gatherers import elf

                info = elf.parse(head, _int(stat.get("size")) or len(head))
            except Exception:  # another module's parser: never let it break the diagnosis
                info = None
            if info is not None:
                out["elf_machine"] = info.arch
                if info.interp:
                    out["interpreter"] = info.interp
                    out["interpreter_exists"] = _path_stat(client, cid, info.interp) is not None
        return out
    return {"path": path, "exists": False}
