#!/usr/bin/env python3
"""`deploycheck image` on a ~1 GiB `docker save` tarball, against `tar -tvf` on the same file.

    python bench/image_bench.py [--mb 1024] [--repeat 3]      # prints the figures as JSON

`measure(tmpdir)` (for bench/run.py) synthesises a realistic docker-save archive — a Debian-like
base layer (thousands of small files, shared libraries as real ELF files with DT_NEEDED and
symbol versions, /etc files), an apt layer with a package cache, a gzip-compressed Python
site-packages layer with native extension modules, a Go program with build info, a data layer
with large incompressible files and a layer deleting one of them — then times
`deploycheck image FILE --format json` (wall, CPU and peak resident memory of the child, from
wait4) and `tar -tvf FILE`. Targets: under 10 s and under 300 MB for 1 GiB.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from deploycheck.gatherers import elf  # noqa: E402

TARGET_S = 10.0
TARGET_MB = 300.0


class _Noise:
    """Pseudo-random bytes, cheap to make in bulk: a random pool sliced at random offsets."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pool = rng.randbytes(8 << 20)

    def take(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            start = self.rng.randrange(0, len(self.pool) - 4096)
            out += self.pool[start : start + min(n - len(out), len(self.pool) - start)]
        return bytes(out)


def _text(rng: random.Random, n: int) -> bytes:
    words = [b"import", b"def", b"return", b"self", b"value", b"config", b"request", b"None", b"\n", b"    "]
    out = bytearray()
    while len(out) < n:
        out += rng.choice(words) + b" "
    return bytes(out[:n])


def _add(
    tar: tarfile.TarFile,
    name: str,
    data: bytes = b"",
    mode: int = 0o644,
    kind: bytes = tarfile.REGTYPE,
    link: str = "",
) -> None:
    info = tarfile.TarInfo(name)
    info.mode = mode
    info.type = kind
    info.linkname = link
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    tar.addfile(info, io.BytesIO(data) if info.size else None)


def _layers(folder: Path, megabytes: int, seed: int) -> list[tuple[Path, str]]:
    rng = random.Random(seed)
    noise = _Noise(rng)
    scale = megabytes / 1024
    out: list[tuple[Path, str]] = []

    def layer(name: str, created_by: str) -> tuple[tarfile.TarFile, Path]:
        path = folder / f"{name}.tar"
        out.append((path, created_by))
        return tarfile.open(path, "w", format=tarfile.PAX_FORMAT), path

    # 1. a Debian-like base: libraries, binaries, small files
    tar, _ = layer("base", "ADD rootfs.tar.xz /")
    _add(tar, "lib64/ld-linux-x86-64.so.2", elf.write(etype="dyn", soname="ld-linux-x86-64.so.2"), 0o755)
    _add(
        tar,
        "lib/x86_64-linux-gnu/libc.so.6",
        elf.write(
            etype="dyn",
            soname="libc.so.6",
            version_defs=("GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_2.36"),
            pad_to=1_900_000,
        ),
        0o755,
    )
    _add(tar, "etc/ld.so.conf", b"include /etc/ld.so.conf.d/*.conf\n")
    _add(
        tar,
        "etc/ld.so.conf.d/x86_64-linux-gnu.conf",
        b"/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n",
    )
    _add(tar, "etc/passwd", b"root:x:0:0:root:/root:/bin/bash\napp:x:10001:10001::/srv:/bin/false\n")
    libs = [f"lib{rng.choice('abcdefghij')}{i}.so.{rng.randint(0, 9)}" for i in range(int(400 * scale))]
    for name in libs:
        needed = ("libc.so.6", *rng.sample(libs[:50], 2))
        data = elf.write(
            etype="dyn",
            soname=name,
            needed=needed,
            version_needs=(("libc.so.6", ("GLIBC_2.2.5",)),),
            pad_to=rng.randint(20_000, 600_000),
        )
        _add(tar, f"usr/lib/x86_64-linux-gnu/{name}", data, 0o644)
    for i in range(int(600 * scale)):
        _add(
            tar,
            f"usr/bin/tool{i}",
            elf.write(
                interp="/lib64/ld-linux-x86-64.so.2",
                needed=("libc.so.6", rng.choice(libs)),
                pad_to=rng.randint(10_000, 200_000),
            ),
            0o755,
        )
    _add(tar, "bin/sh", b"", kind=tarfile.SYMTYPE, link="/usr/bin/tool0")
    for i in range(int(12000 * scale)):
        _add(tar, f"usr/share/doc/pkg{i % 700}/file{i}.txt", _text(rng, rng.randint(200, 6000)))
    tar.close()
    # 2. apt install, cache left behind
    tar, _ = layer("apt", "RUN apt-get update && apt-get install -y libpq5")
    for i in range(int(60 * scale)):
        _add(tar, f"var/cache/apt/archives/pkg{i}.deb", noise.take(rng.randint(200_000, 1_500_000)))
    for i in range(int(20 * scale)):
        _add(tar, f"var/lib/apt/lists/list{i}", _text(rng, 1_000_000))
    _add(
        tar,
        "usr/lib/x86_64-linux-gnu/libpq.so.5",
        elf.write(etype="dyn", soname="libpq.so.5", needed=("libc.so.6",), pad_to=330_000),
    )
    tar.close()
    # 3. Python site-packages (compressed below)
    tar, py = layer("python", "RUN pip install -r requirements.txt")
    site = "usr/local/lib/python3.11/site-packages"
    for i in range(int(6000 * scale)):
        _add(tar, f"{site}/pkg{i % 150}/mod{i}.py", _text(rng, rng.randint(500, 30_000)))
    for i in range(int(150 * scale)):
        needed = ("libc.so.6", "libpq.so.5") if i == 0 else ("libc.so.6",)
        _add(
            tar,
            f"{site}/pkg{i}/_native.cpython-311-x86_64-linux-gnu.so",
            elf.write(etype="dyn", needed=needed, pad_to=rng.randint(50_000, 700_000)),
            0o755,
        )
    tar.close()
    py.write_bytes(gzip.compress(py.read_bytes(), 1))  # compressed, as a registry would
    # 4. the app: a Go program with build info
    tar, _ = layer("app", "COPY --from=build /out/app /srv/app")
    modinfo = elf.go_modinfo(
        "example.com/app",
        ("example.com/app", "(devel)"),
        (("github.com/gin-gonic/gin", "v1.9.1"),),
        (("CGO_ENABLED", "0"), ("GOARCH", "amd64")),
    )
    _add(
        tar,
        "srv/app",
        elf.write(go_version="go1.22.3", go_modinfo=modinfo, extra=noise.take(int(30_000_000 * scale))),
        0o755,
    )
    tar.close()
    # 5. data, and 6. a later layer deleting some of it
    tar, _ = layer("data", "COPY data /srv/data")
    remaining = megabytes * (1 << 20) - sum(p.stat().st_size for p, _ in out[:-1])
    count = 6
    for i in range(count):
        _add(tar, f"srv/data/blob{i}.bin", noise.take(max(1 << 20, remaining // count)))
    tar.close()
    tar, _ = layer("cleanup", "RUN rm /srv/data/blob0.bin")
    _add(tar, "srv/data/.wh.blob0.bin")
    tar.close()
    return out


def write_archive(path: Path, megabytes: int = 1024, seed: int = 1) -> int:
    """A docker-save tarball of about `megabytes` MiB at `path`; returns its size."""
    work = path.parent / (path.name + ".layers")
    work.mkdir(parents=True, exist_ok=True)
    layers = _layers(work, megabytes, seed)
    names = []
    diff_ids = []
    with tarfile.open(path, "w") as outer:
        for layer_path, _ in layers:
            digest = hashlib.sha256()
            with open(layer_path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
            name = f"blobs/sha256/{digest.hexdigest()}"
            names.append(name)
            diff_ids.append("sha256:" + digest.hexdigest())
            outer.add(layer_path, arcname=name)
            layer_path.unlink()
        config = {
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "Entrypoint": ["/srv/app"],
                "User": "10001",
                "WorkingDir": "/srv",
                "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"],
            },
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": [{"created_by": created} for _, created in layers],
        }
        raw = json.dumps(config).encode()
        config_name = f"blobs/sha256/{hashlib.sha256(raw).hexdigest()}"
        for name, data in (
            (config_name, raw),
            (
                "manifest.json",
                json.dumps([{"Config": config_name, "RepoTags": ["bench/app:1"], "Layers": names}]).encode(),
            ),
        ):
            _add(outer, name, data)
    shutil.rmtree(work, ignore_errors=True)
    return path.stat().st_size


# Linux carries a process's peak RSS across exec, so a child forked from this (large) process
# would report our memory as its own: a small launcher forks the measured command instead and
# reports its wait4 figures.
_LAUNCHER = """
import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write(json.dumps([time.perf_counter() - start, usage.ru_utime + usage.ru_stime,
                             usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)]))
"""


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, int, bytes]:
    """(wall s, CPU s, peak RSS MB, exit code, stdout) of one run, from wait4."""
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, *cmd], env=env, capture_output=True, timeout=900)
    wall, cpu, peak, code = json.loads(proc.stderr.decode().strip().splitlines()[-1])
    return float(wall), float(cpu), float(peak), int(code), proc.stdout


