"""The Docker engine and local base images for tests marked `docker`.

No registry can be reached, so every image is made here: `FROM scratch`, or a Debian root
filesystem made with debootstrap (once, cached) and imported with `docker import`. A test that
needs the engine skips with the reason on a machine without one, and fails instead in CI
(CI=true): there a missing engine is a broken setup, not a reason to pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

DEBIAN_TAG = "deploycheck-test/debian:bookworm"
CACHE = Path(os.environ.get("DEPLOYCHECK_TEST_CACHE", "/var/cache/deploycheck-tests"))


def _run(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), check=check, capture_output=True, text=True, timeout=timeout)


def engine_problem() -> str | None:
    """None when a Docker engine answers; else why not."""
    if shutil.which("docker") is None:
        return "the docker CLI is not installed (scripts/setup.sh --test installs the engine)"
    try:
        proc = _run("docker", "version", "--format", "{{.Server.Version}}", check=False, timeout=20)
    except subprocess.TimeoutExpired:
        return "the Docker engine did not answer within 20 s"
    if proc.returncode != 0:
        return "no Docker engine answers (start one with scripts/docker-engine.sh start): " + (
            proc.stderr.strip().splitlines() or ["?"])[-1]
    return None


def require_engine() -> None:
    problem = engine_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI needs a Docker engine: {problem}")
    pytest.skip(problem)


def image_exists(tag: str) -> bool:
    return _run("docker", "image", "inspect", tag, check=False, timeout=30).returncode == 0


def debian_rootfs() -> Path:
    """A minbase bookworm root filesystem, made once with debootstrap and cached."""
    target = CACHE / "bookworm-minbase"
    done = target / ".deploycheck-complete"
    if done.exists():
        return target
    if shutil.which("debootstrap") is None:
        pytest.fail("debootstrap is not installed (scripts/setup.sh --test installs it)")
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _run("debootstrap", "--variant=minbase", "bookworm", str(target), timeout=900)
    done.write_text("ok\n")
    return target


def debian_image() -> str:
    """The Debian image tagged DEBIAN_TAG in the engine (imported from the cached rootfs)."""
    if image_exists(DEBIAN_TAG):
        return DEBIAN_TAG
    root = debian_rootfs()
    tar = subprocess.Popen(["tar", "-C", str(root), "--exclude=./.deploycheck-complete", "-c", "."],
                           stdout=subprocess.PIPE)
    assert tar.stdout is not None
    subprocess.run(["docker", "import", "-", DEBIAN_TAG], stdin=tar.stdout, check=True,
                   capture_output=True, timeout=600)
    tar.stdout.close()
    tar.wait()
    return DEBIAN_TAG


def tag_as(source: str, *tags: str) -> None:
    """Give a local image the names a Dockerfile expects (golang:1.19, debian:bookworm-slim...)."""
    for tag in tags:
        _run("docker", "tag", source, tag, timeout=60)


def build(context: Path, tag: str, *extra: str) -> str:
    """`docker build` a context; returns the tag. Output goes to the assertion on failure."""
    proc = _run("docker", "build", "-q", "-t", tag, *extra, str(context), check=False, timeout=900)
    if proc.returncode != 0:
        raise AssertionError(f"docker build {context} failed:\n{proc.stdout}\n{proc.stderr}")
    return tag


def scratch_image(tag: str, files: dict[str, tuple[Path | bytes, int]], config: dict[str, str] | None = None,
                  workdir: Path | None = None) -> str:
    """An image FROM scratch holding `files` ({path in image: (source file or bytes, mode)}),
    built with a generated Dockerfile; `config` adds Dockerfile lines (e.g. {"CMD": '["/app"]'})."""
    assert workdir is not None
    ctx = workdir / f"ctx-{tag.replace('/', '_').replace(':', '_')}"
    if ctx.exists():
        shutil.rmtree(ctx)
    ctx.mkdir(parents=True)
    lines = ["FROM scratch"]
    for index, (dest, (src, mode)) in enumerate(sorted(files.items())):
        name = f"f{index}"
        data = src.read_bytes() if isinstance(src, Path) else src
        (ctx / name).write_bytes(data)
        os.chmod(ctx / name, mode)
        lines.append(f"COPY {name} {dest}")
    for key, value in (config or {}).items():
        lines.append(f"{key} {value}")
    (ctx / "Dockerfile").write_text("\n".join(lines) + "\n")
    return build(ctx, tag)


def save(tag: str, dest: Path) -> Path:
    """`docker save` an image to a tarball."""
    _run("docker", "save", "-o", str(dest), tag, timeout=600)
    return dest


def remove_containers(*names: str) -> None:
    if names:
        _run("docker", "rm", "-f", *names, check=False, timeout=120)


def tar_of(paths: dict[str, bytes], dest: Path) -> Path:
    with tarfile.open(dest, "w") as tar:
        for name, data in paths.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            import io

            tar.addfile(info, io.BytesIO(data))
    return dest
