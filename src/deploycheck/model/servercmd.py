"""Which Python web server a command line starts, and where it will listen.

`analyze(argv, env)` reads a command as Docker (CMD/ENTRYPOINT, exec or `/bin/sh -c` form),
Compose, Kubernetes (`command` + `args`, already `$(VAR)`-expanded) or a Procfile runs it: it
unwraps launchers (`sh -c`, `exec`, `tini --`, `poetry run`, `opentelemetry-instrument`, ...),
expands `$VAR`/`${VAR:-default}` inside shell strings only (exec form hands `$PORT` to the
server literally), and applies each server's own defaults and environment variables. Pure: no
process is run, no file is read.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback", "::1", "[::1]"})


def is_loopback(host: str) -> bool:
    """True for an address that only the same network namespace (the container itself) reaches."""
    h = host.strip().lower().strip("[]")
    return h in LOOPBACK_NAMES or h == "::1" or h.startswith("127.") or h.endswith(".localhost")


@dataclass(frozen=True, slots=True)
class ServerCommand:
    """A recognised server start. `host`/`port` are effective values (defaults applied);
    None means the command line alone cannot tell (an unset variable, a config file, a script).

    Indexes point into the argv given to `analyze`: `index` at the token naming the server,
    `host_index`/`port_index` at the token carrying the value (for `sh -c "..."`, the string).
    """

    kind: str  # uvicorn gunicorn hypercorn daphne granian flask fastapi runserver waitress uwsgi
    #            python-script python-module
    argv: tuple[str, ...]  # the server's own words, unwrapped (and expanded in shell form)
    app_target: str = ""  # "main:app", "app.wsgi", a script path or a module name
    host: str | None = None
    host_explicit: bool = False
    port: int | None = None
    port_explicit: bool = False
    binds: tuple[str, ...] = ()  # every listen address as host:port (gunicorn/hypercorn -b ...)
    unix_socket: str = ""
    workers: int | None = None  # effective; None when unknown
    workers_explicit: bool = False
    worker_class: str = ""
    reload: bool = False
    dev_server: bool = False  # flask run, runserver, fastapi dev, any --reload
    proxy_headers: bool = False  # honours X-Forwarded-* (from forwarded_allow_ips)
    forwarded_allow_ips: str | None = None
    log_files: tuple[str, ...] = ()  # log destinations that are files, not '-' / /dev/std*
    worker_tmp_dir: str = ""
    config_file: str = ""  # -c/--config, --ini; for gunicorn the implicit ./gunicorn.conf.py
    config_implicit: bool = False
    shell: bool = False  # came through a shell (variables expanded)
    index: int = 0
    host_index: int | None = None
    port_index: int | None = None
    unresolved: tuple[str, ...] = ()  # variables the host/port/workers need that env lacks
    literal_vars: tuple[str, ...] = ()  # "$PORT" passed verbatim (exec form: nothing expands it)
    env: tuple[tuple[str, str], ...] = field(default=())  # assignments made on the command line

    @property
    def runs_script(self) -> bool:
        """`python app.py` / `python -m pkg`: the listen address is in the module's own code."""
        return self.kind in ("python-script", "python-module")

    @property
    def loopback_only(self) -> bool:
        """Known to listen only on loopback: unreachable through a published port or a Service."""
        if self.unix_socket and not self.binds:
            return False
        hosts = [split_hostport(b, 0)[0] for b in self.binds] if self.binds else [self.host]
        return bool(hosts) and all(h is not None and is_loopback(h) for h in hosts)


def analyze(argv: Sequence[str], env: Mapping[str, str] | None = None) -> ServerCommand | None:
    """The Python web server `argv` starts, or None when it starts none we recognise."""
    tokens = [_Tok(str(t), i, False) for i, t in enumerate(argv)]
    found = list(_commands(tokens, dict(env or {}), 0))
    servers = [c for c in found if not c.runs_script]
    if servers:
        return servers[0]
    return found[-1] if found else None


# -- tokens and unwrapping --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    index: int  # token of the original argv this word came from
    expanded: bool  # went through shell expansion


_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_PYTHON = re.compile(r"^(python|pypy)(\d+(\.\d+)*)?$")


