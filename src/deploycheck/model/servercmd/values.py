"""Values while one server's options are read: `_Build` turns option values into what the server
sees (noting `$VAR`s that stay unset, or that exec form passes literally) and builds the final
`ServerCommand`; `_host_port` and `_workers` apply a server's option names, environment variables
and defaults; `_bind_list` reads gunicorn/hypercorn `-b` lists; `_truthy` and `_file_dest` read
boolean variables and log destinations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from deploycheck.model.servercmd.addresses import _binds, split_hostport
from deploycheck.model.servercmd.options import _Opts
from deploycheck.model.servercmd.record import ServerCommand
from deploycheck.model.servercmd.tokens import _VAR, _Tok


@dataclass(slots=True)
class _Build:
    """Mutable scratch while reading one server's options."""

    kind: str
    toks: list[_Tok]
    env: Mapping[str, str]
    cmd_env: tuple[tuple[str, str], ...]
    unresolved: list[str] = field(default_factory=list)
    literal: list[str] = field(default_factory=list)

    def text(self, value: str, tok: _Tok | None) -> str | None:
        """A value as the server sees it; None (noting the variable) if it holds `$VAR`."""
        names = _VAR.findall(value)
        if not names and "$(" not in value:
            return value
        if tok is not None and not tok.expanded:
            self.literal.extend(n for n in names if n not in self.literal)
        else:
            self.unresolved.extend(n for n in names if n not in self.unresolved)
        return None

    def addr(self, value: str, tok: _Tok, default_port: int) -> tuple[str | None, int | None]:
        """`host:port` where either part may hold an unset `$VAR` (that part becomes None)."""
        if "$" not in value:
            return split_hostport(value, default_port)
        head, sep, tail = value.rpartition(":")
        if not sep or "]" in tail:
            self.text(value, tok)
            return None, None
        host = self.text(head, tok) if head else "0.0.0.0"
        if host is not None:
            host = split_hostport(host + ":1", 1)[0]
        return host, self.int_(self.text(tail, tok))

    def env_value(self, *names: str) -> str | None:
        for name in names:
            if name in self.env:
                return self.text(self.env[name], None)
        return None

    def int_(self, value: str | None) -> int | None:
        if value is None:
            return None
        value = value.strip()
        return int(value) if value.isdigit() else None

    def done(self, **fields: object) -> ServerCommand:
        return ServerCommand(
            kind=self.kind,
            argv=tuple(t.text for t in self.toks),
            shell=any(t.expanded for t in self.toks),
            index=self.toks[0].index,
            unresolved=tuple(self.unresolved),
            literal_vars=tuple(self.literal),
            env=self.cmd_env,
            **fields,  # type: ignore[arg-type]
        )


def _bind_list(b: _Build, values: list[tuple[str, _Tok]]
               ) -> tuple[str | None, int | None, list[str], str, _Tok]:
    """gunicorn/hypercorn `-b` values: first TCP host and port, all TCP binds, a unix socket."""
    host: str | None = None
    port: int | None = None
    binds: list[str] = []
    unix = ""
    first: _Tok | None = None
    for value, tok in values:
        if value.startswith("unix:"):
            unix = unix or re.sub(r"^unix:(//)?", "", value)
            continue
        h, p = b.addr(value, tok, 8000)
        binds.extend(_binds(h, p))
        if first is None:
            host, port, first = h, p, tok
    return host, port, binds, unix, first or values[0][1]


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("1", "true", "yes", "on", "y", "t")


def _file_dest(value: str | None) -> bool:
    return bool(value) and value not in ("-", "/dev/stdout", "/dev/stderr", "/proc/self/fd/1",
                                         "/proc/self/fd/2", "/dev/null")


def _host_port(b: _Build, opts: _Opts, host_opts: tuple[str, ...], port_opts: tuple[str, ...],
               host_env: tuple[str, ...], port_env: tuple[str, ...], default_host: str,
               default_port: int) -> dict[str, object]:
    host: str | None = default_host
    port: int | None = default_port
    fields: dict[str, object] = {"host_explicit": False, "port_explicit": False}
    h = opts.last(*host_opts)
    if h is not None:
        host = b.text(h[0], h[1])
        fields.update(host_explicit=True, host_index=h[1].index)
    elif any(n in b.env for n in host_env):
        host = b.env_value(*host_env)
        fields["host_explicit"] = True
    p = opts.last(*port_opts)
    if p is not None:
        port = b.int_(b.text(p[0], p[1]))
        fields.update(port_explicit=True, port_index=p[1].index)
    elif any(n in b.env for n in port_env):
        port = b.int_(b.env_value(*port_env))
        fields["port_explicit"] = True
    fields.update(host=host, port=port, binds=_binds(host, port))
    return fields


def _workers(b: _Build, opts: _Opts, names: tuple[str, ...], env_names: tuple[str, ...]) -> dict[str, object]:
    w = opts.last(*names)
    if w is not None:
        return {"workers": b.int_(b.text(w[0], w[1])), "workers_explicit": True}
    for name in env_names:
        if name in b.env:
            return {"workers": b.int_(b.env_value(name)), "workers_explicit": True}
    return {"workers": 1}
