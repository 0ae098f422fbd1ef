"""`deploycheck init [PATH]`: write a Dockerfile, .dockerignore, compose.yaml (and with flags
Kubernetes manifests, an nginx proxy, CI) that fit the app, then check the result."""

from __future__ import annotations

import argparse
import os
import sys

from deploycheck.cli import common


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> str:
    p = subparsers.add_parser(
        "init", help="write deployment files that fit the app",
        description="Detect the app under PATH (Go: Gin or net/http; Python: FastAPI, Flask, "
        "Django) from its code and write a Dockerfile, .dockerignore and compose.yaml for it, "
        "asking before each file. Existing files are never replaced without --force, and then "
        "a backup (<file>.bak) is kept. The result is checked like `deploycheck check`.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH",
                   help="the project folder (default: the current folder)")
    p.add_argument("--app", metavar="DIR", help="the app's folder, when PATH holds several")
    p.add_argument("-y", "--yes", action="store_true", help="write every file without asking")
    p.add_argument("--dry-run", action="store_true", help="print the files instead of writing them")
    p.add_argument("--force", action="store_true",
                   help="replace existing files (each is first copied to <file>.bak)")
    p.add_argument("--k8s", action="store_true",
                   help="also write Kubernetes manifests (Deployment, Service, Secret)")
    p.add_argument("--ingress", action="store_true", help="with --k8s: also an Ingress with TLS")
    p.add_argument("--nginx", action="store_true", help="also write an nginx TLS reverse proxy")
    p.add_argument("--ci", choices=("github", "gitlab", "none"), default="github",
                   help="CI workflow to write (default: github)")
    p.add_argument("--domain", metavar="NAME", help="the public host name (else a marked placeholder)")
    p.add_argument("--registry", metavar="HOST/PATH",
                   help="where images are pushed, for the manifests (else a marked placeholder)")
    p.add_argument("--no-cache-mounts", action="store_true",
                   help="no RUN --mount caches, for the legacy (non-BuildKit) builder")
    common.add_report_options(p)
    return "init"


def run(args: argparse.Namespace) -> int:
    from deploycheck.engine.runner import check, load_root
    from deploycheck.scaffold.detect import DetectError, detect
    from deploycheck.scaffold.generate import Options, generate
    from deploycheck.scaffold.writer import Writer

    root = args.path
    if not os.path.isdir(root):
        raise common.UsageError(f"{root}: not a folder")
    cfg = common.config_from_args(args, root)
    try:
        facts = detect(root, cfg, args.app, load_root(root, cfg).project)
    except DetectError as exc:
        raise common.UsageError(str(exc)) from None
    if args.ingress and not args.k8s:
        raise common.UsageError("--ingress goes with --k8s")
    options = Options(k8s=args.k8s, nginx=args.nginx, ingress=args.ingress, ci=args.ci,
                      domain=args.domain or "", registry=(args.registry or "").rstrip("/"),
                      cache_mounts=not args.no_cache_mounts)
    files = generate(facts, options)
    info = sys.stderr
    if not args.quiet:
        info.write(_describe(facts) + "\n")
    interactive = sys.stdin.isatty() and not args.yes and not args.dry_run
    writer = Writer(root, sys.stdout, yes=args.yes, force=args.force, dry_run=args.dry_run,
                    ask=_ask if interactive else None)
    if not (args.yes or args.dry_run or interactive):
        raise common.UsageError("init asks before writing each file, and nobody is at the "
                                "terminal: pass --yes to write them, or --dry-run to print them")
    outcomes = writer.write_all(files)
    if args.dry_run:
        return 0
    if not args.quiet:
        for o in outcomes:
            note = {"written": "written", "replaced": f"replaced (backup: {o.backup})",
                    "unchanged": "unchanged", "skipped": "skipped",
                    "exists": "exists: left alone (--force replaces it, keeping a backup)"}[o.action]
            info.write(f"  {o.path}: {note}\n")
        if facts.listen_problem:
            info.write(f"note: {facts.listen_problem}\n")
    result = check([root], cfg)
    common.emit(result, args, root)
    return common.exit_code(result, cfg.fail_on)


def _ask(question: str) -> str:
    sys.stderr.write(question)
    sys.stderr.flush()
    line = sys.stdin.readline()
    return line if line else "q"


def _describe(facts: object) -> str:
    from deploycheck.scaffold.detect import AppFacts

    assert isinstance(facts, AppFacts)
    where = facts.app_dir or "."
    if facts.is_go:
        what = (f"Go {facts.go_version} {facts.framework} app in {where} "
                f"(package {facts.go_package}{', vendored' if facts.vendored else ''}"
                f"{', cgo' if facts.cgo else ''})")
    else:
        what = (f"Python {facts.python_version} {facts.framework} app in {where} "
                f"({facts.target}, served by {facts.server})")
    port = f"port {facts.port}" + (f" from ${facts.port_env}" if facts.port_env else "") + (
        f" from ${facts.addr_env}" if facts.addr_env else "")
    extra = [f"health {facts.health_path}" if facts.health_path else "no health route (TCP probe)"]
    if facts.services:
        extra.append("talks to " + ", ".join(s.kind for s in facts.services))
    if facts.required_env:
        extra.append("requires " + ", ".join(e.name for e in facts.required_env))
    return f"deploycheck init: {what}; {port}; " + "; ".join(extra)
