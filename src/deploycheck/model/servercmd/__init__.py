"""Which Python web server a command line starts, and where it will listen.

`analyze(argv, env)` reads a command as Docker (CMD/ENTRYPOINT, exec or `/bin/sh -c` form),
Compose, Kubernetes (`command` + `args`, already `$(VAR)`-expanded) or a Procfile runs it: it
unwraps launchers (`sh -c`, `exec`, `tini --`, `poetry run`, `opentelemetry-instrument`, ...),
expands `$VAR`/`${VAR:-default}` inside shell strings only (exec form hands `$PORT` to the
server literally), and applies each server's own defaults and environment variables. Pure: no
process is run, no file is read.

The package is cut along those stages: `unwrap` (assignments, launchers and `sh -c` strings,
over `shell` for splitting and expanding shell text and `tokens` for the words and their
patterns), `dispatch` (which server the words start, `python -m` and scripts included), the
readers of each family of servers in `asgi`, `wsgi` and `frameworks`, which rest on `options`
(scanning a server's options) and `values` (values, defaults and the record's builder), and
`record` (`ServerCommand`) over `addresses` (`is_loopback`, `split_hostport`). Everything other
modules use is re-exported here, so `from deploycheck.model.servercmd import ...` is the import
to use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from deploycheck.model.servercmd.addresses import LOOPBACK_NAMES, is_loopback, split_hostport
from deploycheck.model.servercmd.record import ServerCommand
from deploycheck.model.servercmd.tokens import _Tok
from deploycheck.model.servercmd.unwrap import _commands

__all__ = ["LOOPBACK_NAMES", "ServerCommand", "analyze", "is_loopback", "split_hostport"]


def analyze(argv: Sequence[str], env: Mapping[str, str] | None = None) -> ServerCommand | None:
    """The Python web server `argv` starts, or None when it starts none we recognise."""
    tokens = [_Tok(str(t), i, False) for i, t in enumerate(argv)]
    found = list(_commands(tokens, dict(env or {}), 0))
    servers = [c for c in found if not c.runs_script]
    if servers:
        return servers[0]
    return found[-1] if found else None
