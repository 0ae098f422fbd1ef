"""Finding the engine as the docker CLI finds it: `DOCKER_HOST` (`unix://`, `tcp://`, with
`DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`), else the current docker context (`DOCKER_CONTEXT` or
`currentContext` in ~/.docker/config.json), else /var/run/docker.sock. Holds the `Endpoint`
record, the host and context readers, and `EngineError`, the one-line error every part of the
gatherer raises when there is no engine or it refuses a request.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

DEFAULT_SOCKET = "/var/run/docker.sock"


class EngineError(Exception):
    """No engine, or the engine refused a request: one line for the user."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    scheme: str  # "unix", "tcp", "https"
    address: str  # socket path, or "host:port"
    source: str  # how it was found, for messages: "DOCKER_HOST", "context 'colima'", "default socket"
    ca: str = ""
    cert: str = ""
    key: str = ""
    verify: bool = True

    @property
    def local(self) -> bool:
        """Whether the engine runs on this machine (its /proc and loopback ports are ours)."""
        if self.scheme == "unix":
            return True
        host = self.address.rsplit(":", 1)[0].strip("[]")
        return host in ("127.0.0.1", "localhost", "::1")

    def label(self) -> str:
        return f"{self.scheme}://{self.address}"


def _parse_host(host: str, source: str, cert_path: str = "", verify: bool = False) -> Endpoint:
    if host.startswith("unix://"):
        return Endpoint("unix", host[len("unix://") :] or DEFAULT_SOCKET, source)
    if host.startswith(("tcp://", "https://", "http://")):
        parts = urlsplit(host)
        port = parts.port or (2376 if verify or parts.scheme == "https" else 2375)
        address = f"{parts.hostname}:{port}"
        if verify or parts.scheme == "https":
            folder = cert_path or os.path.join(os.path.expanduser("~"), ".docker")
            return Endpoint(
                "https",
                address,
                source,
                os.path.join(folder, "ca.pem"),
                os.path.join(folder, "cert.pem"),
                os.path.join(folder, "key.pem"),
                verify=True,
            )
        return Endpoint("tcp", address, source)
    if host.startswith("ssh://"):
        raise EngineError(
            f"{source} is {host}: ssh:// engines are not supported; forward the socket "
            "(ssh -L /tmp/docker.sock:/var/run/docker.sock HOST) and set "
            "DOCKER_HOST=unix:///tmp/docker.sock"
        )
    if host.startswith("npipe://"):
        raise EngineError(f"{source} is {host}: Windows named pipes are not supported")
    if host.startswith("/"):
        return Endpoint("unix", host, source)
    raise EngineError(f"{source}={host!r} is not a Docker host (unix:///path or tcp://host:port)")


def _context_endpoint(name: str, config_dir: str) -> Endpoint | None:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = os.path.join(config_dir, "contexts", "meta", digest, "meta.json")
    try:
        with open(meta, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        raise EngineError(f"docker context {name!r} has no readable metadata ({meta})") from None
    docker = (data.get("Endpoints") or {}).get("docker") or {}
    host = docker.get("Host")
    if not isinstance(host, str) or not host:
        return None
    tls_dir = os.path.join(config_dir, "contexts", "tls", digest, "docker")
    endpoint = _parse_host(
        host,
        f"docker context {name!r}",
        tls_dir if os.path.isdir(tls_dir) else "",
        verify=os.path.isdir(tls_dir),
    )
    if endpoint.scheme == "https" and docker.get("SkipTLSVerify"):
        endpoint = replace(endpoint, verify=False)
    return endpoint


def find_endpoint(environ: Mapping[str, str], home: str | None = None) -> Endpoint:
    """The engine the docker CLI would use, with the same precedence."""
    host = environ.get("DOCKER_HOST", "")
    if host:
        return _parse_host(
            host,
            "DOCKER_HOST",
            environ.get("DOCKER_CERT_PATH", ""),
            verify=environ.get("DOCKER_TLS_VERIFY", "") not in ("", "0"),
        )
    config_dir = environ.get("DOCKER_CONFIG") or os.path.join(home or os.path.expanduser("~"), ".docker")
    context = environ.get("DOCKER_CONTEXT", "")
    if not context:
        try:
            with open(os.path.join(config_dir, "config.json"), encoding="utf-8") as fh:
                context = str(json.load(fh).get("currentContext") or "")
        except (OSError, ValueError, AttributeError):
            context = ""
    if context and context != "default":
        found = _context_endpoint(context, config_dir)
        if found is not None:
            return found
    if os.path.exists(DEFAULT_SOCKET):
        return Endpoint("unix", DEFAULT_SOCKET, "the default socket")
    raise EngineError(
        f"no Docker engine: DOCKER_HOST is not set, no docker context is selected and "
        f"{DEFAULT_SOCKET} does not exist (start the engine, or set DOCKER_HOST)"
    )
