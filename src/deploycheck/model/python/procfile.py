"""Procfiles: `web: gunicorn app:app` entries, run by a shell on the platform.

Each `ProcfileEntry` keeps the positions of its process name and command, and hands the command
to `servercmd.analyze` as `/bin/sh -c` would run it, so `$PORT` expands.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Position
from deploycheck.model.servercmd import ServerCommand, analyze


@dataclass(frozen=True, slots=True)
class ProcfileEntry:
    """`web: gunicorn app:app` — run by a shell, so `$PORT` expands."""

    process: str
    command: str
    pos: Position  # the process name
    command_pos: Position

    @property
    def shell_argv(self) -> tuple[str, ...]:
        """How the platform runs it: through a shell (pass to `servercmd.analyze`)."""
        return ("/bin/sh", "-c", self.command)

    def server(self, env: dict[str, str] | None = None) -> ServerCommand | None:
        return analyze(self.shell_argv, env)


@dataclass(frozen=True, slots=True)
class Procfile:
    path: str
    entries: tuple[ProcfileEntry, ...]

    def get(self, process: str) -> ProcfileEntry | None:
        for e in self.entries:
            if e.process == process:
                return e
        return None
