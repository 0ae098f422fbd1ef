"""The Engine API spoken directly: HTTP/1.1 over the Unix socket or TCP (TLS when the endpoint
asks for it) with `http.client`, no SDK to install. `EngineClient` opens one connection per
request so threads never share one, reads every body up to a bound, and turns transport
failures and refusals into `EngineError`s that name the engine and how it was found.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from deploycheck.gatherers.docker_engine.endpoint import Endpoint, EngineError


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


class EngineClient:
    """Requests to one engine. Thread-safe: each request opens its own connection."""

    def __init__(self, endpoint: Endpoint, timeout: float = 15.0) -> None:
        self.endpoint = endpoint
        self.timeout = timeout

    def _connection(self, timeout: float | None = None) -> http.client.HTTPConnection:
        t = self.timeout if timeout is None else timeout
        ep = self.endpoint
        if ep.scheme == "unix":
            return _UnixConnection(ep.address, t)
        host, _, port = ep.address.rpartition(":")
        if ep.scheme == "https":
            context = ssl.create_default_context(cafile=ep.ca if ep.ca and os.path.exists(ep.ca) else None)
            if ep.cert and os.path.exists(ep.cert):
                context.load_cert_chain(ep.cert, ep.key or None)
            if not ep.verify:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(host.strip("[]"), int(port), timeout=t, context=context)
        return http.client.HTTPConnection(host.strip("[]"), int(port), timeout=t)

    def open(
        self,
        method: str,
        path: str,
        query: Mapping[str, object] | None = None,
        timeout: float | None = None,
    ) -> http.client.HTTPResponse:
        """One request whose response the caller reads as a stream (`docker save`) and closes."""
        url = path + ("?" + urlencode({k: v for k, v in query.items() if v is not None}) if query else "")
        conn = self._connection(timeout)
        try:
            conn.request(method, url, headers={"Host": "docker", "User-Agent": "deploycheck"})
            return conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise self._unreachable(exc) from None

    def request(
        self,
        method: str,
        path: str,
        query: Mapping[str, object] | None = None,
        limit: int = 64 << 20,
        timeout: float | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request; the body is read up to `limit` bytes (the connection is then dropped)."""
        resp = self.open(method, path, query, timeout)
        try:
            headers = {k.lower(): v for k, v in resp.getheaders()}
            body = b"" if method == "HEAD" else resp.read(limit)
            return resp.status, headers, body
        except (OSError, http.client.HTTPException) as exc:
            raise self._unreachable(exc) from None
        finally:
            resp.close()

    def _unreachable(self, exc: BaseException) -> EngineError:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return EngineError(
            f"the Docker engine at {self.endpoint.label()} ({self.endpoint.source}) "
            f"does not answer: {reason}"
        )

    def get_json(
        self,
        path: str,
        query: Mapping[str, object] | None = None,
        *,
        missing_ok: bool = False,
        timeout: float | None = None,
    ) -> Any:
        status, _, body = self.request("GET", path, query, timeout=timeout)
        if status == 404 and missing_ok:
            return None
        if status >= 400:
            raise EngineError(_engine_message(status, body))
        try:
            return json.loads(body or b"null")
        except ValueError:
            raise EngineError(f"the engine answered {path} with something that is not JSON") from None


def _engine_message(status: int, body: bytes) -> str:
    try:
        message = json.loads(body).get("message", "")
    except (ValueError, AttributeError):
        message = body[:200].decode("utf-8", "replace")
    return f"the Docker engine refused the request ({status}): {message}"