def _base(word: str) -> str:
    return word.rstrip("/").rpartition("/")[2]


def _commands(toks: list[_Tok], env: dict[str, str], depth: int) -> Iterator[ServerCommand]:
    if depth > 6 or not toks:
        return
    assigned: list[tuple[str, str]] = []
    while toks:
        while toks and _ASSIGN.match(toks[0].text):
            name, _, value = toks[0].text.partition("=")
            env[name] = value
            assigned.append((name, value))
            toks = toks[1:]
        if not toks:
            return
        head = _base(toks[0].text)
        rest = toks[1:]
        if head == "busybox" and rest:
            toks = rest
            continue
        if head in _SHELLS:
            yield from _shell(rest, env, depth)
            return
        if head in ("exec", "nohup", "time", "command"):
            toks = _skip_opts(rest, {"-a"})
            continue
        if head == "env":
            toks = _skip_opts(rest, {"-u", "--unset", "-C", "--chdir", "-S", "--split-string"})
            continue
        if head in ("tini", "tini-static", "dumb-init", "catatonit"):
            toks = _skip_opts(rest, {"-p", "-e", "-r", "--rewrite"})
            continue
        if head in ("gosu", "su-exec", "setpriv", "chpst", "s6-setuidgid"):
            toks = rest[1:] if head in ("gosu", "su-exec", "s6-setuidgid") else _skip_opts(rest, {"-u"})
            continue
        if head in ("nice", "ionice", "taskset"):
            toks = _skip_opts(rest, {"-n", "-c", "-p"})
            if head == "taskset" and toks:
                toks = toks[1:]
            continue
        if head in ("poetry", "pipenv", "pdm", "hatch", "rye", "uv") and rest and rest[0].text == "run":
            toks = _skip_opts(rest[1:], _UV_RUN_VALUES)
            continue
        if head in ("doppler", "infisical") and rest and rest[0].text == "run":
            toks = _after_dashdash(rest[1:])
            continue
        if head in ("opentelemetry-instrument", "ddtrace-run", "sentry-run"):
            toks = _skip_opts(rest, None)
            continue
        if head == "newrelic-admin" and rest and rest[0].text in ("run-program", "run-python"):
            first = rest[0]
            python = _Tok("python", first.index, first.expanded)
            toks = rest[1:] if first.text == "run-program" else [python, *rest[1:]]
            continue
        break
    if not toks:
        return
    cmd_env = tuple(assigned)
    found = _server(toks, env, cmd_env)
    if found is not None:
        yield found


_UV_RUN_VALUES = frozenset({
    "--with", "--with-requirements", "--with-editable", "--python", "-p", "--project", "--directory",
    "--env-file", "--extra", "--group", "--package", "--index", "--default-index", "--index-url",
    "--extra-index-url", "--find-links", "-f", "--config-file", "--cache-dir", "--only-group",
    "--no-group", "--no-extra", "--script", "--module", "-m", "--upgrade-package", "-P",
    "--reinstall-package", "--exclude-newer", "--prerelease", "--resolution", "--index-strategy",
    "--link-mode", "--keyring-provider", "--refresh-package", "--color", "--allow-insecure-host",
    # poetry / pdm / hatch
    "-C", "--env", "-e",
})


def _skip_opts(toks: list[_Tok], with_value: frozenset[str] | set[str] | None) -> list[_Tok]:
    """Drop a launcher's options; `with_value` names those taking a value (None: every `--x v`)."""
    i = 0
    while i < len(toks):
        t = toks[i].text
        if t == "--":
            return toks[i + 1:]
        if not t.startswith("-") or t == "-":
            break
        if "=" in t:
            i += 1
        elif with_value is None:
            i += 2 if t.startswith("--") else 1
        else:
            i += 2 if t in with_value else 1
    return toks[i:]


def _after_dashdash(toks: list[_Tok]) -> list[_Tok]:
    for i, t in enumerate(toks):
        if t.text == "--":
            return toks[i + 1:]
    return _skip_opts(toks, None)


