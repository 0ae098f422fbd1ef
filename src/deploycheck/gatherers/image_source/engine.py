"""The local Docker engine: `docker_host` finds its address and TLS settings the way the docker
CLI does (DOCKER_HOST, the current context, the default socket), and `Engine` is a minimal Engine
API client over a unix socket or TCP/TLS for the two calls `image` needs — inspect an image and
export it as a streamed `docker save` archive.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import urllib.parse
from typing import Any

from deploycheck.gatherers.image_source.records import _SMALL, SourceError

# -- the Docker engine ----------------------------------------------------------------------------


def docker_host(environ: dict[str, str] | None = None, home: str | None = None) -> tuple[str, dict[str, str]]:
    """The engine address as the docker CLI finds it: DOCKER_HOST, else the current context
    (DOCKER_CONTEXT or `currentContext` in config.json), else the default socket. The second
    value holds TLS settings (ca, cert, key, verify) when the context or environment has them."""
    env = dict(os.environ) if environ is None else environ
    if env.get("DOCKER_HOST"):
        tls: dict[str, str] = {}
        cert_path = env.get("DOCKER_CERT_PATH", "")
        if env.get("DOCKER_TLS_VERIFY") or env.get("DOCKER_TLS"):
            folder = cert_path or os.path.join(home or os.path.expanduser("~"), ".docker")
            tls = {"ca": os.path.join(folder, "ca.pem"), "cert": os.path.join(folder, "cert.pem"),
                   "key": os.path.join(folder, "key.pem"),
                   "verify": "1" if env.get("DOCKER_TLS_VERIFY") else ""}
        return env["DOCKER_HOST"], tls
    config_dir = env.get("DOCKER_CONFIG") or os.path.join(home or os.path.expanduser("~"), ".docker")
    context = env.get("DOCKER_CONTEXT", "")
    if not context:
        try:
            with open(os.path.join(config_dir, "config.json"), encoding="utf-8") as fh:
                context = str(json.load(fh).get("currentContext") or "")
        except (OSError, ValueError, AttributeError):
            context = ""
    if context and context != "default":
        import hashlib

        digest = hashlib.sha256(context.encode()).hexdigest()
        meta = os.path.join(config_dir, "contexts", "meta", digest, "meta.json")
        try:
            with open(meta, encoding="utf-8") as fh:
                endpoint = json.load(fh)["Endpoints"]["docker"]
            host = str(endpoint.get("Host") or "")
            tls_dir = os.path.join(config_dir, "contexts", "tls", digest, "docker")
            tls = {}
            if os.path.isdir(tls_dir):
                tls = {"ca": os.path.join(tls_dir, "ca.pem"), "cert": os.path.join(tls_dir, "cert.pem"),
                       "key": os.path.join(tls_dir, "key.pem"),
                       "verify": "" if endpoint.get("SkipTLSVerify") else "1"}
            if host:
                return host, tls
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    return "unix:///var/run/docker.sock", {}


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


class Engine:
    """A minimal Docker Engine API client (the two calls `image` needs)."""

    def __init__(self, host: str, tls: dict[str, str] | None = None, timeout: float = 300.0) -> None:
        self.host = host
        self.tls = tls or {}
        self.timeout = timeout

    def _connection(self) -> http.client.HTTPConnection:
        parsed = urllib.parse.urlparse(self.host)
        if parsed.scheme == "unix":
            return _UnixConnection(parsed.path, self.timeout)
        if parsed.scheme in ("tcp", "http", "https"):
            port = parsed.port or (2376 if self.tls else 2375)
            if self.tls or parsed.scheme == "https":
                context = ssl.create_default_context(cafile=self.tls.get("ca") if self.tls.get("ca") and
                                                     os.path.exists(self.tls["ca"]) else None)
                if self.tls.get("cert") and os.path.exists(self.tls["cert"]):
                    context.load_cert_chain(self.tls["cert"], self.tls.get("key"))
                if not self.tls.get("verify"):
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE
                return http.client.HTTPSConnection(parsed.hostname or "localhost", port,
                                                   timeout=self.timeout, context=context)
            return http.client.HTTPConnection(parsed.hostname or "localhost", port, timeout=self.timeout)
        raise SourceError(f"Docker host {self.host!r} is not supported (unix:// or tcp://)")

    def get(self, path: str) -> http.client.HTTPResponse:
        conn = self._connection()
        try:
            conn.request("GET", path, headers={"Host": "docker"})
            return conn.getresponse()
        except OSError as exc:
            raise SourceError(f"no Docker engine answers at {self.host} ({exc})") from exc

    def inspect(self, name: str) -> dict[str, Any] | None:
        resp = self.get(f"/images/{urllib.parse.quote(name, safe='')}/json")
        body = resp.read(_SMALL)
        if resp.status == 404:
            return None
        if resp.status != 200:
            raise SourceError(f"the Docker engine at {self.host} answered {resp.status}: "
                              f"{body[:200].decode('utf-8', 'replace').strip()}")
        data = json.loads(body)
        return data if isinstance(data, dict) else None

    def export(self, name: str) -> http.client.HTTPResponse:
        resp = self.get(f"/images/{urllib.parse.quote(name, safe='')}/get")
        if resp.status != 200:
            body = resp.read(4096).decode("utf-8", "replace").strip()
            raise SourceError(f"the Docker engine could not export {name}: {resp.status} {body[:200]}")
        return resp
