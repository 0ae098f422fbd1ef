"""`deploycheck probe URL ...`: check live endpoints as a browser and a TLS scanner would."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from urllib.parse import urlsplit

from deploycheck.cli import common


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> str:
    p = subparsers.add_parser(
        "probe", help="check live endpoints: reachability, CORS, TLS, HSTS, redirects, health, metrics",
        description="Probe each URL as a browser and a TLS scanner would: the connection, CORS "
        "preflights and requests per origin, TLS versions, certificate and weak ciphers, HSTS and "
        "redirects, health and metrics paths. Traffic goes only to the URLs given (or named by "
        "--project); redirects are followed on the same host only; every request is bounded.")
    p.add_argument("urls", nargs="*", metavar="URL", help="http:// or https:// URL to probe")
    p.add_argument("--origin", action="append", default=[], metavar="ORIGIN",
                   help="an origin the frontend uses (repeatable), e.g. https://app.example.com")
    p.add_argument("--method", default="GET", metavar="METHOD",
                   help="the method the frontend uses for CORS requests (default GET)")
    p.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'",
                   help="a header the frontend sends (repeatable), e.g. 'Content-Type: application/json'")
    p.add_argument("--credentials", action="store_true",
                   help="the frontend sends cookies or HTTP auth (credentials mode 'include')")
    p.add_argument("--health", action="append", default=[], metavar="PATH", help="health path to check")
    p.add_argument("--metrics", action="append", default=[], metavar="PATH",
                   help="Prometheus metrics path to check (e.g. /metrics)")
    p.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS",
                   help="limit for each request: connect, TLS and reply (default 5)")
    p.add_argument("--insecure", action="store_true",
                   help="report certificate problems but run the HTTP checks anyway")
    p.add_argument("--ca-file", metavar="PEM", help="extra trusted root certificates (like curl --cacert)")
    p.add_argument("--concurrency", type=int, metavar="N", help="URLs probed at once (default 8)")
    p.add_argument("--warn-days", type=int, metavar="N",
                   help="warn when a certificate expires within N days (default 30)")
    p.add_argument("--project", metavar="PATH",
                   help="take URLs (published compose ports, probed on loopback), origins and health "
                   "paths from the deployment files under PATH")
    p.add_argument("--no-tls-scan", action="store_true",
                   help="skip protocol-version, chain and cipher checks (HTTP checks only)")
    p.add_argument("--save-facts", metavar="FILE",
                   help="also write what was seen as JSON (loadable as *.probe.json recordings)")
    p.add_argument("--timings", action="store_true", help="print every request with its status and time")
    common.add_report_options(p)
    return "probe"


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    name = name.strip()
    if not sep or not name or any(c in name for c in " \t()<>@,;\"/[]?={}"):
        raise common.UsageError(f"--header {text!r}: expected 'Name: value'")
    return name, value.strip()


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        raise common.UsageError(f"{url!r}: the port is not a number from 1 to 65535") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise common.UsageError(f"{url!r}: expected an http:// or https:// URL with a host")
    return url if parts.path else url + "/"


def _path(text: str, flag: str) -> str:
    if not text.startswith("/"):
        raise common.UsageError(f"{flag} {text!r}: expected a path starting with '/'")
    return text


def run(args: argparse.Namespace) -> int:
    from deploycheck.engine.live import run_on_facts
    from deploycheck.gatherers.http_probe import ClientSettings, ProbeOptions, probe_targets
    from deploycheck.model.probe import (
        Origin,
        PathRef,
        Target,
        merge_targets,
        normalize_origin,
        project_origins_and_paths,
        targets_from_project,
    )

    started = time.perf_counter()
    if args.timeout <= 0 or args.timeout > 300:
        raise common.UsageError("--timeout: expected seconds between 0 and 300")
    if args.concurrency is not None and not 1 <= args.concurrency <= 256:
        raise common.UsageError("--concurrency: expected 1 to 256")
    if args.warn_days is not None and args.warn_days < 0:
        raise common.UsageError("--warn-days: expected 0 or more")
    method = args.method.strip().upper()
    if not method.isalpha():
        raise common.UsageError(f"--method {args.method!r}: expected a method name such as POST")
    headers = tuple(_header(h) for h in args.header)
    urls = [_check_url(u) for u in args.urls]
    origins = tuple(Origin(normalize_origin(o)) for o in args.origin)
    for origin in origins:
        if origin.value != "null" and not urlsplit(origin.value).netloc:
            raise common.UsageError(f"--origin {origin.value!r}: expected scheme://host[:port]")
    health = tuple(PathRef(_path(p, "--health")) for p in args.health)
    metrics = tuple(PathRef(_path(p, "--metrics")) for p in args.metrics)

    cfg = common.config_from_args(args, args.project or ".")
    if args.warn_days is not None:
        cfg = replace(cfg, rule_options=(*cfg.rule_options, ("PR011", (("warn-days", args.warn_days),))))
    targets = [Target(u, origins, health, metrics) for u in urls]
    if args.project:
        from deploycheck.engine.runner import load_root

        items = load_root(args.project, replace(cfg, jobs=1)).project.items
        found = targets_from_project(items)
        all_origins, all_health, all_metrics = project_origins_and_paths(items)
        targets = [Target(t.url, t.origins + all_origins, t.health or all_health, t.metrics or all_metrics)
                   for t in targets]
        targets += [Target(t.url, origins + t.origins, health or t.health, metrics or t.metrics, t.source)
                    for t in found]
        if not targets:
            raise common.UsageError(f"{args.project}: the deployment files publish no web port on this "
                                    "machine; give URLs to probe")
    if not targets:
        raise common.UsageError("give at least one URL to probe (or --project PATH)")
    merged = merge_targets(targets)

    settings = ClientSettings(timeout=args.timeout, insecure=args.insecure, ca_file=args.ca_file or "")
    options = ProbeOptions(method=method, headers=headers, credentials=args.credentials,
                           concurrency=args.concurrency or args.jobs or 8, client=settings,
                           tls=not args.no_tls_scan)
    progress = common.Progress() if common.wants_progress(args) else None
    try:
        facts = probe_targets(merged, options, progress)
    finally:
        if progress:
            progress.clear()
    if args.save_facts:
        _save(args.save_facts, facts)
    if args.timings:
        _timings(facts)
    root = args.project or ", ".join(t.url for t in merged)
    result = run_on_facts("probe", root, facts, cfg, started=started, checked=len(merged), unit="URL")
    common.emit(result, args, args.project or "")
    return common.exit_code(result, cfg.fail_on)


def _save(path: str, facts: list[object]) -> None:
    import json

    from deploycheck.model.probe import fact_to_dict

    with open(path, "w", encoding="utf-8") as fh:
        json.dump([fact_to_dict(f) for f in facts], fh, indent=1)
        fh.write("\n")


def _timings(facts: list[object]) -> None:
    from deploycheck.model.probe import CorsProbe, EndpointProbe, Exchange, HealthProbe, MetricsProbe

    rows: list[Exchange] = []
    for fact in facts:
        if isinstance(fact, EndpointProbe):
            rows.extend(fact.hops)
        elif isinstance(fact, CorsProbe):
            rows.extend(e for e in (fact.preflight, fact.actual) if e is not None)
        elif isinstance(fact, HealthProbe | MetricsProbe):
            rows.append(fact.exchange)
    for ex in rows:
        status = str(ex.status) if ex.status is not None else (ex.failure.kind.value if ex.failure else "?")
        origin = ex.request_value("origin")
        extra = f"  (Origin: {origin})" if origin else ""
        sys.stderr.write(f"{ex.elapsed_ms:8.1f} ms  {status:<14} {ex.method:<7} {ex.url}{extra}\n")
