"""deploycheck: find why a web-service deployment fails, before and after deploy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from deploycheck.engine.config import Config
    from deploycheck.model import RunResult


def check(paths: list[str], config: Config | None = None, **kwargs: Any) -> RunResult:
    """Check deployment files under `paths`; the library entry point the CLI and tests share."""
    from deploycheck.engine.runner import check as _check

    return _check(paths, config, **kwargs)
