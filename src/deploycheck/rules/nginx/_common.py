"""Small helpers the nginx rules share (no rules here)."""

from __future__ import annotations

from deploycheck.model import Location, Position

HSTS = "strict-transport-security"

# Headers whose silent loss weakens security or breaks browsers' cross-origin calls.
SECURITY_HEADERS = frozenset({
    HSTS, "content-security-policy", "content-security-policy-report-only", "x-frame-options",
    "x-content-type-options", "referrer-policy", "permissions-policy", "feature-policy",
    "x-xss-protection", "cross-origin-opener-policy", "cross-origin-embedder-policy",
    "cross-origin-resource-policy",
})


def is_cors(name: str) -> bool:
    return name.lower().startswith("access-control-")


def is_security(name: str) -> bool:
    return name.lower() in SECURITY_HEADERS or is_cors(name)


def at(path: str, pos: Position) -> Location:
    return Location.at(path, pos)


def where(path: str, pos: Position) -> str:
    return f"{path}:{pos.line}"


def truthy(value: str) -> bool:
    return value.strip().strip("'\"").lower() == "true"
