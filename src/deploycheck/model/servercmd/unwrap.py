"""From a whole command line to the server's own words: `_commands` takes leading `VAR=value`
assignments, unwraps launchers (`exec`, `env`, `tini --`, `gosu`, `poetry run`, `uv run`,
`doppler run --`, `opentelemetry-instrument`, `newrelic-admin run-program`, ...) and shells
(`sh -c '...'`, each simple command of the string in turn, sharing `export`s), then hands what is
left to `dispatch._server`.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from deploycheck.model.servercmd.dispatch import _server
from deploycheck.model.servercmd.record import ServerCommand
from deploycheck.model.servercmd.shell import _expand, _split_segments
from deploycheck.model.servercmd.tokens import _ASSIGN, _base, _Tok

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})


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
