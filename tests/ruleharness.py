"""Run rules on project trees the way users do, and read the expectation markers in fixtures."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterable

from deploycheck import check
from deploycheck.engine.config import Config
from deploycheck.model import Finding

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "rules")
_MARK = re.compile(r"deploycheck-expect(-next)?:\s*([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)")


def expected_marks(tree: str) -> set[tuple[str, int, str]]:
    """(path, line, code) for every `deploycheck-expect[-next]: CODE` marker in a tree."""
    marks: set[tuple[str, int, str]] = set()
    for folder, _, names in os.walk(tree):
        for name in names:
            full = os.path.join(folder, name)
            rel = os.path.relpath(full, tree).replace(os.sep, "/")
            try:
                with open(full, encoding="utf-8") as fh:
                    lines = fh.read().splitlines()
            except (UnicodeDecodeError, OSError):
                continue
            for index, line in enumerate(lines, 1):
                for match in _MARK.finditer(line):
                    target = index + 1 if match.group(1) else index
                    for code in re.split(r"\s*,\s*", match.group(2)):
                        marks.add((rel, target, code))
    return marks


def fact_loaders() -> dict[str, Callable[[str, str], list[object]]]:
    """Loaders of recorded facts, by file-name suffix, from every tests/examples_*.py module.

    Rules over live facts (containers, logs, images, endpoints) are tested on recorded facts:
    `docker inspect` JSON, log text, image listings, HTTP exchanges. Each area registers, in
    `LOADERS`, how a recorded file becomes the fact objects its rules read.
    """
    loaders: dict[str, Callable[[str, str], list[object]]] = {}
    here = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(here)):
        if name.startswith("examples_") and name.endswith(".py"):
            module = importlib.import_module(name[:-3])
            loaders.update(module.LOADERS)
    return loaders


def _fact_files(tree: str) -> list[tuple[str, str]]:
    out = []
    for folder, _, names in os.walk(tree):
        for name in sorted(names):
            full = os.path.join(folder, name)
            out.append((os.path.relpath(full, tree).replace(os.sep, "/"), full))
    return out


def run(tree: str, codes: Iterable[str] | None = None) -> list[Finding]:
    """All rules run (so suppressions behave as for users); findings of `codes` are returned.

    A tree of recorded facts (files a registered loader claims by suffix) runs through the
    live-facts engine instead of `check`."""
    loaders = fact_loaders()
    facts: list[object] = []
    claimed = False
    for rel, full in _fact_files(tree):
        for suffix, load in loaders.items():
            if rel.endswith(suffix):
                with open(full, encoding="utf-8", errors="surrogateescape") as fh:
                    facts.extend(load(rel, fh.read()))
                claimed = True
                break
    if claimed:
        from deploycheck.engine.live import run_on_facts

        result = run_on_facts("facts", tree, facts, Config(jobs=1))
    else:
        result = check([tree], Config(jobs=1))
    wanted = set(codes) if codes is not None else None
    return [f for f in result.findings if wanted is None or f.rule in wanted]


def fixture_codes() -> list[str]:
    if not os.path.isdir(FIXTURES):
        return []
    return sorted(d for d in os.listdir(FIXTURES) if os.path.isdir(os.path.join(FIXTURES, d)))
