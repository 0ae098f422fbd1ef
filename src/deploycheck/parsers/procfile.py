"""Procfile → `Procfile` with one `ProcfileEntry` per `name: command` line.

The format (Heroku, Dokku, foreman, honcho): one process per line, `name: command`, names of
letters, digits, `_` and `-`; `#` starts a comment line. The command runs through a shell, so
`$PORT` expands (see `ProcfileEntry.shell_argv`).
"""

from __future__ import annotations

import re

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.model.python import Procfile, ProcfileEntry
from deploycheck.parsers import Parsed

_ENTRY = re.compile(r"^([A-Za-z0-9_-]+)[ \t]*:[ \t]*(.*)$")


def parse(source: SourceFile) -> Parsed:
    entries: list[ProcfileEntry] = []
    problems: list[ParseProblem] = []
    for number, raw in enumerate(source.text.splitlines(), 1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        m = _ENTRY.match(stripped)
        if m is None or not m.group(2).strip():
            problems.append(ParseProblem(Location.at(source.path, Position(number, indent + 1)),
                                         "not a Procfile entry (expected 'name: command')", "procfile"))
            continue
        command = m.group(2).strip()
        col = indent + stripped.index(command, len(m.group(1))) + 1
        where = Position(number, indent + 1)
        entries.append(ProcfileEntry(m.group(1), command, where, Position(number, col)))
    return Parsed(models=(Procfile(source.path, tuple(entries)),), problems=tuple(problems))
