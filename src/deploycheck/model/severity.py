"""Severities and categories: closed sets, part of the output contract."""

from __future__ import annotations

import enum


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    @staticmethod
    def parse(text: str) -> Severity:
        try:
            return Severity(text.strip().lower())
        except ValueError:
            raise ValueError(f"unknown severity {text!r} (error, warning, info)") from None


class Category(enum.Enum):
    BIND = "bind"
    ROUTING = "routing"
    DEPENDENCY = "dependency"
    HEALTH = "health"
    STARTUP_ORDER = "startup-order"
    CONFIG = "config"
    BUILD = "build"
    CORS = "cors"
    RESOURCES = "resources"
    OBSERVABILITY = "observability"
    TLS = "tls"
    SECURITY = "security"
    PLATFORM = "platform"
