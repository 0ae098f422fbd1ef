"""CORS configuration: Starlette's `CORSMiddleware` and Flask-CORS.

`_Cors` reads the allowed origins (literal, from constants or from the environment), the origin
regex, whether credentials are allowed, and the methods and headers, into a `CorsConfig`. A
configuration that cannot be read completely (`**kwargs`, computed origins) says so with `None`
rather than guessing, and Flask-CORS's per-resource settings are merged.
"""

from __future__ import annotations

import ast

from deploycheck.model.python import CorsConfig, Str
from deploycheck.parsers.python.evaluate import _Evaluator
from deploycheck.parsers.python.syntax import _kw, _literal_str, _pos
from deploycheck.parsers.python.values import _opt_bool, _Trace


class _Cors(_Evaluator):
    def _origins(self, expr: ast.expr | None) -> tuple[tuple[Str, ...] | None, tuple[str, ...]]:
        if expr is None:
            return None, ()
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            out: list[Str] = []
            env: list[str] = []
            for e in expr.elts:
                trace = _Trace()
                val = self.eval(e, trace)
                env.extend(trace.env)
                if isinstance(val, str):
                    out.append(Str(val, _pos(e)))
                elif isinstance(val, tuple) and all(isinstance(v, str) for v in val):
                    out.extend(Str(str(v), _pos(e)) for v in val)
                else:
                    return None, tuple(env)
            return tuple(out), tuple(env)
        trace = _Trace()
        val = self.eval(expr, trace)
        if isinstance(val, str):
            return (Str(val, _pos(expr)),), tuple(trace.env)
        if isinstance(val, tuple) and all(isinstance(v, str) for v in val):
            return tuple(Str(str(v), _pos(expr)) for v in val), tuple(trace.env)
        return None, tuple(trace.env)

    def _starlette_cors(self, node: ast.Call) -> CorsConfig:
        complete = not any(k.arg is None for k in node.keywords)
        origins_expr = _kw(node, "allow_origins")
        origins, env = self._origins(origins_expr) if origins_expr is not None else (
            ((), ()) if complete else (None, ()))
        regex_val, _, _ = self._value(_kw(node, "allow_origin_regex"))
        cred_expr = _kw(node, "allow_credentials")
        cred_val, _, cred_pos = self._value(cred_expr)
        methods_expr = _kw(node, "allow_methods")
        headers_expr = _kw(node, "allow_headers")
        return CorsConfig(
            library="starlette", pos=_pos(node), origins=origins,
            origins_pos=_pos(origins_expr) if origins_expr is not None else None, origins_env=env,
            origin_regex=regex_val if isinstance(regex_val, str) else None,
            credentials=_opt_bool(cred_val) if cred_expr is not None else (False if complete else None),
            credentials_pos=cred_pos,
            methods=(self._strings(methods_expr) if methods_expr is not None
                     else (None if complete else ("?",))),
            headers=self._strings(headers_expr) if headers_expr is not None else None,
        )

    def _flask_cors(self, node: ast.Call) -> CorsConfig:
        origins_expr = _kw(node, "origins")
        origins: tuple[Str, ...] | None = (Str("*", _pos(node)),)
        env: tuple[str, ...] = ()
        if origins_expr is not None:
            origins, env = self._origins(origins_expr)
        cred_expr = _kw(node, "supports_credentials")
        cred_val, _, cred_pos = self._value(cred_expr)
        credentials = _opt_bool(cred_val) if cred_expr is not None else False
        resources = _kw(node, "resources")
        if isinstance(resources, ast.Dict):
            collected: list[Str] = []
            for value in resources.values:
                if not isinstance(value, ast.Dict):
                    origins = None
                    break
                sub = {_literal_str(k): v for k, v in zip(value.keys, value.values, strict=False)
                       if k is not None}
                if "origins" in sub:
                    found, more_env = self._origins(sub["origins"])
                    env += more_env
                    if found is None:
                        origins = None
                        break
                    collected.extend(found)
                elif origins is not None:
                    collected.extend(origins)
                if "supports_credentials" in sub:
                    c, _, p = self._value(sub["supports_credentials"])
                    if c is True:
                        credentials, cred_pos = True, p
            else:
                origins = tuple(collected)
        elif resources is not None:
            origins = None
        methods_expr = _kw(node, "methods")
        return CorsConfig(
            library="flask-cors", pos=_pos(node), origins=origins,
            origins_pos=_pos(origins_expr) if origins_expr is not None else None, origins_env=env,
            origin_regex=None, credentials=credentials, credentials_pos=cred_pos,
            methods=self._strings(methods_expr) if methods_expr is not None else ("*",),
            headers=None,
        )
