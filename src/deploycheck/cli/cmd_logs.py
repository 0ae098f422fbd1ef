"""`deploycheck logs [FILE|-] ...`: known failure signatures in any log text.

Reads files (plain or gzip-compressed) or standard input as a stream, in blocks, so a log of
any size runs in bounded memory; every selected LG rule's signature is compiled into one
scanner (see `model/logs.py`), and each finding points at the line of the log where the
message first appears, with the count and the last occurrence.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from typing import IO

from deploycheck.cli import common

BLOCK = 8 << 20


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> str:
    p = subparsers.add_parser(
        "logs",
        help="diagnose failures in log text (docker, kubectl, CI output)",
        description="Scan log text for known failure messages (Go/Gin, Python servers, nginx, "
        "databases, the container runtime, the kernel, Kubernetes events, builds) and report "
        "each cause with its fix. FILE may be gzip-compressed; '-' (or nothing, when input is "
        "piped) reads standard input: `docker logs api 2>&1 | deploycheck logs`.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="log files; '-' for standard input")
    common.add_report_options(p)
    return "logs"


def _blocks(
    read: Callable[[int], bytes], size: int, progress: common.Progress | None, total: int
) -> Iterator[bytes]:
    done = 0
    while True:
        block = read(BLOCK)
        if not block:
            return
        done += len(block)
        if progress is not None:
            progress(f"scan {size}", done >> 20, total >> 20)
        yield block


def _open(path: str) -> IO[bytes]:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        import gzip

        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def run(args: argparse.Namespace) -> int:
    import time

    from deploycheck.engine import selection
    from deploycheck.engine.live import run_on_facts
    from deploycheck.model.logs import LogScan, LogScanner, LogSource, Signature

    started = time.perf_counter()
    paths = list(args.files)
    if not paths:
        if sys.stdin is None or sys.stdin.isatty():
            raise common.UsageError("no log given: name a FILE, or pipe log text into 'deploycheck logs -'")
        paths = ["-"]
    if paths.count("-") > 1:
        raise common.UsageError("'-' (standard input) can be given once")
    for path in paths:
        if path != "-" and not os.path.exists(path):
            raise common.UsageError(f"{path}: no such file")
        if path != "-" and os.path.isdir(path):
            raise common.UsageError(f"{path}: is a directory (name the log files)")
    cfg = common.config_from_args(args, ".")
    signatures: list[Signature] = [
        sig
        for rule in selection.select(cfg)
        if isinstance(sig := getattr(rule, "signature", None), Signature)
    ]
    scanner = LogScanner(signatures)
    progress = common.Progress() if common.wants_progress(args) else None
    facts: list[object] = []
    try:
        for path in paths:
            if path == "-":
                facts.append(
                    scanner.scan_chunks(LogSource(path="<stdin>"), _blocks(sys.stdin.buffer.read, 0, None, 0))
                )
                continue
            try:
                with _open(path) as fh:
                    total = os.path.getsize(path)
                    facts.append(
                        scanner.scan_chunks(LogSource(path=path), _blocks(fh.read, 0, progress, total))
                    )
            except OSError as exc:
                raise common.UsageError(f"{path}: {exc.strerror or exc}") from None
    finally:
        if progress is not None:
            progress.clear()
    root = paths[0] if len(paths) == 1 else ""
    label = "<stdin>" if root == "-" else root
    lines = sum(f.lines for f in facts if isinstance(f, LogScan))
    result = run_on_facts(
        "logs",
        label,
        facts,
        cfg,
        files=[p for p in paths if p != "-"],
        started=started,
        checked=lines,
        unit="log line",
    )
    common.emit(result, args, "")
    return common.exit_code(result, cfg.fail_on)
