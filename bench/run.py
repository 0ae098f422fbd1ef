#!/usr/bin/env python3
"""Benchmark deploycheck against its speed targets and against hadolint and checkov.

    python bench/run.py                 # 1,000 generated services, everything measured
    python bench/run.py --quick         # 100 services, for a fast sanity run
    python bench/run.py --json out.json # also save every raw number
    python bench/run.py --only version,monorepo --no-peers

Progress goes to stderr; the report (machine facts and Markdown tables ready for the README) goes
to stdout. Everything is written inside one temporary directory that is removed at the end, except
the peers' virtualenv (bench/.venv-peers, made on first use) and the --json file.

Each measurement is one function taking a `Context` and returning its `Measurement`s and
`Comparison`s; `MEASUREMENTS` lists them in order. A later command (`deploycheck logs` against
`grep -E -c`, image analysis against `tar -tvf`, probes against testssl.sh) adds one function and
one entry there; `time_command` does the timing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENV = BENCH / ".venv-peers"
REQUIREMENTS = BENCH / "requirements-peers.txt"
EXAMPLE = REPO / "examples" / "broken-shop"

sys.path.insert(0, str(BENCH))
import generate  # noqa: E402  (bench/generate.py, standard library only)


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Records


@dataclass
class Run:
    wall: float  # seconds, time.perf_counter around the whole command (or batch)
    user: float  # CPU seconds of the child processes (getrusage RUSAGE_CHILDREN delta)
    sys: float
    rc: int  # exit code; -1 timeout; for a batch the worst one
    other_cpu: float | None = None  # CPU seconds the rest of the machine used meanwhile (/proc/stat)

    @property
    def cpu(self) -> float:
        return self.user + self.sys


@dataclass
class Measurement:
    key: str
    label: str
    tool: str
    commands: list[list[str]]
    runs: list[Run] = field(default_factory=list)
    warmups: int = 0
    files: int | None = None
    findings: int | None = None
    ok: bool = True
    note: str = ""
    target_s: float | None = None  # wall-time target, if the issue sets one
    error: str = ""  # what went wrong (command, exit code, stderr tail)
    load_before: float | None = None  # 1-minute load average when it started: other work skews times

    @property
    def wall(self) -> float | None:
        return statistics.median(r.wall for r in self.runs) if self.runs and self.ok else None

    @property
    def wall_min(self) -> float | None:
        return min(r.wall for r in self.runs) if self.runs and self.ok else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(r.cpu for r in self.runs) if self.runs and self.ok else None

    @property
    def others(self) -> float | None:
        """Cores the rest of the machine kept busy on average during the runs (noise)."""
        vals = [r.other_cpu / r.wall for r in self.runs if r.other_cpu is not None and r.wall > 0]
        return statistics.median(vals) if vals else None

    @property
    def parallelism(self) -> float | None:
        """CPU time over wall time: ~1.0 means one core was busy, ~2.0 both."""
        if self.wall is None or self.cpu is None or self.wall <= 0:
            return None
        return self.cpu / self.wall

    @property
    def met(self) -> bool | None:
        if self.target_s is None or self.wall is None:
            return None
        return self.wall < self.target_s

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        # Keep the file lists short: the tree is reproducible from the seed.
        d["commands"] = [
            c if len(c) <= 20 else [*c[:8], f"... ({len(c) - 8} more arguments)"] for c in self.commands
        ]
        d.update(
            wall_median=self.wall,
            wall_min=self.wall_min,
            cpu_median=self.cpu,
            parallelism=self.parallelism,
            target_met=self.met,
        )
        return d


@dataclass
class Comparison:
    label: str
    ours: Measurement
    peer: Measurement
    target_ratio: float | None  # deploycheck must be this many times faster (peer wall / ours)

    @property
    def ratio(self) -> float | None:
        if self.ours.wall is None or self.peer.wall is None or self.ours.wall <= 0:
            return None
        return self.peer.wall / self.ours.wall

    @property
    def cpu_ratio(self) -> float | None:
        """The same on CPU time, which other work on the machine disturbs less than wall time."""
        if self.ours.cpu is None or self.peer.cpu is None or self.ours.cpu <= 0:
            return None
        return self.peer.cpu / self.ours.cpu

    @property
    def met(self) -> bool | None:
        if self.target_ratio is None or self.ratio is None:
            return None
        return self.ratio >= self.target_ratio

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "ours": self.ours.key,
            "peer": self.peer.key,
            "ratio": self.ratio,
            "cpu_ratio": self.cpu_ratio,
            "target_ratio": self.target_ratio,
            "met": self.met,
        }


# ---------------------------------------------------------------------------------------------
# Timing


def _tail(data: bytes, limit: int = 4000) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text if len(text) <= limit else "...\n" + text[-limit:]


def _machine_busy() -> float | None:
    """CPU seconds all processes of the machine have used since boot (non-idle time, /proc/stat)."""
    try:
        with open("/proc/stat") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
    busy = sum(fields[:8]) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


def time_command(
    commands: Sequence[Sequence[str]],
    *,
    cwd: Path,
    env: dict[str, str],
    out_dir: Path,
    timeout: float,
    parallel: bool = False,
) -> tuple[Run, list[Path], list[bytes]]:
    """Run commands (one after another, or all at once with parallel=True) and time the batch.

    Returns the timing, the stdout files (kept in out_dir, one per command) and each stderr.
    stdout goes to a file, not a pipe, so a large report costs the tool no back-pressure.
    CPU time is the getrusage(RUSAGE_CHILDREN) delta: it counts every process the commands started
    and waited for (checkov's worker processes too).
    """
    outs = [out_dir / f"stdout-{i}.txt" for i in range(len(commands))]
    errs = [out_dir / f"stderr-{i}.txt" for i in range(len(commands))]
    busy0 = _machine_busy()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    rcs: list[int] = []
    if parallel:
        procs = []
        for cmd, o, e in zip(commands, outs, errs, strict=True):
            with o.open("wb") as fo, e.open("wb") as fe:
                procs.append(
                    subprocess.Popen(
                        list(cmd), cwd=cwd, env=env, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL
                    )
                )
        deadline = t0 + timeout
        for p in procs:
            try:
                rcs.append(p.wait(timeout=max(0.0, deadline - time.perf_counter())))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                rcs.append(-1)
    else:
        for cmd, o, e in zip(commands, outs, errs, strict=True):
            with o.open("wb") as fo, e.open("wb") as fe:
                try:
                    rcs.append(
                        subprocess.run(
                            list(cmd),
                            cwd=cwd,
                            env=env,
                            stdout=fo,
                            stderr=fe,
                            stdin=subprocess.DEVNULL,
                            timeout=timeout,
                        ).returncode
                    )
                except subprocess.TimeoutExpired:
                    rcs.append(-1)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy1 = _machine_busy()
    rc = -1 if -1 in rcs else max(rcs, key=abs)
    run = Run(wall=wall, user=after.ru_utime - before.ru_utime, sys=after.ru_stime - before.ru_stime, rc=rc)
    if busy0 is not None and busy1 is not None:
        run.other_cpu = max(0.0, busy1 - busy0 - run.cpu)
    return run, outs, [e.read_bytes() for e in errs]


def measure(
    m: Measurement,
    ctx: Context,
    *,
    env: dict[str, str],
    cwd: Path,
    repeat: int,
    warmup: int,
    ok_codes: tuple[int, ...],
    parallel: bool = False,
    timeout: float = 600.0,
    count: Callable[[list[Path]], int | None] | None = None,
    debug_args: Sequence[str] = (),
) -> Measurement:
    """Fill m.runs: `warmup` untimed runs, then `repeat` timed ones; stop at the first failure.

    On a failure (other than a timeout) the first command is run once more with `debug_args`
    added (deploycheck's `--debug`) so the report carries the traceback.
    """
    m.warmups = warmup
    m.load_before = os.getloadavg()[0]
    shown = " ; ".join(shlex.join(c) for c in m.commands[:2]) + (" ; ..." if len(m.commands) > 2 else "")
    if len(shown) > 300:
        shown = shown[:300] + "..."
    log(f"{m.label}: {warmup} warm-up + {repeat} timed run(s): {shown}")
    out_dir = Path(tempfile.mkdtemp(prefix=f"{m.key}-", dir=ctx.tmp))
    for i in range(warmup + repeat):
        run, outs, errs = time_command(
            m.commands, cwd=cwd, env=env, out_dir=out_dir, timeout=timeout, parallel=parallel
        )
        if run.rc not in ok_codes:
            m.ok = False
            what = "timed out" if run.rc == -1 else f"exited {run.rc}"
            err = "\n".join(_tail(e) for e in errs if e.strip())
            out = "\n".join(_tail(o.read_bytes(), 1500) for o in outs)
            m.error = (
                f"{what} after {run.wall:.2f} s\nstderr:\n{err or '(empty)'}\nstdout:\n{out or '(empty)'}"
            )
            if debug_args and run.rc != -1:
                again = subprocess.run(
                    [*m.commands[0], *debug_args], cwd=cwd, env=env, capture_output=True,
                    timeout=timeout, stdin=subprocess.DEVNULL,
                )  # fmt: skip
                m.error += f"\nrerun with {shlex.join(debug_args)}:\n{_tail(again.stderr, 6000)}"
            log(f"  FAILED: {m.error}")
            shutil.rmtree(out_dir, ignore_errors=True)
            return m
        if i >= warmup:
            m.runs.append(run)
            others = f", others {run.other_cpu:.2f} s" if run.other_cpu is not None else ""
            log(f"  run {i - warmup + 1}: wall {run.wall:.3f} s, cpu {run.cpu:.3f} s{others} (rc {run.rc})")
        if i == warmup and count is not None:
            try:
                m.findings = count(outs)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                m.note = f"could not count findings: {exc}"
    shutil.rmtree(out_dir, ignore_errors=True)
    return m


# ---------------------------------------------------------------------------------------------
# Tools


@dataclass
class Context:
    args: argparse.Namespace
    tmp: Path
    deploycheck: list[str]
    dc_env: dict[str, str]
    peer_env: dict[str, str]
    hadolint: str | None = None
    checkov: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Measurement] = field(default_factory=dict)  # key -> done measurement
    _trees: dict[str, Path] = field(default_factory=dict)
    tree_stats: str = ""

    def tree(self, name: str) -> Path:
        """The generated monorepo ("full"), or a subset of it ("dockerfiles", "docker-k8s")."""
        if name in self._trees:
            return self._trees[name]
        full = self._trees.get("full")
        if full is None:
            full = self.tmp / "monorepo"
            log(f"generating {self.args.services} services (seed {self.args.seed}) into {full}")
            t0 = time.perf_counter()
            stats = generate.generate(full, self.args.services, self.args.seed)
            self.tree_stats = generate.describe(stats)
            log(f"  {self.tree_stats.splitlines()[0]} in {time.perf_counter() - t0:.1f} s")
            self._trees["full"] = full
            if name == "full":
                return full
        patterns = {
            "dockerfiles": ("services/*/Dockerfile",),
            "docker-k8s": ("services/*/Dockerfile", "services/*/k8s/*.yaml"),
        }[name]
        sub = self.tmp / name
        n = 0
        for pattern in patterns:
            for src in sorted(full.glob(pattern)):
                dst = sub / src.relative_to(full)
                dst.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(src, dst)  # same bytes, no copy
                except OSError:
                    shutil.copy2(src, dst)
                n += 1
        log(f"  tree {name}: {n} files")
        self._trees[name] = sub
        return sub

    def files_in(self, tree: Path) -> list[Path]:
        return sorted(p for p in tree.rglob("*") if p.is_file())



def measure_check(
    m: Measurement, ctx: Context, *, cwd: Path | None = None, repeat: int | None = None,
    warmup: int = 1, timeout: float | None = None,
) -> None:
    """Time a `deploycheck check` run with the settings every check measurement shares."""
    measure(
        m,
        ctx,
        env=ctx.dc_env,
        cwd=ctx.tmp if cwd is None else cwd,
        repeat=ctx.args.repeat if repeat is None else repeat,
        warmup=warmup,
        ok_codes=DC_OK,
        debug_args=DC_DEBUG,
        timeout=ctx.args.timeout if timeout is None else timeout,
        count=_count_deploycheck,
    )

def _resolve_deploycheck(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    if args.deploycheck:
        return shlex.split(args.deploycheck), env
    if args.entry_point:
        exe = shutil.which("deploycheck")
        if exe is None:
            raise SystemExit("--entry-point: no `deploycheck` on PATH (pip install -e . first)")
        return [exe], env
    # The working tree, not whatever may be installed.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), env.get("PYTHONPATH", "")) if p)
    return [sys.executable, "-m", "deploycheck.cli.main"], env


def _requirements_digest() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def ensure_peers_venv() -> Path | None:
    """Make bench/.venv-peers with the pinned peers, once; return its bin dir (None if it failed)."""
    bin_dir = VENV / "bin"
    stamp = VENV / ".requirements.sha256"
    if stamp.exists() and stamp.read_text().strip() == _requirements_digest():
        return bin_dir
    if not (bin_dir / "python").exists():
        log(f"creating the peers' virtualenv: {sys.executable} -m venv {VENV}")
        r = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
        if r.returncode != 0:
            log("  python -m venv failed; peers will be looked up on PATH")
            return None
    log(f"installing {REQUIREMENTS.name} into {VENV} (checkov takes a few minutes the first time)")
    r = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)])
    if r.returncode != 0:
        log("  pip install failed; peers will be looked up on PATH")
        return None
    stamp.write_text(_requirements_digest() + "\n")
    return bin_dir


def _version(cmd: list[str], env: dict[str, str]) -> str:
    try:
        r = subprocess.run(cmd, env=env, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc})"
    text = (r.stdout or r.stderr).decode("utf-8", "replace").strip()
    first = text.splitlines()[-1] if text else ""
    return first if r.returncode == 0 else f"unavailable (exit {r.returncode}: {first[:200]})"


def machine_facts(ctx: Context) -> dict[str, Any]:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    facts: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": cpu_model or platform.processor(),
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "deploycheck_command": shlex.join(ctx.deploycheck),
        "deploycheck": _version([*ctx.deploycheck, "--version"], ctx.dc_env),
    }
    if ctx.hadolint:
        facts["hadolint"] = _version([ctx.hadolint, "--version"], ctx.peer_env)
    if ctx.checkov:
        facts["checkov"] = _version([ctx.checkov, "--version"], ctx.peer_env)
    return facts


# ---------------------------------------------------------------------------------------------
# Output parsing (only to count findings: a run that reports nothing is suspicious)


def _count_deploycheck(outs: list[Path]) -> int | None:
    data = json.loads(outs[0].read_text())
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict):
        for key in ("findings", "violations", "results", "diagnostics"):
            if isinstance(data.get(key), list):
                return len(data[key])
    return None


def _count_hadolint(outs: list[Path]) -> int:
    return sum(len(json.loads(o.read_text() or "[]")) for o in outs)


def _count_checkov(outs: list[Path]) -> int:
    data = json.loads(outs[0].read_text())
    reports = data if isinstance(data, list) else [data]
    return sum(int(r.get("summary", {}).get("failed", 0)) for r in reports)


DC_OK = (0, 1)  # 0 clean, 1 findings; anything else is a crash or a usage error
DC_DEBUG = ("--debug",)  # asks deploycheck for the traceback of an internal error


def _dc(ctx: Context, *args: str) -> list[str]:
    return [*ctx.deploycheck, *args]


def _dc_check(ctx: Context, tree: Path, *extra: str) -> list[str]:
    return _dc(ctx, "check", str(tree), "--format", "json", "-q", *extra)


# ---------------------------------------------------------------------------------------------
# Measurements


def bench_version(ctx: Context) -> tuple[list[Measurement], list[Comparison]]:
    m = Measurement("version", "deploycheck --version", "deploycheck", [_dc(ctx, "--version")], target_s=0.2)
    measure(
        m, ctx, env=ctx.dc_env, cwd=ctx.tmp, repeat=ctx.args.version_runs, warmup=1, ok_codes=(0,), timeout=60
    )
    return [m], []


def bench_example(ctx: Context) -> tuple[list[Measurement], list[Comparison]]:
    m = Measurement(
        "example", "check examples/broken-shop", "deploycheck", [_dc_check(ctx, EXAMPLE)], target_s=1.0
    )
    if not EXAMPLE.is_dir():
        m.ok = False
        m.note = f"skipped: {EXAMPLE.relative_to(REPO)} does not exist yet"
        log(m.note)
        return [m], []
    m.files = len(ctx.files_in(EXAMPLE))
    measure_check(m, ctx, cwd=REPO, repeat=max(ctx.args.repeat, 5), timeout=120)
    return [m], []


def bench_monorepo(ctx: Context) -> tuple[list[Measurement], list[Comparison]]:
    tree = ctx.tree("full")
    n = len(ctx.files_in(tree))
    default = Measurement(
        "monorepo",
        f"check {ctx.args.services}-service monorepo (default jobs)",
        "deploycheck",
        [_dc_check(ctx, tree)],
        files=n,
        target_s=20.0 * ctx.args.services / 1000,
    )
    measure_check(default, ctx)
    one = Measurement(
        "monorepo-j1",
        f"check {ctx.args.services}-service monorepo (-j 1)",
        "deploycheck",
        [_dc_check(ctx, tree, "-j", "1")],
        files=n,
    )
    measure_check(one, ctx, warmup=0)
    comps = [
        Comparison("monorepo: default jobs vs -j 1 (both cores: parsing and rules shared)", default, one, 1.4)
    ]
    return [default, one], comps


def _chunks(args: list[str], fixed: int) -> list[list[str]]:
    """Split args so each command line fits ARG_MAX (with room for the environment)."""
    limit = os.sysconf("SC_ARG_MAX") // 2 - fixed
    out: list[list[str]] = [[]]
    size = 0
    for a in args:
        cost = len(os.fsencode(a)) + 1 + 8  # the string, its NUL, its pointer
        if out[-1] and size + cost > limit:
            out.append([])
            size = 0
        out[-1].append(a)
        size += cost
    return out


def bench_dockerfiles(ctx: Context) -> tuple[list[Measurement], list[Comparison]]:
    tree = ctx.tree("dockerfiles")
    files = [str(p.relative_to(tree)) for p in ctx.files_in(tree)]
    ours = Measurement(
        "dockerfiles",
        f"check {len(files)} Dockerfiles",
        "deploycheck",
        [_dc_check(ctx, tree)],
        files=len(files),
    )
    measure_check(ours, ctx)
    if not ctx.hadolint:
        return [ours], []
    base = [ctx.hadolint, "--no-fail", "-f", "json"]
    chunks = _chunks(files, sum(len(a) + 9 for a in base))
    one = Measurement(
        "hadolint",
        f"hadolint, {len(files)} Dockerfiles (1 process)",
        "hadolint",
        [base + c for c in chunks],
        files=len(files),
        note=f"{len(chunks)} command line(s) run one after another",
    )
    measure(
        one,
        ctx,
        env=ctx.peer_env,
        cwd=tree,
        repeat=ctx.args.repeat,
        warmup=1,
        ok_codes=(0,),
        timeout=ctx.args.timeout,
        count=_count_hadolint,
    )
    comps = [Comparison("Dockerfiles: deploycheck vs hadolint (1 process)", ours, one, 3.0)]
    # hadolint is single-threaded; for fairness also give it both cores by hand.
    half = (len(files) + 1) // 2
    if len(chunks) > 1:
        log("hadolint (2 processes) skipped: the file list does not fit two command lines")
        return [ours, one], comps
    two = Measurement(
        "hadolint-p2",
        f"hadolint, {len(files)} Dockerfiles (2 processes)",
        "hadolint",
        [base + files[:half], base + files[half:]],
        files=len(files),
        note="two processes at once, half the files each",
    )
    measure(
        two,
        ctx,
        env=ctx.peer_env,
        cwd=tree,
        repeat=ctx.args.repeat,
        warmup=0,
        ok_codes=(0,),
        parallel=True,
        timeout=ctx.args.timeout,
        count=_count_hadolint,
    )
    comps.append(Comparison("Dockerfiles: deploycheck vs hadolint (2 processes)", ours, two, None))
    return [ours, one, two], comps


def _checkov(ctx: Context, tree: Path, frameworks: list[str]) -> list[str]:
    assert ctx.checkov
    return [
        ctx.checkov,
        "-d",
        str(tree),
        "--framework",
        *frameworks,
        "--quiet",
        "--compact",
        "-o",
        "json",
        "--soft-fail",
        "--skip-download",
    ]


def bench_manifests(ctx: Context) -> tuple[list[Measurement], list[Comparison]]:
    dtree = ctx.tree("dockerfiles")
    ktree = ctx.tree("docker-k8s")
    nd = len(ctx.files_in(dtree))
    nk = len(ctx.files_in(ktree))
    ours = Measurement(
        "docker-k8s", f"check {nk} Dockerfiles + manifests", "deploycheck", [_dc_check(ctx, ktree)], files=nk
    )
    measure_check(ours, ctx)
    if not ctx.checkov:
        return [ours], []
    reps = ctx.args.peer_repeat
    ck_d = Measurement(
        "checkov-dockerfiles",
        f"checkov, {nd} Dockerfiles",
        "checkov",
        [_checkov(ctx, dtree, ["dockerfile"])],
        files=nd,
    )
    measure(
        ck_d,
        ctx,
        env=ctx.peer_env,
        cwd=ctx.tmp,
        repeat=reps,
        warmup=0,
        ok_codes=(0,),
        timeout=ctx.args.timeout * 3,
        count=_count_checkov,
    )
    ck_k = Measurement(
        "checkov-docker-k8s",
        f"checkov, {nk} Dockerfiles + manifests",
        "checkov",
        [_checkov(ctx, ktree, ["dockerfile", "kubernetes"])],
        files=nk,
    )
    measure(
        ck_k,
        ctx,
        env=ctx.peer_env,
        cwd=ctx.tmp,
        repeat=reps,
        warmup=0,
        ok_codes=(0,),
        timeout=ctx.args.timeout * 3,
        count=_count_checkov,
    )
    # deploycheck on the Dockerfile-only tree was timed by bench_dockerfiles when it ran.
    comps = [Comparison("Dockerfiles + manifests: deploycheck vs checkov", ours, ck_k, 10.0)]
    dock = ctx.results.get("dockerfiles")
    if dock is not None:
        comps.append(Comparison("Dockerfiles: deploycheck vs checkov", dock, ck_d, None))
    return [ours, ck_d, ck_k], comps


Bench = Callable[[Context], tuple[list[Measurement], list[Comparison]]]
# Order matters: bench_manifests reuses the Dockerfile-only figure of bench_dockerfiles.
MEASUREMENTS: tuple[tuple[str, Bench, bool], ...] = (
    # (key for --only, function, needs peers)
    ("version", bench_version, False),
    ("example", bench_example, False),
    ("monorepo", bench_monorepo, False),
    ("dockerfiles", bench_dockerfiles, True),
    ("manifests", bench_manifests, True),
)


# ---------------------------------------------------------------------------------------------
# Report


def _s(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def _yes(b: bool | None) -> str:
    return "—" if b is None else ("yes" if b else "**no**")


def report(ctx: Context, measurements: list[Measurement], comps: list[Comparison]) -> str:
    f = ctx.facts
    lines = [
        "## deploycheck benchmark",
        "",
        f"- Machine: {f.get('nproc')} CPUs ({f.get('cpu_model')}), {f.get('memory')}, {f.get('os')}",
        f"- Python {f.get('python')}; load average at start {f.get('load_average_at_start')}",
        f"- deploycheck: {f.get('deploycheck')} (`{f.get('deploycheck_command')}`)",
    ]
    if "hadolint" in f:
        lines.append(f"- hadolint: {f['hadolint']}")
    if "checkov" in f:
        lines.append(f"- checkov: {f['checkov']}")
    if ctx.tree_stats:
        lines.append(
            f"- Tree: bench/generate.py --services {ctx.args.services} --seed {ctx.args.seed}: "
            f"{ctx.tree_stats.splitlines()[0]}"
        )
    busy = [m for m in measurements if (m.others or 0.0) > 0.2]
    if busy:
        worst = max(m.others or 0.0 for m in busy)
        lines.append(
            f"- **Warning**: other processes on the machine were busy during {len(busy)} measurement(s)"
            f" (up to {worst:.1f} cores on average, column 'Others'); those wall times are inflated."
        )
    lines += [
        "- Wall: median of the timed runs (deploycheck and hadolint get one untimed warm-up run first;"
        " checkov does not). CPU: user+sys of all child processes (getrusage). CPU/wall ≈ cores kept busy."
        " Others: cores the rest of the machine kept busy meanwhile (/proc/stat); near 0 for clean figures.",
        "",
        "| Measurement | Files | Runs | Wall (median) | Wall (min) | CPU user+sys | CPU/wall | Others"
        " | Findings | Target | Met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for m in measurements:
        target = f"< {_s(m.target_s)}" if m.target_s is not None else ""
        par = f"{m.parallelism:.2f}" if m.parallelism is not None else "—"
        oth = f"{m.others:.2f}" if m.others is not None else "—"
        status = "" if m.ok else (" (skipped)" if m.note.startswith("skipped") else " (**failed**)")
        files = m.files if m.files is not None else ""
        found = m.findings if m.findings is not None else "—"
        lines.append(
            f"| {m.label}{status} | {files} | {len(m.runs)} | {_s(m.wall)} | "
            f"{_s(m.wall_min)} | {_s(m.cpu)} | {par} | {oth} | {found} | "
            f"{target} | {_yes(m.met)} |"
        )
    if comps:
        lines += [
            "",
            "| Comparison | deploycheck | other | Wall ratio | CPU ratio | Target (wall) | Met |",
            "| --- | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for c in comps:
            ratio = f"{c.ratio:.1f}x" if c.ratio is not None else "—"
            cpu = f"{c.cpu_ratio:.1f}x" if c.cpu_ratio is not None else "—"
            target = f">= {c.target_ratio:g}x" if c.target_ratio is not None else ""
            lines.append(
                f"| {c.label} | {_s(c.ours.wall)} | {_s(c.peer.wall)} | {ratio} | {cpu} | {target} | "
                f"{_yes(c.met)} |"
            )
    notes = [m for m in measurements if m.note or m.error]
    if notes:
        lines += ["", "Notes:"]
        for m in notes:
            if m.note:
                lines.append(f"- {m.label}: {m.note}")
            if m.error:
                lines.append(f"- {m.label} FAILED: `{shlex.join(m.commands[0])[:300]}`")
                lines += ["", "```", m.error.strip(), "```", ""]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="100 services, fewer runs: a fast sanity check")
    ap.add_argument("--services", type=int, help="services to generate (default 1000, 100 with --quick)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, help="timed runs per measurement (default 3, 2 with --quick)")
    ap.add_argument("--version-runs", type=int, help="timed runs of --version (default 10)")
    ap.add_argument(
        "--peer-repeat", type=int, default=1, help="timed runs of checkov (default 1; it is slow)"
    )
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per run before it counts as failed")
    ap.add_argument("--only", help="comma-separated subset of: " + ",".join(k for k, _, _ in MEASUREMENTS))
    ap.add_argument("--no-peers", action="store_true", help="measure deploycheck only")
    ap.add_argument(
        "--peers-from-path",
        action="store_true",
        help="use hadolint/checkov from PATH instead of bench/.venv-peers",
    )
    ap.add_argument(
        "--deploycheck",
        help="command to run deploycheck (default: python -m deploycheck.cli.main with PYTHONPATH=src)",
    )
    ap.add_argument("--entry-point", action="store_true", help="use the installed `deploycheck` script")
    ap.add_argument("--json", type=Path, help="also write every raw number to this file")
    args = ap.parse_args(argv)
    if args.services is None:
        args.services = 100 if args.quick else 1000
    if args.repeat is None:
        args.repeat = 2 if args.quick else 3
    if args.version_runs is None:
        args.version_runs = 5 if args.quick else 10
    keys = {k for k, _, _ in MEASUREMENTS}
    args.only_set = set(args.only.split(",")) if args.only else keys
    if args.only_set - keys:
        ap.error(f"--only: unknown {sorted(args.only_set - keys)}; choose from {sorted(keys)}")
    if args.services < 1 or args.repeat < 1 or args.version_runs < 1 or args.peer_repeat < 1:
        ap.error("counts must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    deploycheck, dc_env = _resolve_deploycheck(args)
    with tempfile.TemporaryDirectory(prefix="deploycheck-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # Peers get a private HOME and cache dir so they leave nothing outside the temp dir.
        peer_env = dict(os.environ)
        peer_home = tmp / "peer-home"
        peer_home.mkdir()
        peer_env.update(
            HOME=str(peer_home),
            XDG_CACHE_HOME=str(peer_home / ".cache"),
            CKV_CACHE_DIR=str(peer_home / "checkov-cache"),
            BC_SKIP_MAPPING="TRUE",
            CKV_SKIP_PACKAGE_UPDATE_CHECK="TRUE",
            LOG_LEVEL="WARNING",
        )
        ctx = Context(args=args, tmp=tmp, deploycheck=deploycheck, dc_env=dc_env, peer_env=peer_env)
        wants_peers = not args.no_peers and any(p and k in args.only_set for k, _, p in MEASUREMENTS)
        if wants_peers:
            bin_dir = None if args.peers_from_path else ensure_peers_venv()
            for tool in ("hadolint", "checkov"):
                exe = str(bin_dir / tool) if bin_dir and (bin_dir / tool).exists() else shutil.which(tool)
                setattr(ctx, tool, exe)
                if exe is None:
                    log(f"{tool} not found: its measurements are skipped")
        ctx.facts = machine_facts(ctx)
        for k, v in ctx.facts.items():
            log(f"{k}: {v}")
        measurements: list[Measurement] = []
        comps: list[Comparison] = []
        t0 = time.perf_counter()
        for key, fn, _peers in MEASUREMENTS:
            if key not in args.only_set:
                continue
            ms, cs = fn(ctx)
            measurements += ms
            comps += cs
            for m in ms:
                ctx.results[m.key] = m
        log(f"done in {time.perf_counter() - t0:.0f} s; removing {tmp}")
        text = report(ctx, measurements, comps)
        print(text)
        if args.json:
            data = {
                "facts": ctx.facts,
                "tree": ctx.tree_stats,
                "services": args.services,
                "seed": args.seed,
                "measurements": [m.as_json() for m in measurements],
                "comparisons": [c.as_json() for c in comps],
                "markdown": text,
            }
            args.json.write_text(json.dumps(data, indent=2) + "\n")
            log(f"raw numbers written to {args.json}")
    failed = [m for m in measurements if not m.ok and not m.note.startswith("skipped")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
