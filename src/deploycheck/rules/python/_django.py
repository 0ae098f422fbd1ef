"""What the Django settings rules share (no rules here)."""

from __future__ import annotations

from deploycheck.model.python import DjangoSettings, Setting


def deployed(settings: DjangoSettings) -> bool:
    """A settings module a deployment would select: a leaf, not named for development or tests."""
    return settings.leaf and not settings.dev_like


def effective(settings: DjangoSettings, name: str) -> tuple[str, Setting] | None:
    found = settings.get(name)
    if found is None or found[1].conditional:
        return None
    return found


def via(settings: DjangoSettings, path: str) -> str:
    """' (inherited by settings/production.py)' when the setting is written in a base module."""
    return "" if path == settings.path else f" (inherited by {settings.path})"
