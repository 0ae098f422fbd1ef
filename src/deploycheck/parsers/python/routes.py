"""Routes and where they are mounted.

`_Routes` records routes declared by decorators (`@app.get("/x")`, `@bp.route(...)`), by calls
(`add_api_route`, `add_url_rule`, `mount`, Starlette's `Route`, Django's `path`/`re_path`), and
the `include_router`/`register_blueprint` calls that give router and blueprint routes their full
paths across modules; metrics apps mounted on a path are recorded as metrics exposures.
"""

from __future__ import annotations

import ast

from deploycheck.model.python import UNKNOWN, MetricsExposure, Route, RouterInclude
from deploycheck.parsers.python.evaluate import _Evaluator
from deploycheck.parsers.python.syntax import _kw, _pos
from deploycheck.parsers.python.tables import _VERBS
from deploycheck.parsers.python.values import _Collected, _Trace


class _Routes(_Evaluator):
    def _prefix(self, receiver: str) -> tuple[str, bool, str]:
        """(prefix of the receiver, whether routes on it are partial, its qualified name when
        it is a router or blueprint whose includes elsewhere can complete the paths)."""
        call = self.binding_calls.get(receiver) if receiver else None
        last = self.bindings.get(receiver, "").split(".")[-1]
        if call is None or last not in ("APIRouter", "Blueprint", "FastAPI", "Flask", "Starlette", "Quart"):
            return "", True, ""
        key = "url_prefix" if last == "Blueprint" else "prefix"
        p = _kw(call, key)
        val = self.eval(p, _Trace()) if p is not None else ""
        is_router = last in ("APIRouter", "Blueprint")
        router = f"{self.dotted}.{receiver}" if is_router and isinstance(val, str) else ""
        return (val if isinstance(val, str) else ""), is_router, router

    def _object_ref(self, node: ast.expr) -> str:
        """The qualified name of a module-level object: imported (through the aliases) or
        defined in this module."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id) or f"{self.dotted}.{node.id}"
        return self.qual(node) if isinstance(node, ast.Attribute) else ""

    def _include(self, node: ast.Call, last: str, mod: _Collected) -> None:
        """`app.include_router(router, prefix=...)`, `app.register_blueprint(bp, url_prefix=...)`."""
        if not (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)):
            return
        target_expr = self._arg(node, 0, "router" if last == "include_router" else "blueprint")
        target = self._object_ref(target_expr) if target_expr is not None else ""
        receiver = node.func.value.id
        kind = self.bindings.get(receiver, "").split(".")[-1]
        if not target or receiver in self.aliases:
            return
        if kind in ("APIRouter", "Blueprint"):
            into = f"{self.dotted}.{receiver}"
        elif kind in ("FastAPI", "Flask", "Quart", "Starlette"):
            into = ""
        else:
            return  # an object we cannot place
        key = "url_prefix" if last == "register_blueprint" else "prefix"
        p = _kw(node, key)
        value = self.eval(p, _Trace()) if p is not None else ""
        prefix = value if isinstance(value, str) else None
        replaces = last == "register_blueprint" and p is not None
        mod.includes.append(RouterInclude(target, into, prefix, replaces, _pos(node)))

    def _on_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, mod: _Collected) -> None:
        for dec in node.decorator_list:
            if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute)):
                continue
            verb = dec.func.attr
            recv = dec.func.value
            if verb not in _VERBS and verb not in ("route", "api_route"):
                continue
            path_expr = self._arg(dec, 0, "path") or _kw(dec, "rule")
            path = self.eval(path_expr, _Trace()) if path_expr is not None else UNKNOWN
            if not isinstance(path, str) or (path and not path.startswith("/")):
                continue
            receiver = recv.id if isinstance(recv, ast.Name) else ""
            framework = self._framework_of(receiver)
            if verb in _VERBS:
                methods: tuple[str, ...] = (verb.upper(),)
            else:
                m = _kw(dec, "methods")
                methods = tuple(s.upper() for s in self._strings(m)) if m is not None else ("GET",)
            prefix, partial, router = self._prefix(receiver)
            mod.routes.append(Route(framework, methods, _join(prefix, path), _pos(dec), node.name, partial,
                                    router, prefix if router else ""))

    def _route_call(self, node: ast.Call, q: str, last: str, mod: _Collected) -> None:
        if last in ("include_router", "register_blueprint"):
            self._include(node, last, mod)
            return
        if last in ("add_api_route", "add_url_rule", "add_route", "mount", "add_websocket_route") and \
                isinstance(node.func, ast.Attribute):
            path_expr = self._arg(node, 0, "path") or _kw(node, "rule")
            path = self.eval(path_expr, _Trace()) if path_expr is not None else UNKNOWN
            if not isinstance(path, str) or (path and not path.startswith("/")):
                return
            recv = node.func.value
            receiver = recv.id if isinstance(recv, ast.Name) else ""
            m = _kw(node, "methods")
            methods = tuple(s.upper() for s in self._strings(m)) if m is not None else (
                ("*",) if last == "mount" else ("GET",))
            prefix, partial, router = self._prefix(receiver)
            full = _join(prefix, path)
            mod.routes.append(Route(self._framework_of(receiver), methods, full, _pos(node), "", partial,
                                    router, prefix if router else ""))
            if last == "mount" and len(node.args) > 1 and isinstance(node.args[1], ast.Call) and \
                    self.qual(node.args[1].func).split(".")[-1] in ("make_asgi_app", "make_wsgi_app"):
                mod.metrics.append(MetricsExposure(self.qual(node.args[1].func).split(".")[-1], _pos(node),
                                                   None, full))
            return
        if last in ("Route", "Mount", "WebSocketRoute") and q.split(".")[0] in ("starlette", last):
            path = self.eval(self._arg(node, 0, "path"), _Trace())
            if isinstance(path, str) and path.startswith("/"):
                m = _kw(node, "methods")
                methods = tuple(s.upper() for s in self._strings(m)) if m is not None else (
                    ("*",) if last == "Mount" else ("GET",))
                mod.routes.append(Route("starlette", methods, path, _pos(node), "", True))
            return
        if last in ("path", "re_path", "url") and q.split(".")[0] == "django":
            raw = self.eval(self._arg(node, 0, "route" if last == "path" else "regex"), _Trace())
            if not isinstance(raw, str):
                return
            path = raw if last == "path" else _regex_prefix(raw)
            view = node.args[1] if len(node.args) > 1 else _kw(node, "view")
            included = isinstance(view, ast.Call) and self.qual(view.func).split(".")[-1] == "include"
            mod.routes.append(Route("django", ("*",), "/" + path.lstrip("/"), _pos(node), "", True))
            if included and isinstance(view, ast.Call) and view.args:
                target = self.eval(view.args[0], _Trace())
                if isinstance(target, str) and "django_prometheus" in target:
                    mod.metrics.append(MetricsExposure("django-prometheus", _pos(node), None,
                                                       "/" + path.lstrip("/") + "metrics"))


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path or "/"
    return prefix.rstrip("/") + (path if path.startswith("/") or not path else "/" + path) if path else prefix


def _regex_prefix(regex: str) -> str:
    r = regex.lstrip("^")
    out = []
    for ch in r:
        if ch in ".*+?[](){}|$\\":
            break
        out.append(ch)
    return "".join(out)
