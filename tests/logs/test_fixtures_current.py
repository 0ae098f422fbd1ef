"""The LG fixtures are generated from the catalog (tests/logs/regen_fixtures.py): they must be
current, so that a signature changed in the catalog is tested by the fixture harness too."""

from __future__ import annotations

import os

from logs import regen_fixtures


def _read(path: str) -> str | None:
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def test_lg_fixtures_are_current() -> None:
    stale = [path for path, text in regen_fixtures.expected_files().items() if _read(path) != text]
    assert not stale, "run `python tests/logs/regen_fixtures.py`; stale: " + ", ".join(stale[:5])
