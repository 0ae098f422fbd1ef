"""`check --fix`, `--diff` and `--unsafe-fixes`: the CLI side of `engine/fixes.py`.

`cmd_check` calls `apply_after_check(result, args, root)` right after the check; None means
"no fix option given, report as usual", an int is the exit code of a run that fixed (or showed
the fixes as a diff) and already printed its report.
"""

from __future__ import annotations

import argparse
import os
import sys

from deploycheck.cli.common import UsageError, config_from_args, emit, exit_code
from deploycheck.model import RunResult


def add_fix_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("fixes")
    group.add_argument("--fix", action="store_true",
                       help="apply the safe fixes in place, then report what is left")
    group.add_argument("--diff", action="store_true",
                       help="print the fixes as a unified diff instead of writing them "
                            "(exit 1 when there is something to fix)")
    group.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix or --diff: also apply fixes that change behaviour")


def apply_after_check(result: RunResult, args: argparse.Namespace, root: str) -> int | None:
    """Fix (or diff) after `check` produced `result`; None when neither --fix nor --diff."""
    want_fix = bool(getattr(args, "fix", False))
    want_diff = bool(getattr(args, "diff", False))
    if not (want_fix or want_diff):
        if getattr(args, "unsafe_fixes", False):
            raise UsageError("--unsafe-fixes needs --fix or --diff")
        return None
    from deploycheck.engine import fixes
    from deploycheck.engine.runner import check

    paths = list(args.paths or ["."])
    if "-" in paths:
        raise UsageError("--fix and --diff need files on disk, not standard input")
    cfg = config_from_args(args, root or paths[0])
    unsafe = bool(getattr(args, "unsafe_fixes", False))
    resolve = fixes.resolver_for(_roots(paths))
    outcome = fixes.fix(result, lambda: check(paths, cfg), resolve, unsafe=unsafe,
                        dry_run=want_diff)
    quiet = bool(getattr(args, "quiet", False))
    if want_diff:
        text = outcome.diff()
        sys.stdout.write(text)
        sys.stdout.flush()
        if not quiet:
            _summary(outcome, would=True)
        return 1 if text else 0
    emit(outcome.result, args, paths[0] if len(paths) == 1 else "")
    if not quiet:
        _summary(outcome, would=False)
    return exit_code(outcome.result, cfg.fail_on)


def _roots(paths: list[str]) -> list[tuple[str, str]]:
    """(prefix findings carry, folder edits are relative to) for each checked PATH, as
    `engine.runner.check` names files: no prefix for one root, the normalised path for several."""
    out = []
    for path in paths:
        folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
        prefix = ""
        if len(paths) > 1 and os.path.isdir(path):
            prefix = os.path.normpath(path).replace(os.sep, "/").rstrip("/") + "/"
        out.append((prefix, folder))
    return out


def _summary(outcome: object, *, would: bool) -> None:
    from deploycheck.engine.fixes import FixOutcome

    assert isinstance(outcome, FixOutcome)
    n, files = len(outcome.fixed), len(outcome.files)
    verb = "Would fix" if would else "Fixed"
    parts = [f"{verb} {n} problem{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}"
             if n else ("No fixes to apply" if would else "Nothing fixed")]
    if outcome.unsafe_available:
        parts.append(f"{outcome.unsafe_available} more with --unsafe-fixes")
    sys.stderr.write("; ".join(parts) + ".\n")
    for finding, why in outcome.refused:
        sys.stderr.write(f"  not fixed: {finding.rule} at {finding.location.label()}: {why}\n")
