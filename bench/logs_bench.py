#!/usr/bin/env python3
"""`deploycheck logs` throughput against `grep -E -c` on the same ~100 MB log.

    python bench/logs_bench.py [--mb 100] [--repeat 3]     # prints the figures as JSON

`measure(tmpdir)` (for bench/run.py) writes a realistic log — Gin request lines, JSON
structured logs, nginx access and error lines, gunicorn/uvicorn lines, Python tracebacks and
Go panics, with a few hundred real failure messages spread through it — then times
`deploycheck logs FILE` and `grep -E -c` with the same patterns (the literal keywords the
scanner searches, as one extended regex per signature keyword) on that file. The target is
≥ 50 MB/s for deploycheck. Both wall and CPU time (getrusage of the child) are reported, since
other work on the machine skews wall time.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TARGET_MB_S = 50.0

_NORMAL = (
    "[GIN] 2024/03/02 - 10:{m:02d}:{s:02d} | 200 |   {us}.{d}µs |      172.18.0.{ip} | "
    'GET      "/api/v1/items/{n}"',
    '{{"level":"info","ts":"2024-03-02T10:{m:02d}:{s:02d}.{us}Z","caller":"server/handler.go:{d}",'
    '"msg":"request served","method":"GET","path":"/api/v1/orders/{n}","status":200,"bytes":{us}}}',
    '172.18.0.{ip} - - [02/Mar/2024:10:{m:02d}:{s:02d} +0000] "GET /static/app.{n}.js HTTP/1.1" 200 {us} '
    '"https://shop.example.com/" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"',
    "[2024-03-02 10:{m:02d}:{s:02d} +0000] [{d}] [INFO] POST /checkout 201 in {us}ms",
    'INFO:     172.18.0.{ip}:{n} - "GET /items/{n} HTTP/1.1" 200 OK',
    'time="2024-03-02T10:{m:02d}:{s:02d}Z" level=debug msg="cache hit" key=user:{n} ttl={d}s',
    "2024-03-02 10:{m:02d}:{s:02d}.{us} UTC [{d}] LOG:  duration: {d}.{us} ms  "
    "statement: SELECT * FROM items WHERE id = {n}",
    "2024/03/02 10:{m:02d}:{s:02d} [info] {d}#{d}: *{n} client closed keepalive connection",
)
_FAILURES = (
    "2024/03/02 10:15:01 dial tcp 127.0.0.1:5432: connect: connection refused",
    "2024/03/02 10:15:01 [error] 29#29: *7 connect() failed (111: Connection refused) while connecting to "
    'upstream, client: 172.18.0.1, server: _, request: "GET /api/ HTTP/1.1", '
    'upstream: "http://172.18.0.3:8000/api/"',
    "[2024-03-02 10:15:31 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:13)",
    "2024/03/02 10:15:01 loading time zone: unknown time zone Europe/Paris",
    'Post "https://api.stripe.com/v1/charges": tls: failed to verify certificate: '
    "x509: certificate signed by unknown authority",
    "exec /app: exec format error",
    '172.18.0.9 - - [02/Mar/2024:10:16:01 +0000] "GET /api/items HTTP/1.1" 502 157 "-" "Mozilla/5.0"',
    "ModuleNotFoundError: No module named 'flask'",
)


def write_log(path: Path, megabytes: int, seed: int = 1) -> tuple[int, int]:
    """Write about `megabytes` MB of log; returns (bytes, failure lines planted)."""
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    # A pool of formatted lines reused with cheap variations keeps generation fast.
    pool = []
    for _ in range(20_000):
        template = rng.choice(_NORMAL)
        pool.append(
            template.format(
                m=rng.randrange(60),
                s=rng.randrange(60),
                us=rng.randrange(10_000),
                d=rng.randrange(1, 999),
                ip=rng.randrange(2, 250),
                n=rng.randrange(100_000),
            )
        )
    written = planted = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < target:
            block = rng.choices(pool, k=5000)
            if rng.random() < 0.5:
                block[rng.randrange(len(block))] = rng.choice(_FAILURES)
                planted += 1
            text = "\n".join(block) + "\n"
            fh.write(text)
            written += len(text.encode("utf-8"))
    return path.stat().st_size, planted


def _ere(keyword: str) -> str:
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", keyword)


def grep_patterns() -> list[str]:
    sys.path.insert(0, str(REPO / "src"))
    from deploycheck.rules.logs import all_signatures

    return sorted({_ere(k) for sig in all_signatures() for k in sig.keywords if "\r" not in k})


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, bytes]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, timeout=600)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode, proc.stdout


def measure(tmpdir: str | os.PathLike[str], megabytes: int = 100, repeat: int = 3) -> dict[str, Any]:
    """Generate the log in `tmpdir`, time both tools, and return the figures."""
    folder = Path(tmpdir)
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "bench.log"
    size, planted = write_log(log, megabytes)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH", "")]))
    ours_cmd = [
        sys.executable,
        "-m",
        "deploycheck",
        "logs",
        str(log),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]
    patterns = folder / "patterns.txt"
    patterns.write_text("\n".join(grep_patterns()) + "\n", encoding="utf-8")
    grep = shutil.which("grep")
    grep_cmd = [grep or "grep", "-E", "-c", "-f", str(patterns), str(log)]
    _timed(ours_cmd, env)  # warm-up: page cache, .pyc files
    ours = [_timed(ours_cmd, env) for _ in range(repeat)]
    findings = len(json.loads(ours[-1][3] or b"{}").get("findings", [])) if ours[-1][2] == 0 else None
    theirs = [_timed(grep_cmd, env) for _ in range(repeat)] if grep else []
    mb = size / 1e6
    wall = statistics.median(r[0] for r in ours)
    cpu = statistics.median(r[1] for r in ours)
    out: dict[str, Any] = {
        "bytes": size,
        "planted_failures": planted,
        "patterns": len(grep_patterns()),
        "deploycheck": {
            "command": ours_cmd,
            "wall_s": wall,
            "cpu_s": cpu,
            "mb_per_s": mb / wall,
            "mb_per_cpu_s": mb / cpu if cpu else None,
            "rc": ours[-1][2],
            "findings": findings,
        },
        "target_mb_per_s": TARGET_MB_S,
        "target_met": mb / wall >= TARGET_MB_S,
        "load_average": os.getloadavg()[0],
    }
    if theirs:
        g_wall = statistics.median(r[0] for r in theirs)
        g_cpu = statistics.median(r[1] for r in theirs)
        out["grep"] = {
            "command": grep_cmd,
            "wall_s": g_wall,
            "cpu_s": g_cpu,
            "mb_per_s": mb / g_wall,
            "matching_lines": int(theirs[-1][3].strip() or 0),
        }
        out["grep_over_deploycheck"] = wall / g_wall if g_wall else None
    return out


def main(argv: list[str]) -> int:
    import argparse
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dc-logs-bench-") as tmp:
        result = measure(tmp, args.mb, args.repeat)
    print(json.dumps(result, indent=2))
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
