"""Rules over gathered facts (containers, logs, images, endpoints): the same selection,
severity overrides, finding shape and sorting as `check`, without reading a tree."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from deploycheck import __version__
from deploycheck.engine import selection
from deploycheck.engine.config import Config
from deploycheck.engine.registry import info
from deploycheck.engine.runner import Checked, run_rules
from deploycheck.model import Finding, RunResult
from deploycheck.model.project import Project


def run_on_facts(command: str, root: str, items: Sequence[object], config: Config,
                 files: Sequence[str] = (), started: float | None = None, *,
                 checked: int | None = None, unit: str = "fact") -> RunResult:
    """Run every selected rule whose target type is among `items` (or `Project`, when asked
    through `files`), and return the result in the shape every command shares. `checked` and
    `unit` say what the summary counts ("3 containers", "2 URLs"): by default, the facts."""
    begun = time.perf_counter() if started is None else started
    project = Project(root, frozenset(files), tuple(items))
    types = {type(item) for item in items}
    rules = tuple(r for r in selection.select(config)
                  if any(issubclass(t, r.target) for t in types))
    # One process: gathering is the slow part here, and the gatherers may have threads running.
    findings = run_rules(Checked(project, (), len(items)), rules, replace(config, jobs=1))
    findings = [f for f in findings if not (f.location.path and any(
        selection.ignored_by_path(r, f.location.path, config) for r in rules if r.code == f.rule))]
    unique = {(f.rule, f.location, f.message): f for f in findings}
    ordered = tuple(sorted(unique.values(), key=Finding.sort_key))
    return RunResult("deploycheck", __version__, command, root, ordered,
                     tuple(info(r) for r in rules), len(items) if checked is None else checked,
                     time.perf_counter() - begun, unit)
