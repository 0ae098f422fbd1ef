"""Run `check --fix` the way the CLI does, on a copy of a tree, for the fix tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from deploycheck.engine import fixes
from deploycheck.engine.config import Config
from deploycheck.engine.runner import check

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fixes"


def fix_codes() -> list[str]:
    return sorted(d.name for d in FIXTURES.iterdir() if (d / "before").is_dir())


def config(code: str | None = None) -> Config:
    return Config(jobs=1, select=(code,) if code else ())


def run_fix(root: Path, code: str | None = None, *, unsafe: bool = False,
            dry_run: bool = False) -> fixes.FixOutcome:
    cfg = config(code)
    first = check([str(root)], cfg)
    resolve = fixes.resolver_for([("", str(root))])
    return fixes.fix(first, lambda: check([str(root)], cfg), resolve, unsafe=unsafe,
                     dry_run=dry_run)


def snapshot(root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for folder, _, names in os.walk(root):
        for name in names:
            full = Path(folder) / name
            out[full.relative_to(root).as_posix()] = full.read_bytes()
    return out


def copy_tree(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest
