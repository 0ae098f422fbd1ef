"""The local Docker engine, for the two calls `image` needs: inspect an image, and export it as
a streamed `docker save` archive. The engine is found and spoken to exactly as `containers`
does it (`gatherers.docker_engine`: DOCKER_HOST, the current docker context, the default socket;
TLS when the endpoint asks for it).
"""

from __future__ import annotations

import http.client
import os
import urllib.parse
from typing import Any

from deploycheck.gatherers.docker_engine import EngineClient, EngineError, find_endpoint
from deploycheck.gatherers.image_source.records import SourceError


class Engine:
    """The image calls of the Engine API; failures become `SourceError`s."""

    def __init__(self, client: EngineClient | None = None) -> None:
        if client is None:
            try:
                client = EngineClient(find_endpoint(os.environ), timeout=300.0)
            except EngineError as exc:
                raise SourceError(str(exc)) from None
        self.client = client

    @property
    def host(self) -> str:
        return self.client.endpoint.label()

    def inspect(self, name: str) -> dict[str, Any] | None:
        try:
            data = self.client.get_json(f"/images/{urllib.parse.quote(name, safe='')}/json", missing_ok=True)
        except EngineError as exc:
            raise SourceError(str(exc)) from None
        return data if isinstance(data, dict) else None

    def export(self, name: str) -> http.client.HTTPResponse:
        try:
            resp = self.client.open("GET", f"/images/{urllib.parse.quote(name, safe='')}/get")
        except EngineError as exc:
            raise SourceError(str(exc)) from None
        if resp.status != 200:
            body = resp.read(4096).decode("utf-8", "replace").strip()
            resp.close()
            raise SourceError(f"the Docker engine could not export {name}: {resp.status} {body[:200]}")
        return resp
