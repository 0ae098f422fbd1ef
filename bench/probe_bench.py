#!/usr/bin/env python3
"""`deploycheck probe` speed on loopback, beside testssl.sh on the same nginx endpoint.

    python bench/probe_bench.py [--endpoints 200] [--concurrency 50]   # prints the figures as JSON

`measure(tmpdir)` (for bench/run.py) makes a CA, an intermediate and a leaf, starts the Gin app
(gin-contrib/cors, explicit origins) and nginx on 127.0.0.1 in front of it, then times:

- one HTTPS endpoint fully probed — protocol versions, chain, trust, weak ciphers, CORS for two
  origins (plus deploycheck's own foreign and `null` origins), a health and a metrics path — as
  a CLI process (cold: interpreter start and imports included) and in process; target < 2 s;
- 200 HTTPS endpoints (200 nginx ports, each a full TLS scan and the HTTP checks) with
  `--concurrency 50`; target < 20 s;
- `testssl -p -S` (protocols, certificate) on the same endpoint, and whether its protocol
  verdicts agree with deploycheck's.

Traffic goes only to 127.0.0.1. Needs nginx, Go with Gin (Debian packages) and, for the
comparison, testssl.sh; what is missing is reported, not faked.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
for extra in (REPO / "src", REPO / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

TARGET_ONE_S = 2.0
TARGET_MANY_S = 20.0
ORIGINS = ("https://app.example.com", "https://admin.example.com")


def _cli(args: list[str], env: dict[str, str]) -> tuple[float, int, dict[str, Any]]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "deploycheck", "probe", *args, "--format", "json",
                           "--fail-on", "never"], env=env, capture_output=True, timeout=600)
    wall = time.perf_counter() - started
    report = json.loads(proc.stdout or b"{}") if proc.returncode == 0 else {"error": proc.stderr.decode()}
    return wall, proc.returncode, report


def measure(tmpdir: str | os.PathLike[str], endpoints: int = 200, concurrency: int = 50,
            with_testssl: bool = True) -> dict[str, Any]:
    from infra.goapps import build_go, go_problem
    from probe.apps import GIN_CORS
    from probe.servers import free_ports, make_pki, run_nginx, run_process

    folder = Path(tmpdir)
    folder.mkdir(parents=True, exist_ok=True)
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    problem = go_problem() or (None if nginx else "nginx is not installed (Debian package nginx-light)")
    if problem:
        return {"error": problem}
    pki = make_pki(folder / "pki")
    binary = build_go(GIN_CORS)
    app_port, one_port, *many = free_ports(endpoints + 2)
    tls = (f"ssl_certificate {pki.fullchain.cert}; ssl_certificate_key {pki.fullchain.key}; "
           "ssl_protocols TLSv1.2 TLSv1.3;")
    servers = f"""
    server {{
        listen 127.0.0.1:{one_port} ssl; server_name localhost; {tls}
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        location / {{ proxy_pass http://127.0.0.1:{app_port}; }}
    }}
    server {{
        {' '.join(f'listen 127.0.0.1:{p} ssl;' for p in many)} server_name localhost; {tls}
        location / {{ proxy_pass http://127.0.0.1:{app_port}; }}
    }}"""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH", "")]))
    one_url = f"https://localhost:{one_port}/api/orders"
    one_args = [one_url, *[a for o in ORIGINS for a in ("--origin", o)], "--method", "POST",
                "--header", "Content-Type: application/json", "--health", "/healthz",
                "--metrics", "/metrics", "--ca-file", str(pki.root)]
    out: dict[str, Any] = {"load_average": os.getloadavg()[0]}
    with run_process([str(binary)], app_port, {"MODE": "explicit", "ADDR": f"127.0.0.1:{app_port}"}), \
            run_nginx(folder / "nginx", servers, [one_port, *many], workers=2):
        _cli(one_args, env)  # warm-up: .pyc files, page cache
        cold = [_cli(one_args, env) for _ in range(3)]
        walls = sorted(w for w, _, _ in cold)
        out["one_endpoint"] = {
            "url": one_url, "cli_wall_s": walls[1], "cli_runs_s": walls,
            "in_process_s": _in_process(one_url, pki.root),
            "findings": [f["rule"] for f in cold[-1][2].get("findings", [])],
            "target_s": TARGET_ONE_S, "target_met": walls[1] < TARGET_ONE_S,
        }
        many_args = [f"https://localhost:{p}/api/orders" for p in many] + [
            "--origin", ORIGINS[0], "--health", "/healthz", "--concurrency", str(concurrency),
            "--ca-file", str(pki.root)]
        wall, rc, report = _cli(many_args, env)
        out["many_endpoints"] = {
            "endpoints": endpoints, "concurrency": concurrency, "cli_wall_s": wall, "rc": rc,
            "facts_seen": report.get("files_checked"), "findings": len(report.get("findings", [])),
            "target_s": TARGET_MANY_S, "target_met": wall < TARGET_MANY_S and rc == 0,
        }
        if with_testssl:
            out["testssl"] = _testssl(one_port, pki.root, folder)
    return out


def _in_process(url: str, root: Path) -> float:
    from deploycheck.gatherers.http_probe import ClientSettings, ProbeOptions, probe_targets
    from deploycheck.model.probe import Origin, PathRef, Target

    target = Target(url, tuple(Origin(o) for o in ORIGINS), (PathRef("/healthz"),), (PathRef("/metrics"),))
    options = ProbeOptions(method="POST", headers=(("Content-Type", "application/json"),),
                           client=ClientSettings(ca_file=str(root)))
    probe_targets([target], options)  # warm-up
    started = time.perf_counter()
    probe_targets([target], options)
    return time.perf_counter() - started


def _testssl(port: int, root: Path, folder: Path) -> dict[str, Any]:
    binary = shutil.which("testssl") or shutil.which("testssl.sh")
    if binary is None:
        return {"error": "testssl.sh is not installed (Debian package testssl.sh)"}
    from deploycheck.gatherers.tls_probe import TlsSettings, probe_tls

    out_file = folder / "testssl.json"
    out_file.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run([binary, "--quiet", "--color", "0", "--warnings", "off", "--nodns", "none", "--ip",
                    "127.0.0.1", "--add-ca", str(root), "-p", "-S", "--jsonfile", str(out_file),
                    f"localhost:{port}"], capture_output=True, timeout=600, check=False)
    wall = time.perf_counter() - started
    items = {i["id"]: i for i in json.loads(out_file.read_text())} if out_file.exists() else {}
    ids = {"TLS1": "TLSv1", "TLS1_1": "TLSv1.1", "TLS1_2": "TLSv1.2", "TLS1_3": "TLSv1.3"}
    theirs = tuple(v for k, v in ids.items() if items.get(k, {}).get("finding", "").startswith("offered"))
    started = time.perf_counter()
    mine = probe_tls(f"https://localhost:{port}/", TlsSettings(ca_file=str(root)))
    ours_wall = time.perf_counter() - started
    chain = items.get("cert_chain_of_trust", {})
    return {"wall_s": wall, "deploycheck_tls_scan_s": ours_wall, "protocols_testssl": theirs,
            "protocols_deploycheck": mine.accepted_versions(),
            "protocols_agree": theirs == mine.accepted_versions(),
            "chain_of_trust_testssl": chain.get("finding"), "trust_deploycheck": mine.trust.kind.value,
            "certificate_agrees": (chain.get("severity") == "OK") == (mine.trust.kind.value == "ok")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoints", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--no-testssl", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="probe-bench-") as tmp:
        result = measure(tmp, args.endpoints, args.concurrency, not args.no_testssl)
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
