"""`deploycheck` — argument parsing and exit codes. Everything else lives in the library.

Exit codes: 0 nothing reached the --fail-on level; 1 something did; 2 usage or internal error.
Each command beyond `check`, `rules` and `explain` is a module `cli/cmd_<name>.py` with
`add_parser(subparsers)` and `run(args) -> int`; modules import their heavy parts inside `run`,
so `deploycheck --version` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Callable, Sequence

from deploycheck import __version__
from deploycheck.cli import fixing
from deploycheck.cli.common import (
    Progress,
    UsageError,
    add_report_options,
    config_from_args,
    emit,
    exit_code,
    wants_progress,
)

Runner = Callable[[argparse.Namespace], int]


def cmd_check(args: argparse.Namespace) -> int:
    from deploycheck.engine.runner import check

    first = args.paths[0] if args.paths and args.paths[0] != "-" else "."
    cfg = config_from_args(args, first)
    progress = Progress() if wants_progress(args) else None
    stdin_text = sys.stdin.read() if "-" in args.paths else None
    try:
        result = check(args.paths or ["."], cfg, stdin_text=stdin_text, progress=progress)
    finally:
        if progress:
            progress.clear()
    handled = fixing.apply_after_check(result, args, first)
    if handled is not None:
        return handled
    emit(result, args, args.paths[0] if len(args.paths) == 1 else "")
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

    table = by_code()
    rule = table.get(args.code) or table.get(args.code.upper())
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


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Runner]]:
    parser = argparse.ArgumentParser(
        prog="deploycheck",
        description="Find why a web-service deployment fails: reads Dockerfiles, compose files, "
        "Kubernetes manifests, nginx configuration and the app's Go or Python source together, "
        "and diagnoses containers, images, logs and live endpoints.")
    parser.add_argument("--version", action="version", version=f"deploycheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="check deployment files before deploying",
                           description="Check every deployment file under PATH (default: the "
                           "current folder). '-' reads compose or Kubernetes YAML from stdin.")
    check.add_argument("paths", nargs="*", metavar="PATH")
    add_report_options(check)
    fixing.add_fix_options(check)
    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    explain = sub.add_parser("explain", help="print a rule's page")
    explain.add_argument("code", metavar="CODE", help="rule code or name, e.g. DC101")
    runners: dict[str, Runner] = {"check": cmd_check, "rules": cmd_rules, "explain": cmd_explain}
    import deploycheck.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            module = importlib.import_module(f"deploycheck.cli.{info.name}")
            name = module.add_parser(sub)
            runners[name] = module.run
    return parser, runners


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words == ["--version"]:
        # Answered before any command module is imported: scripts call this to probe the tool.
        sys.stdout.write(f"deploycheck {__version__}\n")
        return 0
    parser, runners = build_parser()
    args = parser.parse_args(words)
    if args.command is None:
        parser.print_help()
        return 2
    debug = getattr(args, "debug", False) or bool(os.environ.get("DEPLOYCHECK_DEBUG"))
    if debug:
        os.environ["DEPLOYCHECK_DEBUG"] = "1"
    from deploycheck.engine.config import ConfigError
    from deploycheck.engine.runner import InternalError

    try:
        return runners[args.command](args)
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
