"""CORS facts: a `CorsConfig` is a `cors.Config{...}` (gin-contrib) or `cors.Options{...}` (rs/cors)
literal with its origins (`OriginEntry`), credentials, methods and headers and the position of each
field; a `CorsHandler` is a hand-written function that sets `Access-Control-Allow-Origin`, with
what origin it sends, whether it checks it first and whether it answers preflight requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class OriginEntry:
    value: str
    pos: Position


@dataclass(frozen=True, slots=True)
class CorsConfig:
    """A `cors.Config{...}` (gin-contrib) or `cors.Options{...}` (rs/cors) literal.

    Booleans are None when the field is absent; `fields` maps each present field to its position.
    """

    library: str
    var: str
    allow_all_origins: bool | None
    allow_origins: tuple[OriginEntry, ...]
    allow_origin_func: bool
    allow_credentials: bool | None
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    fields: tuple[tuple[str, Position], ...]
    path: str
    pos: Position

    def field_pos(self, name: str) -> Position:
        for key, pos in self.fields:
            if key == name:
                return pos
        return self.pos

    @property
    def allows_any_origin(self) -> bool:
        return bool(self.allow_all_origins) or any(o.value == "*" for o in self.allow_origins)


@dataclass(frozen=True, slots=True)
class CorsHandler:
    """A hand-written function that sets `Access-Control-Allow-Origin`.

    origin: "*" (wildcard), "reflect" (the request's Origin header), "literal", or "other";
    origin_checked: the reflected Origin is compared with something (an allow-list) first;
    answers_options: it compares the method with OPTIONS and stops there with a status.
    """

    name: str
    origin: str
    origin_value: str
    origin_pos: Position
    origin_checked: bool
    credentials: bool
    credentials_pos: Position | None
    answers_options: bool
    path: str
    pos: Position
