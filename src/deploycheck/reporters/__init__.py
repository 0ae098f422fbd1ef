"""Reporters: turn a `RunResult` into text for people, CI systems and other programs.

Every format is one module with the same function, `render(result, options) -> str`; the CLI
picks one with `get(name)`, which imports the module only when it is asked for. Reporters never
re-read files: they describe the findings and rules the run handed them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from deploycheck.model import RunResult


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """How to render. Formats ignore what does not apply to them (JSON always carries everything).

    `color` turns on ANSI colors in the text format; `show_fix` and `show_related` add each
    finding's fix text and the other places involved; `verbose` adds per-rule counts; `quiet`
    prints the findings only, without the summary (text format).
    """

    color: bool = False
    show_fix: bool = True
    show_related: bool = True
    verbose: bool = False
    quiet: bool = False


Renderer = Callable[["RunResult", ReportOptions], str]

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "github", "junit", "gitlab")

# `json` would shadow the standard library inside this package, hence `json_`.
_MODULES = {
    "text": "text",
    "json": "json_",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
    "gitlab": "gitlab",
}


def get(name: str) -> Renderer:
    """The `render` function of format `name`; `ValueError` names the known formats."""
    module_name = _MODULES.get(name.strip().lower())
    if module_name is None:
        raise ValueError(f"unknown output format {name!r} (choose from: {', '.join(FORMATS)})")
    module = importlib.import_module(f"{__name__}.{module_name}")
    return cast(Renderer, module.render)


def render(name: str, result: RunResult, options: ReportOptions | None = None) -> str:
    """Render `result` in format `name` (a shortcut for `get(name)(result, options)`)."""
    return get(name)(result, options or ReportOptions())
