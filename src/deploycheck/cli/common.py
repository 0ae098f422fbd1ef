"""What every command shares: report options, configuration from flags, output, exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deploycheck.engine.config import Config
    from deploycheck.model import RunResult, Severity

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")


class UsageError(Exception):
    """A command used wrongly; the CLI prints it and exits 2."""


def csv(values: Sequence[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(t for v in values for t in v.replace(" ", ",").split(",") if t)


def add_report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--select", action="append", metavar="CODES",
                   help="only these rules: codes, code prefixes (DC1), names or categories")
    p.add_argument("--extend-select", action="append", metavar="CODES", help="add rules to the selection")
    p.add_argument("--ignore", action="append", metavar="CODES", help="skip these rules")
    p.add_argument("--fail-on", metavar="LEVEL", help="exit 1 when a finding reaches LEVEL: "
                   "error (default), warning, info or never")
    p.add_argument("--config", metavar="FILE", help="configuration file (default: deploycheck.toml "
                   "or [tool.deploycheck] in pyproject.toml)")
    p.add_argument("--no-color", action="store_true", help="no ANSI colors")
    p.add_argument("-q", "--quiet", action="store_true", help="print findings only: no progress, no summary")
    p.add_argument("-j", "--jobs", type=int, metavar="N",
                   help="check: processes that parse and run rules (default: one per core); "
                   "live commands: concurrent requests")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def config_from_args(args: argparse.Namespace, start: str = ".") -> Config:
    """The configuration file (found from `start`, or --config) with the flags applied on top."""
    from deploycheck.engine.config import find, load_file, parse_fail_on

    cfg = load_file(args.config) if args.config else find(start)
    cfg = cfg.merged(select=csv(args.select), extend_select=csv(args.extend_select),
                     ignore=csv(args.ignore), jobs=args.jobs)
    if args.fail_on is not None:
        cfg = replace(cfg, fail_on=parse_fail_on(args.fail_on))
    return cfg


def wants_color(args: argparse.Namespace) -> bool:
    if getattr(args, "no_color", False) or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and not getattr(args, "output", None)


def wants_progress(args: argparse.Namespace) -> bool:
    """Progress only for a person at a terminal: not in CI, not with -q, not when piped."""
    return (not args.quiet and not os.environ.get("CI") and sys.stderr.isatty()
            and sys.stdout.isatty() and not args.output)


class StatusLine:
    """One line on stderr, redrawn in place and erased at the end (interactive terminals only)."""

    def __init__(self) -> None:
        self.shown = False

    def show(self, text: str) -> None:
        sys.stderr.write("\r\x1b[2K" + text)
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


class Progress(StatusLine):
    """`stage done/total` progress."""

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.show(f"{stage} {done}/{total}" if total else stage)


def with_prefix(result: RunResult, prefix: str) -> RunResult:
    """Paths rebased on the repository (for CI formats, where annotations need repo paths)."""
    from deploycheck.model import Finding, Location, Related

    if not prefix:
        return result

    def move(loc: Location) -> Location:
        return loc.with_path(prefix + loc.path) if loc.path and not loc.path.startswith("<") else loc

    findings = tuple(
        Finding(f.rule, f.name, f.category, f.severity, f.message, f.fix, move(f.location),
                tuple(Related(move(r.location), r.message) for r in f.related), f.edits, f.safe_fix)
        for f in result.findings)
    return replace(result, findings=findings)


CI_FORMATS = ("github", "sarif", "gitlab", "junit")


def emit(result: RunResult, args: argparse.Namespace, root: str = "") -> None:
    """Render with the chosen reporter, to stdout or --output. For CI formats, paths are made
    relative to the current folder when the checked folder lies below it, since annotations and
    code-scanning results are resolved from the repository's top."""
    from deploycheck import reporters

    if args.format in CI_FORMATS and root and root not in (".", "-") and os.path.isdir(root):
        rel = os.path.relpath(os.path.abspath(root))
        if not rel.startswith(".."):
            result = with_prefix(result, rel.replace(os.sep, "/").rstrip("/") + "/")
    render = reporters.get(args.format)
    options = reporters.ReportOptions(color=wants_color(args) and args.format == "text", quiet=args.quiet)
    text = render(result, options)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def exit_code(result: RunResult, fail_on: Severity | None) -> int:
    if fail_on is None:
        return 0
    return 1 if any(f.severity.rank >= fail_on.rank for f in result.findings) else 0