def _shell(rest: list[_Tok], env: dict[str, str], depth: int) -> Iterator[ServerCommand]:
    """`sh -c 'a && b'`: each simple command of the string, in order, sharing assignments."""
    i = 0
    script: _Tok | None = None
    while i < len(rest):
        t = rest[i].text
        if t.startswith("-") and not t.startswith("--") and "c" in t[1:]:
            if i + 1 < len(rest):
                script = rest[i + 1]
            break
        if t in ("-o", "+o"):
            i += 2
            continue
        if t.startswith(("-", "+")):
            i += 1
            continue
        return  # `sh script.sh`: a script we cannot see into
    if script is None:
        return
    for segment in _split_segments(script.text):
        expanded = _expand(segment, env)
        try:
            words = shlex.split(expanded, comments=True)
        except ValueError:
            words = expanded.split()
        if words and words[0] == "export":
            for w in words[1:]:
                if _ASSIGN.match(w):
                    name, _, value = w.partition("=")
                    env[name] = value
            continue
        if words and all(_ASSIGN.match(w) for w in words):
            for w in words:
                name, _, value = w.partition("=")
                env[name] = value
            continue
        toks = [_Tok(w, script.index, True) for w in words]
        yield from _commands(toks, dict(env), depth + 1)


def _split_segments(script: str) -> list[str]:
    """Split a shell string on unquoted `&&`, `||`, `;`, `|`, `&` and newlines."""
    out: list[str] = []
    buf: list[str] = []
    quote = ""
    depth = 0  # inside ${...} or $(...)
    i = 0
    n = len(script)
    while i < n:
        c = script[i]
        if quote:
            buf.append(c)
            if c == "\\" and quote == '"' and i + 1 < n:
                buf.append(script[i + 1])
                i += 2
                continue
            if c == quote:
                quote = ""
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            if script[i + 1] == "\n":  # line continuation
                i += 2
                continue
            buf.append(c + script[i + 1])
            i += 2
            continue
        if c in "'\"":
            quote = c
            buf.append(c)
        elif c == "$" and i + 1 < n and script[i + 1] in "{(":
            depth += 1
            buf.append(c + script[i + 1])
            i += 2
            continue
        elif c in "})" and depth:
            depth -= 1
            buf.append(c)
        elif depth == 0 and c in ";&|\n":
            out.append("".join(buf))
            buf = []
            if i + 1 < n and script[i + 1] == c and c in "&|":
                i += 1
        else:
            buf.append(c)
        i += 1
    out.append("".join(buf))
    return [s.strip() for s in out if s.strip()]


_BRACED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=?+])(.*))?$", re.S)


