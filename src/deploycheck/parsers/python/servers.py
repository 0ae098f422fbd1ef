"""Apps and the servers that run them.

`_Servers` records app and router creations (`FastAPI()`, `Flask(__name__)`, `APIRouter(prefix=)`)
and servers started from code: `uvicorn.run`, `waitress.serve`, aiohttp's `run_app`, and the dev
servers of Flask, Quart, Sanic, Dash and Flask-SocketIO, with the host, port, reload, debug,
proxy-header and worker settings they get (or the framework's defaults), each with its position
and the environment variable it came from.
"""

from __future__ import annotations

import ast
import re

from deploycheck.model.finding import TextEdit
from deploycheck.model.python import AppCreation, ServerRun
from deploycheck.parsers.python.evaluate import _Evaluator
from deploycheck.parsers.python.syntax import _kw, _pos
from deploycheck.parsers.python.tables import _APP_KINDS, _FLASK_RUN_KW, _FRAMEWORKS, _NOT_APPS, _RUN_DEFAULTS
from deploycheck.parsers.python.values import _Collected, _opt_bool, _port, _Trace


class _Servers(_Evaluator):
    def _app(self, node: ast.Call, framework: str, mod: _Collected) -> None:
        name = next((n for n, c in self.binding_calls.items() if c is node), "")
        prefix = ""
        known = True
        key = "url_prefix" if framework == "blueprint" else "prefix"
        p = _kw(node, key)
        if p is not None:
            val = self.eval(p, _Trace())
            prefix = val if isinstance(val, str) else ""
            known = isinstance(val, str)
        mod.apps.append(AppCreation(framework, name, _pos(node), prefix, known))

    def _uvicorn(self, node: ast.Call, guard: str) -> ServerRun:
        run = self._server(node, guard, "uvicorn", "127.0.0.1", 8000, "uvicorn.run", app_index=0)
        return run

    def _server(self, node: ast.Call, guard: str, kind: str, default_host: str, default_port: int,
                q: str, app_index: int | None = None) -> ServerRun:
        is_method = isinstance(node.func, ast.Attribute) and kind in _RUN_DEFAULTS
        offset = 0
        app = ""
        if kind == "socketio":
            offset = 1
            app = ast.unparse(node.args[0]) if node.args else ""
        elif is_method and isinstance(node.func, ast.Attribute):
            app = ast.unparse(node.func.value)
        elif kind in ("uvicorn", "waitress", "aiohttp"):
            a = self._arg(node, 0, "app")
            if a is not None:
                val = self.eval(a, _Trace())
                app = val if isinstance(val, str) else ast.unparse(a)
            offset = 1
        listen = _kw(node, "listen") if kind == "waitress" else None
        host_expr = self._arg(node, offset if kind in _RUN_DEFAULTS else None, "host")
        port_expr = self._arg(node, offset + 1 if kind in _RUN_DEFAULTS else None, "port")
        debug_expr = self._arg(node, offset + 2 if kind in ("flask", "quart", "socketio") else None, "debug")
        host_val, host_env, host_pos = self._value(host_expr if listen is None else listen)
        port_val, port_env, port_pos = self._value(port_expr)
        host: str | None = default_host
        port: int | None = default_port
        if listen is not None and isinstance(host_val, str):
            h, _, p = host_val.rpartition(":")
            host_val, port_val = h.replace("*", "0.0.0.0") or "0.0.0.0", p
        if host_expr is not None or listen is not None:
            if isinstance(host_val, str) and host_val:
                host = host_val
            elif host_val in (None, "") and kind in _RUN_DEFAULTS:
                host = default_host  # Flask & co. fall back to 127.0.0.1 for a falsy host
            else:
                host = None
        if port_expr is not None or listen is not None:
            port = _port(port_val)
        reload_val, _, reload_pos = self._value(_kw(node, "reload") or _kw(node, "use_reloader"))
        debug_val, debug_env, debug_pos = self._value(debug_expr)
        proxy_val, _, _ = self._value(_kw(node, "proxy_headers"))
        fwd_val, _, _ = self._value(_kw(node, "forwarded_allow_ips"))
        workers_val, _, _ = self._value(_kw(node, "workers"))
        return ServerRun(
            kind=kind, pos=_pos(node), app=app, host=host,
            host_explicit=host_expr is not None or listen is not None, host_pos=host_pos, host_env=host_env,
            port=port, port_explicit=port_expr is not None or listen is not None, port_pos=port_pos,
            port_env=port_env,
            reload=_opt_bool(reload_val), reload_pos=reload_pos,
            debug=_opt_bool(debug_val) if debug_expr is not None else None, debug_pos=debug_pos,
            debug_env=debug_env,
            proxy_headers=_opt_bool(proxy_val) if _kw(node, "proxy_headers") is not None else None,
            forwarded_allow_ips=fwd_val if isinstance(fwd_val, str) else None,
            workers=_port(workers_val),
            guard=guard,
            bind_all=self._bind_all(node, host_expr) if listen is None else None,
        )

    def _bind_all(self, node: ast.Call, host_expr: ast.expr | None) -> TextEdit | None:
        """The edit that makes this call listen on 0.0.0.0 (columns in characters, not the
        UTF-8 bytes `ast` counts)."""
        path, text = self.src.path, self.src.text
        if "\r" in text.replace("\r\n", ""):
            return None  # lone carriage returns end lines for `ast`, not for the fixer
        lines = text.split("\n")
        if host_expr is not None:
            if not (isinstance(host_expr, ast.Constant) and isinstance(host_expr.value, str)) or \
                    host_expr.end_lineno != host_expr.lineno or host_expr.end_col_offset is None:
                return None
            line = host_expr.lineno
            start = _column(lines, line, host_expr.col_offset)
            end = _column(lines, line, host_expr.end_col_offset)
            if end - start != len(host_expr.value) + 2:
                return None  # a prefix, escapes or implicit concatenation: not a plain "..." literal
            return TextEdit(path, line, start + 2, line, end, "0.0.0.0")
        if any(k.arg is None for k in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
            return None
        items: list[ast.expr | ast.keyword] = [*node.args, *node.keywords]
        if items:
            last = max(items, key=lambda n: (n.end_lineno or 0, n.end_col_offset or 0))
            if last.end_lineno is None or last.end_col_offset is None:
                return None
            column = _column(lines, last.end_lineno, last.end_col_offset) + 1
            return TextEdit(path, last.end_lineno, column, last.end_lineno, column, ', host="0.0.0.0"')
        func = node.func
        if func.end_lineno is None or func.end_col_offset is None:
            return None
        after = _column(lines, func.end_lineno, func.end_col_offset)
        if _line(lines, func.end_lineno)[after:after + 1] != "(":
            return None
        return TextEdit(path, func.end_lineno, after + 2, func.end_lineno, after + 2, 'host="0.0.0.0"')

    def _run_receiver(self, node: ast.Call) -> str:
        """Which framework's dev server `<x>.run(...)` starts, or '' if it is not one."""
        assert isinstance(node.func, ast.Attribute)
        recv = node.func.value
        if not isinstance(recv, ast.Name) or recv.id in self.module_names:
            return ""
        bound = self.bindings.get(recv.id, "")
        last = bound.split(".")[-1]
        if last in _APP_KINDS:
            kind = _APP_KINDS[last]
            if node.func.attr == "run_server" and kind != "dash":
                return ""
            return kind
        if last in _FRAMEWORKS or last in ("Celery", "Typer", "Click", "Thread", "Process"):
            return ""
        origin = self.aliases.get(recv.id, bound)
        if origin.split(".")[0] in _NOT_APPS:
            return ""
        if not re.fullmatch(r"(app|api|application|server|flask_app|[a-z_]*_app)", recv.id):
            return ""
        kws = {k.arg for k in node.keywords}
        if None in kws or not kws <= _FLASK_RUN_KW or len(node.args) > 3:
            return ""
        if not ("flask" in self.imports or recv.id in self.aliases or bound):
            return ""
        return "flask"


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _column(lines: list[str], number: int, byte_offset: int) -> int:
    """The 0-based character index of a UTF-8 byte offset in a line."""
    line = _line(lines, number)
    if line.isascii():
        return byte_offset
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))
