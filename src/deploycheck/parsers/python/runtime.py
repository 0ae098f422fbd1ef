"""What a module does at run time besides serving: logs, outbound calls, time zones, metrics, databases.

`_Runtime` records log files written by `logging` handlers, `basicConfig`, loguru and
`dictConfig` dicts; outbound HTTPS calls with requests, httpx, aiohttp or urllib; time zones
other than UTC; Prometheus metrics endpoints; and database clients and URLs that point at
localhost, which inside a container is the container itself.
"""

from __future__ import annotations

import ast

from deploycheck.model.python import (
    UNKNOWN,
    LocalHostUse,
    LogFile,
    MetricsExposure,
    OutboundCall,
    Route,
    TimeZoneUse,
)
from deploycheck.model.servercmd import is_loopback
from deploycheck.parsers.python.evaluate import _Evaluator
from deploycheck.parsers.python.syntax import _kw, _literal_str, _pos
from deploycheck.parsers.python.tables import _DB_CLIENTS, _DB_URL, _FILE_HANDLERS
from deploycheck.parsers.python.values import _Collected, _is_file, _port, _Trace


class _Runtime(_Evaluator):
    def _log_call(self, node: ast.Call, q: str, last: str, mod: _Collected) -> None:
        if last in _FILE_HANDLERS and (q.split(".")[0] == "logging" or q == last):
            target = self._arg(node, 0, "filename")
            val, _, _ = self._value(target)
            path = val if isinstance(val, str) else None
            if path is None or _is_file(path):
                mod.log_files.append(LogFile(path, _pos(node), last))
        elif q == "logging.basicConfig":
            target = _kw(node, "filename")
            if target is not None:
                val, _, _ = self._value(target)
                path = val if isinstance(val, str) else None
                if path is None or _is_file(path):
                    mod.log_files.append(LogFile(path, _pos(node), "basicConfig"))
        elif last == "add" and q.startswith("loguru.logger") and node.args:
            val, _, _ = self._value(node.args[0])
            if isinstance(val, str) and _is_file(val):
                mod.log_files.append(LogFile(val, _pos(node), "loguru"))

    def _misc_call(self, node: ast.Call, q: str, last: str, mod: _Collected) -> None:
        top = q.split(".")[0] if q else ""
        if top in ("requests", "httpx", "aiohttp", "urllib", "urllib3") and node.args:
            val = self.eval(node.args[0], _Trace())
            if isinstance(val, str) and val.startswith("https://"):
                mod.outbound.append(OutboundCall(top, _pos(node), val))
        if (last == "ZoneInfo" and top in ("zoneinfo", "backports", "ZoneInfo")) or \
                (last == "timezone" and top == "pytz") or (last == "gettz" and top == "dateutil"):
            val = self.eval(node.args[0], _Trace()) if node.args else UNKNOWN
            if isinstance(val, str) and val and val.upper() != "UTC":
                mod.time_zones.append(TimeZoneUse(val, _pos(node), last))
        if last == "start_http_server" and top in ("prometheus_client", "start_http_server"):
            port_val, _, _ = self._value(self._arg(node, 0, "port"))
            mod.metrics.append(MetricsExposure("start_http_server", _pos(node), _port(port_val)))
        if last == "expose" and isinstance(node.func, ast.Attribute) and \
                "prometheus_fastapi_instrumentator" in self.imports:
            endpoint = _kw(node, "endpoint")
            ep = self.eval(endpoint, _Trace()) if endpoint is not None else "/metrics"
            path = ep if isinstance(ep, str) else "/metrics"
            mod.metrics.append(MetricsExposure("instrumentator", _pos(node), None, path))
            mod.routes.append(Route(self._framework_of(""), ("GET",), path, _pos(node), "", False))
        if top in _DB_CLIENTS and last in _DB_CLIENTS[top]:
            host_expr = _kw(node, "host") or _kw(node, "hostname")
            if host_expr is not None:
                trace = _Trace()
                val = self.eval(host_expr, trace)
                if isinstance(val, str) and is_loopback(val):
                    mod.local_hosts.append(LocalHostUse(top, val, _pos(host_expr),
                                                        trace.env[0] if trace.env else ""))

    def _on_string(self, node: ast.Constant, mod: _Collected) -> None:
        text = node.value
        if not isinstance(text, str) or "://" not in text or len(text) > 2000:
            return
        m = _DB_URL.match(text.strip())
        if m:
            mod.local_hosts.append(LocalHostUse(m.group(1).split("+")[0], m.group(2), _pos(node),
                                                self.env_default_nodes.get(id(node), "")))

    def _on_dict(self, node: ast.Dict, mod: _Collected) -> None:
        keys = {_literal_str(k): v for k, v in zip(node.keys, node.values, strict=False) if k is not None}
        cls = keys.get("class")
        if cls is not None:
            name = self.eval(cls, _Trace())
            if isinstance(name, str) and name.split(".")[-1] in _FILE_HANDLERS:
                fname = keys.get("filename")
                val = self.eval(fname, _Trace()) if fname is not None else UNKNOWN
                path = val if isinstance(val, str) else None
                if path is None or _is_file(path):
                    where = _pos(fname if fname is not None else node)
                    mod.log_files.append(LogFile(path, where, "dictConfig"))