def _expand(text: str, env: Mapping[str, str]) -> str:
    """Expand `$VAR` and `${VAR[:-=?+]word}` outside single quotes; unset ones stay as written."""
    out: list[str] = []
    i = 0
    n = len(text)
    in_double = False
    while i < n:
        c = text[i]
        if c == "'" and not in_double:
            end = text.find("'", i + 1)
            end = n - 1 if end < 0 else end
            out.append(text[i:end + 1])
            i = end + 1
            continue
        if c == '"':
            in_double = not in_double
        if c == "\\" and i + 1 < n:
            out.append(text[i:i + 2])
            i += 2
            continue
        if c == "$" and i + 1 < n:
            if text[i + 1] == "{":
                end = _closing_brace(text, i + 2)
                if end < 0:
                    out.append(text[i:])
                    break
                inner = text[i + 2:end]
                m = _BRACED.match(inner)
                if m is None:
                    out.append(text[i:end + 1])
                else:
                    out.append(_param(m.group(1), m.group(2) or "", m.group(3) or "", env,
                                      text[i:end + 1]))
                i = end + 1
                continue
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i + 1:])
            if m:
                name = m.group(0)
                out.append(env[name] if name in env else "$" + name)
                i += 1 + len(name)
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    for j in range(start, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _param(name: str, op: str, word: str, env: Mapping[str, str], written: str) -> str:
    value = env.get(name)
    unset = value is None or (op.startswith(":") and value == "")
    word = _expand(word, env).strip("\"'")
    if op in ("-", ":-", "=", ":="):
        return word if unset else str(value)
    if op in ("+", ":+"):
        return "" if unset else word
    if value is None:
        return "${" + name + "}" if not op else written
    return value


# -- option scanning --------------------------------------------------------------------------


@dataclass(slots=True)
class _Opts:
    values: list[tuple[str, str, _Tok]]  # (option, value, token carrying the value)
    flags: list[tuple[str, _Tok]]
    positional: list[_Tok]

    def last(self, *names: str) -> tuple[str, _Tok] | None:
        found = None
        for name, value, tok in self.values:
            if name in names:
                found = (value, tok)
        return found

    def all(self, *names: str) -> list[tuple[str, _Tok]]:
        return [(v, t) for n, v, t in self.values if n in names]

    def flag(self, *names: str) -> bool | None:
        """True/False for the last of `names` (a `--no-x` counts False); None if absent."""
        found: bool | None = None
        for name, _ in self.flags:
            if name in names:
                found = True
            elif name.startswith("--no-") and "--" + name[5:] in names:
                found = False
        return found


def _scan(toks: list[_Tok], bools: frozenset[str], short_values: frozenset[str]) -> _Opts:
    """Options: long ones take a value unless named in `bools`; short ones only if in `short_values`."""
    opts = _Opts([], [], [])
    i = 0
    while i < len(toks):
        tok = toks[i]
        t = tok.text
        if t == "--":
            opts.positional.extend(toks[i + 1:])
            break
        if t.startswith("--") and len(t) > 2:
            name, eq, value = t.partition("=")
            if eq:
                opts.values.append((name, value, tok))
            elif (name in bools or name.startswith("--no-") or i + 1 >= len(toks)
                  or _is_option(toks[i + 1].text)):
                opts.flags.append((name, tok))
            else:
                opts.values.append((name, toks[i + 1].text, toks[i + 1]))
                i += 1
        elif t.startswith("-") and len(t) > 1 and not t[1:].isdigit():
            name = t[:2]
            if name in short_values:
                if len(t) > 2:
                    opts.values.append((name, t[2:].lstrip("="), tok))
                elif i + 1 < len(toks):
                    opts.values.append((name, toks[i + 1].text, toks[i + 1]))
                    i += 1
            else:
                for ch in t[1:]:
                    opts.flags.append(("-" + ch, tok))
        else:
            opts.positional.append(tok)
        i += 1
    return opts


def _is_option(word: str) -> bool:
    return word.startswith("-") and len(word) > 1 and not word[1:].isdigit()


# -- values -----------------------------------------------------------------------------------


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


def split_hostport(addr: str, default_port: int) -> tuple[str | None, int | None]:
    """`host:port`, `[v6]:port`, `:port`, `host`, `tcp://host:port` → (host, port).

    An empty host (`:8000`) means every interface and comes back as "0.0.0.0"; unix sockets and
    file descriptors give (None, None).
    """
    a = addr.strip()
    if a.startswith("tcp://"):
        a = a[6:]
    if a.startswith(("unix:", "fd://")):
        return None, None
    port: int | None = default_port
    if a.startswith("["):
        host, _, tail = a[1:].partition("]")
        if tail.startswith(":"):
            port = int(tail[1:]) if tail[1:].isdigit() else None
        return host, port
    if a.count(":") == 1:
        host, _, p = a.partition(":")
        port = int(p) if p.isdigit() else None
        return (host or "0.0.0.0"), port
    if a.count(":") > 1:  # bare IPv6
        return a, port
    return (a or "0.0.0.0"), port


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


# -- servers ----------------------------------------------------------------------------------

_SERVER_NAMES = frozenset({"uvicorn", "gunicorn", "hypercorn", "daphne", "granian", "flask", "fastapi",
                           "django-admin", "django-admin.py", "manage.py", "waitress-serve", "uwsgi"})


_CmdEnv = tuple[tuple[str, str], ...]


def _server(toks: list[_Tok], env: Mapping[str, str], cmd_env: _CmdEnv) -> ServerCommand | None:
    head = _base(toks[0].text)
    rest = toks[1:]
    if _PYTHON.match(head):
        return _python(toks, env, cmd_env)
    if head in ("django-admin", "django-admin.py", "manage.py"):
        return _django(toks, rest, env, cmd_env)
    if head not in _SERVER_NAMES:
        return None
    b = _Build(head, toks, env, cmd_env)
    return _READERS[head](b, rest)


def _python(toks: list[_Tok], env: Mapping[str, str], cmd_env: _CmdEnv) -> ServerCommand | None:
    i = 1
    while i < len(toks):
        t = toks[i].text
        if t in ("-W", "-X", "--check-hash-based-pycs"):
            i += 2
            continue
        if t == "-c":
            return None
        if t.startswith("-m"):
            module = t[2:] or (toks[i + 1].text if i + 1 < len(toks) else "")
            after = toks[i + 1:] if t[2:] else toks[i + 2:]
            if module in _READERS:
                kind = "waitress-serve" if module == "waitress" else module
                return _READERS[module](_Build(kind, toks, env, cmd_env), after)
            if module == "django":
                return _django(toks, after, env, cmd_env)
            return _Build("python-module", toks, env, cmd_env).done(app_target=module)
        if t.startswith("-") and t != "-":
            i += 1
            continue
        break
    if i >= len(toks):
        return None
    script = toks[i].text
    if _base(script) == "manage.py":
        return _django(toks, toks[i + 1:], env, cmd_env)
    if not script.endswith(".py") and "/" not in script:
        return None
    return _Build("python-script", toks, env, cmd_env).done(app_target=script)


def _django(toks: list[_Tok], rest: list[_Tok], env: Mapping[str, str],
            cmd_env: tuple[tuple[str, str], ...]) -> ServerCommand | None:
    b = _Build("runserver", toks, env, cmd_env)
    opts = _scan(rest, frozenset({"--noreload", "--nothreading", "--ipv6", "--insecure", "--nostatic",
                                  "--skip-checks", "--force-color", "--no-color", "--traceback"}),
                 frozenset({"-v"}))
    words = [t for t in opts.positional]
    if not words or words[0].text not in ("runserver", "runserver_plus", "runsslserver"):
        return None
    ipv6 = opts.flag("--ipv6", "-6") is True
    host: str | None = "::1" if ipv6 else "127.0.0.1"
    port: int | None = 8000
    host_index = port_index = None
    explicit = False
    if len(words) > 1:
        raw = words[1].text
        if ":" in raw:
            host, port = b.addr(raw, words[1], 8000)
            host = "0.0.0.0" if host == "0" else host
            explicit = True
        else:
            port = b.int_(b.text(raw, words[1]))
        host_index = port_index = words[1].index
    noreload = opts.flag("--noreload") is True
    return b.done(app_target="manage.py", host=host, host_explicit=explicit, port=port,
                  port_explicit=len(words) > 1, binds=_binds(host, port), reload=not noreload,
                  dev_server=True, host_index=host_index, port_index=port_index, workers=1)


def _binds(host: str | None, port: int | None) -> tuple[str, ...]:
    if host is None or port is None:
        return ()
    return (f"[{host}]:{port}" if ":" in host else f"{host}:{port}",)


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


_UVICORN_BOOLS = frozenset({
    "--reload", "--factory", "--use-colors", "--proxy-headers", "--server-header", "--date-header",
    "--access-log", "--version", "--help", "--ws-per-message-deflate",
})


def _uvicorn(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, _UVICORN_BOOLS, frozenset())
    fields = _host_port(b, opts, ("--host",), ("--port",), ("UVICORN_HOST",), ("UVICORN_PORT",),
                        "127.0.0.1", 8000)
    uds = opts.last("--uds")
    if uds is not None:
        fields.update(unix_socket=uds[0], binds=(), host=None, port=None)
    elif opts.last("--fd") is not None:
        fields.update(binds=(), host=None, port=None)
    reload = opts.flag("--reload") is True or _truthy(b.env.get("UVICORN_RELOAD"))
    proxy = opts.flag("--proxy-headers")
    fwd = opts.last("--forwarded-allow-ips")
    target = opts.positional[0].text if opts.positional else b.env.get("UVICORN_APP", "")
    log_config = opts.last("--log-config")
    return b.done(app_target=target, reload=reload, dev_server=reload,
                  proxy_headers=proxy is not False and not _truthy(b.env.get("UVICORN_NO_PROXY_HEADERS")),
                  forwarded_allow_ips=fwd[0] if fwd else b.env.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                  config_file=log_config[0] if log_config else "",
                  **_workers(b, opts, ("--workers",), ("WEB_CONCURRENCY", "UVICORN_WORKERS")), **fields)


_GUNICORN_BOOLS = frozenset({
    "--reload", "--enable-stdio-inheritance", "--daemon", "--preload", "--no-sendfile", "--reuse-port",
    "--spew", "--check-config", "--print-config", "--capture-output", "--log-syslog",
    "--disable-redirect-access-to-syslog", "--proxy-protocol", "--strip-header-spaces", "--initgroups",
    "--version", "--help", "--do-handshake-on-connect", "--suppress-ragged-eofs", "--paste-global",
    "--header-map",
})
_GUNICORN_SHORT = frozenset({"-b", "-w", "-k", "-c", "-t", "-p", "-u", "-g", "-m", "-e", "-n"})


def _gunicorn(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, _GUNICORN_BOOLS, _GUNICORN_SHORT)
    env_opts = _Opts([], [], [])
    if "GUNICORN_CMD_ARGS" in b.env:
        try:
            words = shlex.split(b.env["GUNICORN_CMD_ARGS"])
        except ValueError:
            words = b.env["GUNICORN_CMD_ARGS"].split()
        env_opts = _scan([_Tok(w, b.toks[0].index, True) for w in words], _GUNICORN_BOOLS, _GUNICORN_SHORT)
    # Later sources win: GUNICORN_CMD_ARGS, then the command line.
    merged = _Opts(env_opts.values + opts.values, env_opts.flags + opts.flags, opts.positional)
    fields: dict[str, object] = {}
    bind_src = opts.all("-b", "--bind") or env_opts.all("-b", "--bind")
    binds: list[str] = []
    host: str | None = None
    port: int | None = None
    unix = ""
    if bind_src:
        host, port, binds, unix, first = _bind_list(b, bind_src)
        fields.update(host_explicit=True, port_explicit=True, host_index=first.index,
                      port_index=first.index)
    elif "PORT" in b.env:
        # gunicorn's default bind becomes 0.0.0.0:$PORT when PORT is set (Heroku convention).
        port = b.int_(b.env_value("PORT"))
        host = "0.0.0.0"
        binds = [f"0.0.0.0:{port}"] if port is not None else []
        fields.update(port_explicit=True)
    else:
        host, port, binds = "127.0.0.1", 8000, ["127.0.0.1:8000"]
    cfg = merged.last("-c", "--config")
    logs = [v for v, t in merged.all("--access-logfile", "--error-logfile", "--log-file", "--errorlog",
                                     "--accesslog") if _file_dest(v)]
    tmp = merged.last("--worker-tmp-dir")
    klass = merged.last("-k", "--worker-class")
    fwd = merged.last("--forwarded-allow-ips")
    reload = merged.flag("--reload") is True
    return b.done(app_target=opts.positional[-1].text if opts.positional else "",
                  host=host, port=port, binds=tuple(binds), unix_socket=unix,
                  worker_class=klass[0] if klass else "", reload=reload, dev_server=reload,
                  proxy_headers=True,
                  forwarded_allow_ips=fwd[0] if fwd else b.env.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                  log_files=tuple(logs), worker_tmp_dir=tmp[0] if tmp else "",
                  config_file=cfg[0] if cfg else "gunicorn.conf.py", config_implicit=cfg is None,
                  **_workers(b, merged, ("-w", "--workers"), ("WEB_CONCURRENCY",)), **fields)


def _hypercorn(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, frozenset({"--reload", "--debug", "--verbose", "--version", "--help"}),
                 frozenset({"-b", "-w", "-k", "-c", "-g", "-p", "-u", "-m"}))
    fields: dict[str, object] = {"host": "127.0.0.1", "port": 8000, "binds": ("127.0.0.1:8000",)}
    binds = opts.all("-b", "--bind")
    if binds:
        h0, p0, out, unix, first = _bind_list(b, binds)
        fields.update(host=h0, port=p0, binds=tuple(out), unix_socket=unix, host_explicit=True,
                      port_explicit=True, host_index=first.index, port_index=first.index)
    reload = opts.flag("--reload") is True
    cfg = opts.last("-c", "--config")
    logs = [v for v, _ in opts.all("--access-logfile", "--error-logfile", "--log-file") if _file_dest(v)]
    klass = opts.last("-k", "--worker-class")
    return b.done(app_target=opts.positional[-1].text if opts.positional else "", reload=reload,
                  dev_server=reload, config_file=cfg[0] if cfg else "", log_files=tuple(logs),
                  worker_class=klass[0] if klass else "",
                  **_workers(b, opts, ("-w", "--workers"), ()), **fields)


def _daphne(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, frozenset({"--proxy-headers", "--no-server-name", "--version", "--help"}),
                 frozenset({"-b", "-p", "-u", "-e", "-v", "-t"}))
    fields = _host_port(b, opts, ("-b", "--bind"), ("-p", "--port"), (), (), "127.0.0.1", 8000)
    endpoint = opts.last("-e", "--endpoint")
    if endpoint is not None and opts.last("-b", "--bind", "-p", "--port") is None:
        text = b.text(endpoint[0], endpoint[1]) or ""
        m_port = re.search(r"(?:^|:)port=(\d+)", text)
        m_if = re.search(r"interface=([^:]+)", text)
        host: str | None = None
        if text.startswith(("tcp:", "ssl:")):
            host = m_if.group(1).replace("\\", "") if m_if else "0.0.0.0"
        port = int(m_port.group(1)) if m_port else None
        fields.update(host=host, port=port, binds=_binds(host, port), host_explicit=True, port_explicit=True,
                      host_index=endpoint[1].index, port_index=endpoint[1].index)
    uds = opts.last("-u", "--unix-socket")
    if uds is not None and opts.last("-b", "--bind", "-p", "--port", "-e", "--endpoint") is None:
        fields.update(unix_socket=uds[0], host=None, port=None, binds=())
    access = opts.last("--access-log")
    return b.done(app_target=opts.positional[-1].text if opts.positional else "",
                  proxy_headers=opts.flag("--proxy-headers") is True,
                  log_files=(access[0],) if access and _file_dest(access[0]) else (), workers=1, **fields)


def _granian(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, frozenset({"--reload", "--factory", "--respawn-failed-workers", "--ws", "--log",
                                  "--access-log", "--version", "--help", "--reload-ignore-worker-failure"}),
                 frozenset())
    fields = _host_port(b, opts, ("--host",), ("--port",), ("GRANIAN_HOST",), ("GRANIAN_PORT",),
                        "127.0.0.1", 8000)
    reload = opts.flag("--reload") is True or _truthy(b.env.get("GRANIAN_RELOAD"))
    return b.done(app_target=opts.positional[0].text if opts.positional else "", reload=reload,
                  dev_server=reload, **_workers(b, opts, ("--workers",), ("GRANIAN_WORKERS",)), **fields)


def _flask(b: _Build, rest: list[_Tok]) -> ServerCommand | None:
    bools = frozenset({"--debug", "--reload", "--debugger", "--with-threads", "--eager-loading",
                       "--lazy-loading", "--version", "--help"})
    opts = _scan(rest, bools, frozenset({"-A", "-h", "-p", "-e"}))
    if not opts.positional or opts.positional[0].text != "run":
        return None
    fields = _host_port(b, opts, ("-h", "--host"), ("-p", "--port"), ("FLASK_RUN_HOST",),
                        ("FLASK_RUN_PORT",), "127.0.0.1", 5000)
    app = opts.last("-A", "--app")
    debug = opts.flag("--debug")
    if debug is None:
        debug = _truthy(b.env.get("FLASK_DEBUG"))
    reload = opts.flag("--reload")
    reload = debug if reload is None else reload
    return b.done(app_target=app[0] if app else b.env.get("FLASK_APP", ""), reload=bool(reload),
                  dev_server=True, workers=1, **fields)


def _fastapi(b: _Build, rest: list[_Tok]) -> ServerCommand | None:
    opts = _scan(rest, frozenset({"--reload", "--proxy-headers", "--verbose", "--version", "--help"}),
                 frozenset())
    if not opts.positional or opts.positional[0].text not in ("run", "dev"):
        return None
    dev = opts.positional[0].text == "dev"
    fields = _host_port(b, opts, ("--host",), ("--port",), (), (), "127.0.0.1" if dev else "0.0.0.0", 8000)
    reload = opts.flag("--reload")
    reload = dev if reload is None else reload
    app = opts.last("--app", "--entrypoint", "-e")
    target = opts.positional[1].text if len(opts.positional) > 1 else ""
    fwd = opts.last("--forwarded-allow-ips")
    return b.done(app_target=app[0] if app else target, reload=bool(reload), dev_server=dev or bool(reload),
                  proxy_headers=opts.flag("--proxy-headers") is not False,
                  forwarded_allow_ips=fwd[0] if fwd else b.env.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                  **_workers(b, opts, ("--workers",), ()), **fields)


def _waitress(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, frozenset({"--call", "--help", "--ipv4", "--ipv6", "--no-ipv4", "--no-ipv6",
                                  "--expose-tracebacks", "--trusted-proxy-headers"}), frozenset())
    fields = _host_port(b, opts, ("--host",), ("--port",), (), (), "0.0.0.0", 8080)
    listens = opts.all("--listen")
    if listens:
        hosts = []
        for value, tok in listens:
            hosts.append((b.addr(value.replace("*", "0.0.0.0"), tok, 8080), tok))
        (h, p), tok = hosts[0]
        fields.update(host=h, port=p, host_explicit=True, port_explicit=True, host_index=tok.index,
                      port_index=tok.index,
                      binds=tuple(x for (hh, pp), _ in hosts for x in _binds(hh, pp)))
    uds = opts.last("--unix-socket")
    if uds is not None:
        fields.update(unix_socket=uds[0], host=None, port=None, binds=())
    threads = opts.last("--threads")
    return b.done(app_target=opts.positional[-1].text if opts.positional else "", workers=1,
                  worker_class=f"threads={threads[0]}" if threads else "", **fields)


_UWSGI_BOOLS = frozenset({
    "--master", "-M", "--enable-threads", "-T", "--lazy-apps", "--die-on-term", "--vacuum",
    "--single-interpreter", "--need-app", "--strict", "--py-autoreload", "--no-orphans",
    "--thunder-lock", "--disable-logging", "--log-master", "--honour-stdin", "--auto-procname",
})


def _uwsgi(b: _Build, rest: list[_Tok]) -> ServerCommand:
    opts = _scan(rest, _UWSGI_BOOLS, frozenset({"-s", "-p", "-w", "-H", "-L"}))
    listen = opts.last("--http", "--http-socket", "--https") or opts.last("--socket", "-s", "--uwsgi-socket")
    fields: dict[str, object] = {}
    if listen is not None:
        text = listen[0].split(",")[0]
        if not text.startswith("/"):
            h, p = b.addr(text, listen[1], 0)
            p = p or None
            fields.update(host=h, port=p, binds=_binds(h, p), host_explicit=True, port_explicit=True)
        else:
            fields["unix_socket"] = text
        fields.update(host_index=listen[1].index, port_index=listen[1].index)
    ini = opts.last("--ini", "--yaml", "--json", "--xml")
    module = opts.last("--module", "-w", "--wsgi-file", "--wsgi")
    logto = opts.last("--logto", "--daemonize", "--logto2")
    reload = opts.flag("--py-autoreload") is True or opts.last("--py-autoreload") is not None
    return b.done(app_target=module[0] if module else "", config_file=ini[0] if ini else "",
                  log_files=(logto[0],) if logto and _file_dest(logto[0]) else (), reload=reload,
                  dev_server=reload,
                  **_workers(b, opts, ("--processes", "-p", "--workers"), ()), **fields)


_Reader = Callable[[_Build, list[_Tok]], "ServerCommand | None"]
_READERS: dict[str, _Reader] = {
    "uvicorn": _uvicorn,
    "gunicorn": _gunicorn,
    "hypercorn": _hypercorn,
    "daphne": _daphne,
    "granian": _granian,
    "flask": _flask,
    "fastapi": _fastapi,
    "waitress-serve": _waitress,
    "waitress": _waitress,
    "uwsgi": _uwsgi,
}
