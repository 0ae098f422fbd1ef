"""`deploycheck` — argument parsing and exit codes. Everything else lives in the library.

Exit codes: 0 nothing reached the --fail-on level; 1 something did; 2 usage or internal error.
Heavy modules are imported inside the commands, so `deploycheck --version` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from deploycheck import __version__

if TYPE_CHECKING:
    from deploycheck.engine.config import Config
    from deploycheck.model import RunResult, Severity

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")


class UsageError(Exception):
    pass


def _csv(values: Sequence[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(t for v in values for t in v.replace(" ", ",").split(",") if t)


def _add_report_options(p: argparse.ArgumentParser) -> None:
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
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="parse with N processes (default: one per core)")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deploycheck",
        description="Find why a web-service deployment fails: reads Dockerfiles, compose files, "
        "Kubernetes manifests, nginx configuration and the app's Go or Python source together.")
    parser.add_argument("--version", action="version", version=f"deploycheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="check deployment files before deploying",
                           description="Check every deployment file under PATH (default: the "
                           "current folder). '-' reads compose or Kubernetes YAML from stdin.")
    check.add_argument("paths", nargs="*", metavar="PATH")
    _add_report_options(check)
    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    explain = sub.add_parser("explain", help="print a rule's page")
    explain.add_argument("code", metavar="CODE", help="rule code or name, e.g. DC101")
    return parser


def _wants_color(args: argparse.Namespace, stream: object) -> bool:
    if getattr(args, "no_color", False) or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)()) and not getattr(args, "output", None)


def _wants_progress(args: argparse.Namespace) -> bool:
    return (not args.quiet and not os.environ.get("CI") and sys.stderr.isatty()
            and sys.stdout.isatty() and not args.output)


class _Progress:
    """A one-line progress display on stderr, for interactive terminals only."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        text = f"reading files {done}/{total}" if stage == "read" else f"running {total} rules"
        sys.stderr.write("\r\x1b[2K" + text)
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


def _config(args: argparse.Namespace) -> Config:
    from deploycheck.engine.config import find, load_file, parse_fail_on

    first = args.paths[0] if args.paths and args.paths[0] != "-" else "."
    cfg = load_file(args.config) if args.config else find(first)
    cfg = cfg.merged(select=_csv(args.select), extend_select=_csv(args.extend_select),
                     ignore=_csv(args.ignore), jobs=args.jobs)
    if args.fail_on is not None:
        cfg = replace(cfg, fail_on=parse_fail_on(args.fail_on))
    return cfg


def emit(result: RunResult, args: argparse.Namespace) -> None:
    """Render a RunResult with the chosen reporter, to stdout or --output."""
    from deploycheck import reporters

    render = reporters.get(args.format)
    out_stream = sys.stdout
    options = reporters.ReportOptions(color=_wants_color(args, out_stream) and args.format == "text",
                                      quiet=args.quiet)
    text = render(result, options)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        out_stream.write(text)
        out_stream.flush()


def exit_code(result: RunResult, fail_on: Severity | None) -> int:
    if fail_on is None:
        return 0
    return 1 if any(f.severity.rank >= fail_on.rank for f in result.findings) else 0


def cmd_check(args: argparse.Namespace) -> int:
    from deploycheck.engine.runner import check

    cfg = _config(args)
    progress = _Progress() if _wants_progress(args) else None
    stdin_text = sys.stdin.read() if "-" in args.paths else None
    try:
        result = check(args.paths or ["."], cfg, stdin_text=stdin_text, progress=progress)
    finally:
        if progress:
            progress.clear()
    emit(result, args)
    return exit_code(result, cfg.fail_on)


def cmd_rules(args: argparse.Namespace) -> int:
    import json

    from deploycheck.engine.registry import all_rules

    rules = all_rules()
    if args.format == "json":
        rows = [{"code": r.code, "name": r.name, "category": r.category.value,
                 "severity": r.severity.value, "summary": r.summary(), "aliases": list(r.aliases)}
                for r in rules]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    width = max((len(r.name) for r in rules), default=10)
    for r in rules:
        sys.stdout.write(f"{r.code}  {r.name:<{width}}  {r.category.value:<13}  "
                         f"{r.severity.value:<7}  {r.summary()}\n")
    sys.stdout.write(f"{len(rules)} rules\n")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from deploycheck.engine.registry import all_rules, by_code

    rule = by_code().get(args.code) or by_code().get(args.code.upper())
    if rule is None:
        near = [r.code for r in all_rules() if r.code.startswith(args.code.upper()[:4])][:8]
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise UsageError(f"no rule {args.code!r}{hint}; 'deploycheck rules' lists them")
    sys.stdout.write(f"{rule.code} {rule.name} — category {rule.category.value}, "
                     f"default severity {rule.severity.value}\n")
    if rule.aliases:
        sys.stdout.write(f"aliases: {', '.join(rule.aliases)}\n")
    sys.stdout.write("\n" + rule.doc() + "\n")
    return 0


COMMANDS = {"check": cmd_check, "rules": cmd_rules, "explain": cmd_explain}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    debug = getattr(args, "debug", False) or bool(os.environ.get("DEPLOYCHECK_DEBUG"))
    if debug:
        os.environ["DEPLOYCHECK_DEBUG"] = "1"
    from deploycheck.engine.config import ConfigError
    from deploycheck.engine.runner import InternalError

    try:
        return COMMANDS[args.command](args)
    except (UsageError, ConfigError) as exc:
        sys.stderr.write(f"deploycheck: error: {exc}\n")
        return 2
    except InternalError as exc:
        if debug:
            raise
        sys.stderr.write(f"deploycheck: internal error: {exc} (rerun with --debug for details)\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("deploycheck: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if debug:
            raise
        sys.stderr.write(f"deploycheck: internal error: {type(exc).__name__}: {exc} "
                         "(rerun with --debug for the traceback)\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