def measure(tmpdir: str | os.PathLike[str], megabytes: int = 1024, repeat: int = 3) -> dict[str, Any]:
    """Synthesise the archive in `tmpdir`, time both tools, and return the figures."""
    folder = Path(tmpdir)
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / "bench-image.tar"
    started = time.perf_counter()
    size = write_archive(archive, megabytes)
    made = time.perf_counter() - started
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH", "")]))
    ours_cmd = [
        sys.executable,
        "-m",
        "deploycheck",
        "image",
        str(archive),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]
    tar_cmd = [shutil.which("tar") or "tar", "-tvf", str(archive)]
    _timed(ours_cmd, env)  # warm-up: page cache, .pyc files
    ours = [_timed(ours_cmd, env) for _ in range(repeat)]
    theirs = [_timed(tar_cmd, env) for _ in range(repeat)]
    # `tar -tvf` lists only the archive's few blobs; listing every layer's files is the fair twin
    layers_cmd = [
        "bash",
        "-c",
        'for m in $(tar -tf "$1" | grep "^blobs/"); do tar -xOf "$1" "$m" | '
        'tar -tv --auto-compress -f - 2>/dev/null || tar -xOf "$1" "$m" | tar -tvzf - ; done | wc -l',
        "bash",
        str(archive),
    ]
    listed = [_timed(layers_cmd, env) for _ in range(repeat)]
    report = json.loads(ours[-1][4] or b"{}")
    wall = statistics.median(r[0] for r in ours)
    peak = max(r[2] for r in ours)
    out: dict[str, Any] = {
        "bytes": size,
        "synthesis_s": made,
        "deploycheck": {
            "command": ours_cmd,
            "wall_s": wall,
            "cpu_s": statistics.median(r[1] for r in ours),
            "peak_rss_mb": peak,
            "rc": ours[-1][3],
            "findings": sorted({f["rule"] for f in report.get("findings", [])}),
        },
        "tar_tvf": {
            "command": tar_cmd,
            "wall_s": statistics.median(r[0] for r in theirs),
            "cpu_s": statistics.median(r[1] for r in theirs),
            "peak_rss_mb": max(r[2] for r in theirs),
        },
        "tar_tvf_every_layer": {
            "command": layers_cmd,
            "wall_s": statistics.median(r[0] for r in listed),
            "entries": int((listed[-1][4] or b"0").strip() or 0),
        },
        "target_s": TARGET_S,
        "target_mb": TARGET_MB,
        "target_met": wall < TARGET_S and peak < TARGET_MB,
        "load_average": os.getloadavg()[0],
    }
    archive.unlink()
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=1024, help="archive size in MiB (default 1024)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default="", help="work folder (default: a temporary one)")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(dir=args.dir or None) as tmp:
        result = measure(tmp, args.mb, args.repeat)
    print(json.dumps(result, indent=2))
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
