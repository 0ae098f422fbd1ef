"""`deploycheck containers [NAME|ID ...]`: diagnose containers of a real Docker engine.

Gathers each container's record, log tail, memory, sockets and published-port connections
(gatherers/docker_engine/, gatherers/netns.py), runs the CT rules on them and the LG log
signatures on their logs, and with `--project PATH` joins them with the deployment files read
as `deploycheck check` reads them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

from deploycheck.cli import common


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> str:
    p = subparsers.add_parser(
        "containers",
        help="diagnose running and failed containers on a Docker engine",
        description="Diagnose containers the way an SRE would: exit code and OOM flag, restart "
        "loop, health probes, the sockets the process really listens on against the published "
        "ports (read from the host, nothing needed in the image), a real connection to each "
        "published port, memory and CPU limits, the environment, and known failure messages in "
        "the logs. Without NAME: every container that is not running healthy. The engine is "
        "found as the docker CLI finds it (DOCKER_HOST, docker context, /var/run/docker.sock).",
    )
    p.add_argument("names", nargs="*", metavar="NAME|ID", help="containers to diagnose")
    p.add_argument(
        "--all",
        "-a",
        action="store_true",
        dest="include_all",
        help="also diagnose running containers whose healthcheck passes",
    )
    p.add_argument("--compose-project", metavar="NAME", help="the containers of this compose project")
    p.add_argument(
        "--project",
        metavar="PATH",
        help="the deployment files (compose, Dockerfiles, source) "
        "of these containers: their compose project's containers by default, and checks that "
        "join files and containers (required env, ports, cgo binaries)",
    )
    p.add_argument(
        "--tail", type=int, default=500, metavar="N", help="log lines read per container (default 500)"
    )
    p.add_argument(
        "--save-facts",
        metavar="DIR",
        help="also write what was gathered, one NAME.container.json "
        "per container (secrets in the environment redacted), e.g. to attach to a bug report",
    )
    common.add_report_options(p)
    return "containers"


def _compose_name(directory: str) -> str:
    """The default compose project name of a folder: lower case, [a-z0-9_-] only."""
    return re.sub(r"[^a-z0-9_-]", "", os.path.basename(os.path.abspath(directory)).lower())


def run(args: argparse.Namespace) -> int:
    import time

    from deploycheck.engine.live import run_on_facts
    from deploycheck.engine.selection import select
    from deploycheck.gatherers import docker_engine as de
    from deploycheck.model.containers import join
    from deploycheck.model.logs import LogScanner, Signature

    started = time.perf_counter()
    if args.tail is not None and args.tail < 0:
        raise common.UsageError("--tail must be 0 or more")
    if args.project and not os.path.isdir(args.project):
        raise common.UsageError(f"--project {args.project}: not a folder")
    cfg = common.config_from_args(args, args.project or ".")
    rules = select(cfg)
    deployments: list[object] = []
    working_dirs: tuple[str, ...] = ()
    project_names: tuple[str, ...] = ()
    if args.project:
        from deploycheck.engine.runner import load_root
        from deploycheck.model.links import Deployment

        checked = load_root(args.project, cfg)
        deployments = list(checked.project.of(Deployment))
        dirs = sorted({d.compose.directory for d in checked.project.of(Deployment) if d.compose is not None})
        working_dirs = tuple(os.path.abspath(os.path.join(args.project, d)) for d in dirs)
        project_names = tuple(_compose_name(w) for w in working_dirs)
    try:
        endpoint = de.find_endpoint(os.environ)
        client = de.EngineClient(endpoint)
        selection = de.Selection(
            tuple(args.names),
            bool(args.include_all),
            args.compose_project or "",
            working_dirs if not args.compose_project else (),
            project_names,
            tail=args.tail,
        )
        progress = common.Progress() if common.wants_progress(args) else None
        try:
            gathered = de.gather(client, selection, jobs=max(4, (args.jobs or 8) * 4), progress=progress)
        finally:
            if progress is not None:
                progress.clear()
    except de.EngineError as exc:
        raise common.UsageError(str(exc)) from None
    if args.save_facts:
        os.makedirs(args.save_facts, exist_ok=True)
        for name, record in de.iter_records(gathered):
            with open(os.path.join(args.save_facts, name), "w", encoding="utf-8") as fh:
                json.dump(record, fh, indent=1)
                fh.write("\n")
    facts: list[object] = list(gathered.containers)
    signatures = [sig for r in rules if isinstance(sig := getattr(r, "signature", None), Signature)]
    if signatures:
        scanner = LogScanner(signatures)
        facts.extend(de.scan_logs(c, scanner) for c in gathered.containers)
    if deployments:
        from deploycheck.model.links import Deployment

        facts.extend(
            join(gathered.containers, [d for d in deployments if isinstance(d, Deployment)], args.project)
        )
    if not args.quiet:
        for note in gathered.notes:
            sys.stderr.write(f"deploycheck: note: {note}\n")
        if not gathered.containers:
            which = (
                "named"
                if args.names
                else "matching"
                if (args.compose_project or args.project)
                else "unhealthy or stopped"
            )
            hint = "" if args.include_all or args.names else "; --all includes healthy ones"
            where = f"{endpoint.label()} ({endpoint.source})"
            sys.stderr.write(f"deploycheck: no {which} container on {where}{hint}\n")
    label = args.compose_project or args.project or ",".join(args.names) or endpoint.label()
    result = run_on_facts(
        "containers", label, facts, cfg, started=started, checked=len(gathered.containers), unit="container"
    )
    common.emit(result, args, "")
    return common.exit_code(result, cfg.fail_on)
