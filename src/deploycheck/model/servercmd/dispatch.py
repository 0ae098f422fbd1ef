"""Which server the unwrapped words start: `_server` picks the reader by program name (a
server's console script, `django-admin`/`manage.py`, or a Python interpreter), `_python` reads
`python [opts] -m module` (a server module or any other module) and `python script.py`, and
`_READERS` maps each server's name to its reader in `asgi`, `wsgi` or `frameworks`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from deploycheck.model.servercmd.asgi import _daphne, _granian, _hypercorn, _uvicorn
from deploycheck.model.servercmd.frameworks import _django, _fastapi, _flask
from deploycheck.model.servercmd.record import ServerCommand
from deploycheck.model.servercmd.tokens import _PYTHON, _base, _Tok
from deploycheck.model.servercmd.values import _Build
from deploycheck.model.servercmd.wsgi import _gunicorn, _uwsgi, _waitress

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
