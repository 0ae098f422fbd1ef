"""Plain-text snapshots: `DEPLOYCHECK_UPDATE_SNAPSHOTS=1 pytest tests/reporters` rewrites them.

Review a rewritten snapshot in the diff as you would code: it is the output users get.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture
def snapshot() -> Callable[[str, str], None]:
    def check(name: str, actual: str) -> None:
        path = SNAPSHOTS / name
        if os.environ.get("DEPLOYCHECK_UPDATE_SNAPSHOTS") == "1":
            path.write_text(actual, encoding="utf-8", newline="")
            return
        if not path.exists():
            pytest.fail(f"no snapshot {path}; run with DEPLOYCHECK_UPDATE_SNAPSHOTS=1 and review it")
        assert actual == path.read_bytes().decode("utf-8")

    return check
