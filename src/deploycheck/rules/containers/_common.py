"""Helpers the container rules share (no rules here): exit reasons, the log lines that explain
an exit, stop events, byte sizes, and the evidence entries findings carry."""

from __future__ import annotations

import re
from collections.abc import Sequence

from deploycheck.model import Related
from deploycheck.model.containers import Container, LogLine, StopEvent

EXEC_FAILURE = re.compile(
    r"exec (?P<path>/\S+): (?P<why>no such file or directory|exec format error|permission denied)"
    r"|exec: \"(?P<cmd>[^\"]+)\": (?P<why2>executable file not found in \$PATH|permission denied"
    r"|stat [^:]+: no such file or directory)"
    r"|exec user process caused:? \"?(?P<why3>no such file or directory|exec format error|permission denied)")
_ERRORISH = re.compile(
    r"(?i)\b(error|fatal|panic|exception|traceback|failed|failure|cannot|can't|unable|denied|refused|"
    r"not found|no such|invalid|missing|required|not set|timed? ?out|killed|abort)")
_PY_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b")
ENGINE_BACKOFF_MAX = 60.0


def exec_failure(c: Container) -> tuple[str, str, LogLine | None] | None:
    """(what failed, why, the log line) when the runtime could not start the entrypoint:
    why is 'no such file or directory', 'exec format error', 'permission denied',
    'executable file not found in $PATH' or 'stat ...: no such file or directory'."""
    match = EXEC_FAILURE.search(c.error)
    if match:
        return _failure(match, None)
    for line in c.logs[-8:]:
        match = EXEC_FAILURE.search(line.text)
        if match:
            return _failure(match, line)
    return None


def _failure(match: re.Match[str], line: LogLine | None) -> tuple[str, str, LogLine | None]:
    what = match.group("path") or match.group("cmd") or ""
    why = match.group("why") or match.group("why2") or match.group("why3") or ""
    return what, why, line


def explaining_lines(c: Container, limit: int = 2) -> tuple[LogLine, ...]:
    """The log lines that best explain why the process ended: a Go panic or Python exception
    line, else the last lines that read like errors, else the last line."""
    lines = c.logs
    if not lines:
        return ()
    tail = lines[-60:]
    for line in reversed(tail):
        text = line.text.strip()
        if text.startswith("panic: ") or text.startswith("fatal error: "):
            return (line,)
    for line in reversed(tail):
        if _PY_EXCEPTION.match(line.text.strip()):
            return (line,)
    errors = [ln for ln in tail if _ERRORISH.search(ln.text)]
    if errors:
        return tuple(errors[-limit:])
    last = [ln for ln in tail if ln.text.strip()]
    return tuple(last[-1:])


def stop_request(c: Container) -> StopEvent | None:
    """The SIGTERM (docker stop, compose down, a kill) that preceded the last exit, if the
    engine's event log shows one."""
    if not c.events:
        return None
    last_die = max((i for i, e in enumerate(c.events) if e.action == "die"), default=len(c.events))
    for event in reversed(c.events[:last_die]):
        if event.action == "kill" and event.signal in (2, 3, 15):
            return event
        if event.action == "stop":
            return event
    return None


def sigkill_event(c: Container) -> StopEvent | None:
    if not c.events:
        return None
    for event in reversed(c.events):
        if event.action == "kill" and event.signal == 9:
            return event
    return None


def size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value >= 10 or value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"


def seconds(value: float | None) -> str:
    if value is None:
        return "an unknown time"
    if value < 0.001:
        return "less than a millisecond"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 120:
        return f"{value:.1f} s"
    return f"{value / 60:.0f} min"


def quoted(text: str, limit: int = 200) -> str:
    text = text.strip()
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return f'"{text}"' if "`" in text else f"`{text}`"


def state_evidence(c: Container, *fields: str) -> tuple[Related, ...]:
    """Inspect fields as related entries: `State.ExitCode=137`, `State.OOMKilled=false`..."""
    values: dict[str, object] = {
        "State.Status": c.status, "State.ExitCode": c.exit_code, "State.OOMKilled": c.oom_killed,
        "State.Error": c.error, "RestartCount": c.restart_count, "Path": c.command_line(),
        "HostConfig.Memory": c.memory_limit, "HostConfig.RestartPolicy": c.restart_policy,
        "State.StartedAt": c.started_at, "State.FinishedAt": c.finished_at,
    }
    return tuple(c.evidence(name, values[name]) for name in fields if name in values)


def log_evidence(c: Container, lines: Sequence[LogLine]) -> tuple[Related, ...]:
    return c.log_evidence(tuple(lines))


def ran_for(c: Container) -> str:
    return f"after {seconds(c.ran_seconds)}" if c.ran_seconds is not None else ""


def restart_delay(count: int) -> float:
    """Docker's restart delay after `count` consecutive quick failures: 100 ms doubled each time,
    at most a minute (reset once a run lasts 10 s)."""
    return float(min(0.1 * (2.0 ** max(count - 1, 0)), ENGINE_BACKOFF_MAX))
