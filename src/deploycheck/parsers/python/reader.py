"""The reader of one module: a walk over the tree, then each node handed to the mixin that knows it.

`_Reader.read` walks the tree once without recursion, keeping each interesting node's context
(module level, `__main__` block, function body, or a `try` that catches lookups), resolves
imports, bindings and module constants, then hands calls, functions, classes, dicts and URL
strings to the mixins (`_Servers`, `_Cors`, `_Routes`, `_Settings`, `_Runtime`) and builds the
`PyModule`, including a gunicorn config when the file is one.
"""

from __future__ import annotations

import ast

from deploycheck.model.python import GunicornConfig, LogFile, PyModule, Setting
from deploycheck.parsers.python.cors import _Cors
from deploycheck.parsers.python.routes import _Routes
from deploycheck.parsers.python.runtime import _Runtime
from deploycheck.parsers.python.servers import _Servers
from deploycheck.parsers.python.settings import _Settings
from deploycheck.parsers.python.syntax import _INTERESTING, _catches_lookup, _children, _is_main_test
from deploycheck.parsers.python.tables import _FRAMEWORKS, _GUNICORN_NAMES, _RUN_DEFAULTS
from deploycheck.parsers.python.values import _Collected, _Const, _is_file, _Trace


class _Reader(_Settings, _Servers, _Cors, _Routes, _Runtime):
    # ---- reading

    def read(self) -> PyModule:
        contexts = self._walk()
        self._imports()
        main_funcs = self._main_funcs()
        self._bindings_and_consts()
        settings_like = self._settings_path()
        reads = self._env_reads(contexts)
        mod = _Collected()
        for node, guard, func, _ in contexts:
            g = guard
            if guard == "function" and func in main_funcs:
                g = "main-function"
            if isinstance(node, ast.Call):
                self._on_call(node, g, mod)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._on_function(node, mod)
            elif isinstance(node, ast.ClassDef):
                self._on_class(node, mod)
            elif isinstance(node, ast.Dict):
                self._on_dict(node, mod)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                self._on_string(node, mod)
        top_names = self._top_assigned()
        is_django = self._is_django(top_names, settings_like)
        settings: tuple[Setting, ...] = ()
        if is_django:
            settings = tuple(self._settings(upper=True))
            self._django_extras(settings, mod)
        gunicorn = None
        stem: str = self.src.name.removesuffix(".py").lower()
        if not is_django and ("gunicorn" in stem or len(top_names & _GUNICORN_NAMES) >= 2):
            gsettings = tuple(self._settings(upper=False))
            gunicorn = GunicornConfig(self.src.path, gsettings)
            for s in gsettings:
                if s.name in ("accesslog", "errorlog") and isinstance(s.value, str) and _is_file(s.value):
                    mod.log_files.append(LogFile(s.value, s.pos, f"gunicorn {s.name}"))
        return PyModule(
            path=self.src.path,
            module=self.dotted,
            imports=tuple(sorted(self.imports)),
            apps=tuple(mod.apps),
            servers=tuple(mod.servers),
            cors=tuple(mod.cors),
            routes=tuple(mod.routes),
            env_reads=tuple(reads) + tuple(mod.env_reads),
            is_django_settings=is_django,
            settings=settings,
            star_imports=tuple(self.star_imports),
            gunicorn=gunicorn,
            log_files=tuple(mod.log_files),
            outbound=tuple(self.outbound) + tuple(mod.outbound),
            time_zones=tuple(mod.time_zones),
            metrics=tuple(mod.metrics),
            local_hosts=tuple(mod.local_hosts),
            has_main_guard=self.has_main,
            includes=tuple(mod.includes),
        )

    def _walk(self) -> list[tuple[ast.AST, str, str, bool]]:
        """The nodes facts come from, with their context: (node, guard, top-level function, in try).

        One iterative pass over the tree (no recursion limit); `ctx` and annotation fields are
        not entered, imports and call assignments are set aside on the way.
        """
        out: list[tuple[ast.AST, str, str, bool]] = []
        stack: list[tuple[ast.AST, str, str, bool]] = [(n, "top-level", "", False)
                                                       for n in reversed(self.tree.body)]
        interesting = _INTERESTING
        while stack:
            item = stack.pop()
            node, guard, func, in_try = item
            cls = type(node)
            if cls in interesting:
                if cls is ast.Constant:
                    value = node.value  # type: ignore[attr-defined]
                    if isinstance(value, str) and "://" in value:
                        out.append(item)
                    continue
                out.append(item)
            elif cls is ast.Import or cls is ast.ImportFrom:
                self.import_nodes.append(node)  # type: ignore[arg-type]
                continue
            elif cls is ast.Assign and type(node.value) is ast.Call:  # type: ignore[attr-defined]
                self.call_assigns.append(node)  # type: ignore[arg-type]
            if cls is ast.If and guard == "top-level" and _is_main_test(node.test):  # type: ignore[attr-defined]
                assert isinstance(node, ast.If)
                self.has_main = True
                self.main_blocks.append(node)
                stack.extend((c, guard, func, in_try) for c in reversed(node.orelse))
                stack.extend((c, "main", func, in_try) for c in reversed(node.body))
                stack.append((node.test, guard, func, in_try))
            elif cls is ast.FunctionDef or cls is ast.AsyncFunctionDef or cls is ast.Lambda:
                name = func or getattr(node, "name", "<lambda>")
                body = node.body  # type: ignore[attr-defined]
                # decorators and defaults run where the def is; the body runs when called
                stack.extend((c, "function", name, in_try) for c in reversed(body if isinstance(body, list)
                                                                             else [body]))
                stack.extend((c, guard, func, in_try) for c in reversed(getattr(node, "decorator_list", [])))
                stack.append((node.args, guard, func, in_try))  # type: ignore[attr-defined]
            elif cls is ast.Try or cls.__name__ == "TryStar":
                catches = any(_catches_lookup(h) for h in node.handlers)  # type: ignore[attr-defined]
                tail = [*node.handlers, *node.orelse, *node.finalbody]  # type: ignore[attr-defined]
                stack.extend((c, guard, func, in_try) for c in reversed(tail))
                body = node.body  # type: ignore[attr-defined]
                stack.extend((c, guard, func, in_try or catches) for c in reversed(body))
            else:
                stack.extend((c, guard, func, in_try) for c in _children(node))
        return out

    def _main_funcs(self) -> set[str]:
        names: set[str] = set()
        for block in self.main_blocks:
            for n in ast.walk(block):
                if isinstance(n, ast.Call):
                    if isinstance(n.func, ast.Name):
                        names.add(n.func.id)
                    for a in n.args:  # asyncio.run(main()), anyio.run(main)
                        if isinstance(a, ast.Name):
                            names.add(a.id)
        return names

    def _bindings_and_consts(self) -> None:
        for node in self.call_assigns:
            if isinstance(node.value, ast.Call):
                q = self.qual(node.value.func)
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        self.bindings[t.id] = q
                        self.binding_calls[t.id] = node.value
                        if q.split(".")[-1] == "Env" and q.split(".")[0] in ("environ", "Env"):
                            self.env_schemes[t.id] = {k.arg: k.value for k in node.value.keywords if k.arg}
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                trace = _Trace()
                value = self.eval(stmt.value, trace)
                for t in targets:
                    if isinstance(t, ast.Name):
                        self.consts[t.id] = _Const(value, tuple(trace.env), trace.cpu)

    # ---- calls

    def _on_call(self, node: ast.Call, guard: str, mod: _Collected) -> None:
        q = self.qual(node.func)
        last = q.split(".")[-1] if q else (node.func.attr if isinstance(node.func, ast.Attribute) else "")
        if last in _FRAMEWORKS and self.match(q, _FRAMEWORKS[last][0], last, bare=True):
            self._app(node, _FRAMEWORKS[last][1], mod)
        if self.match(q, ("uvicorn",), "run"):
            mod.servers.append(self._uvicorn(node, guard))
        elif self.match(q, ("waitress",), "serve"):
            mod.servers.append(self._server(node, guard, "waitress", "0.0.0.0", 8080, q))
        elif self.match(q, ("aiohttp",), "run_app") or q.endswith("web.run_app"):
            mod.servers.append(self._server(node, guard, "aiohttp", "0.0.0.0", 8080, q))
        elif isinstance(node.func, ast.Attribute) and node.func.attr in ("run", "run_server"):
            kind = self._run_receiver(node)
            if kind:
                host, port = _RUN_DEFAULTS[kind]
                mod.servers.append(self._server(node, guard, kind, host, port, q))
        first = self.qual(node.args[0]).split(".")[-1] if node.args else ""
        if (last in ("add_middleware", "Middleware") and first == "CORSMiddleware") or (
                last == "CORSMiddleware" and node.args):
            mod.cors.append(self._starlette_cors(node))
        elif self.match(q, ("flask_cors",), "CORS") or self.match(q, ("flask_cors",), "cross_origin"):
            mod.cors.append(self._flask_cors(node))
        self._route_call(node, q, last, mod)
        self._log_call(node, q, last, mod)
        self._misc_call(node, q, last, mod)
