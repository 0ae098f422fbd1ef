"""Real apps and local base images for building what `init` writes, with no registry.

- A Gin app whose modules are vendored from Debian's Go packages (/usr/share/gocode): `go list`
  in GOPATH mode finds the packages it needs, each is copied to vendor/ with a go.mod and
  vendor/modules.txt that agree, so `go build -mod=vendor` works offline.
- `golang:<ver>`: the Debian test image with Debian's Go toolchain streamed in (`docker build -`
  with a tar context, nothing copied to disk).
- `gcr.io/distroless/static-debian12:nonroot`: FROM scratch with what distroless's static image
  holds that matters here: /etc/passwd and /etc/group with `nonroot` (65532), /tmp, CA bundle.
- `python:<ver>-slim`: a Debian root filesystem made once by debootstrap with python3, pip,
  Flask and gunicorn from Debian, imported with `docker import`.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from infra.docker import CACHE, debian_image, image_exists

GOPATH = Path("/usr/share/gocode")
GOROOT = Path("/usr/lib/go-1.19")
DISTROLESS = "gcr.io/distroless/static-debian12:nonroot"

GIN_APP = '''package main

import (
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
)

func main() {
	r := gin.New()
	r.Use(gin.Recovery())
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	r.GET("/hello/:name", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"hello": c.Param("name"), "mode": gin.Mode()})
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if err := r.Run(":" + port); err != nil {
		panic(err)
	}
}
'''

FLASK_APP = '''import os

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/healthz")
def health():
    return jsonify(ok=True)


@app.get("/hello/<name>")
def hello(name):
    return jsonify(hello=name, workers=os.environ.get("WEB_CONCURRENCY"))
'''


def _go_env() -> dict[str, str]:
    return dict(os.environ, GO111MODULE="off", GOPATH=str(GOPATH), GOFLAGS="",
                GOCACHE=str(CACHE / "go" / "cache"))


def _module_of(pkg: str) -> tuple[str, str, str]:
    """(module path, module root on disk, go version) of a package in Debian's GOPATH."""
    src = GOPATH / "src"
    folder = src / pkg
    while folder != src:
        mod = folder / "go.mod"
        if mod.is_file():
            text = mod.read_text(errors="replace")
            name = re.search(r"^module\s+(\S+)", text, re.M)
            go = re.search(r"^go\s+(\d+\.\d+)", text, re.M)
            rel = folder.relative_to(src).as_posix()
            return (name.group(1).strip('"') if name else rel), rel, go.group(1) if go else ""
        folder = folder.parent
    return "/".join(pkg.split("/")[:3]), "/".join(pkg.split("/")[:3]), ""


def write_gin_app(dest: Path, module: str = "example.com/shop") -> Path:
    """A Gin app with vendor/ made from Debian's packages; returns `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "main.go").write_text(GIN_APP)
    proc = subprocess.run(["go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}",
                           "."], cwd=dest, env=_go_env(), capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"go list failed:\n{proc.stderr}")
    packages = [p for p in proc.stdout.split() if p and not p.startswith(("_", "."))]
    modules: dict[str, tuple[str, list[str]]] = {}
    for pkg in packages:
        name, root, go = _module_of(pkg)
        modules.setdefault(name, (go, []))[1].append(pkg)
        src_dir = GOPATH / "src" / pkg
        target = dest / "vendor" / (name + pkg[len(root):] if pkg.startswith(root) else pkg)
        target.mkdir(parents=True, exist_ok=True)
        for entry in src_dir.iterdir():
            if entry.is_file() and not entry.name.endswith("_test.go"):
                shutil.copyfile(entry, target / entry.name)
    lines, requires = [], []
    for name in sorted(modules):
        go, pkgs = modules[name]
        major = re.search(r"[./]v(\d+)$", name)
        version = f"v{major.group(1)}.0.0" if major and major.group(1) not in ("0", "1") else "v0.0.0"
        lines.append(f"# {name} {version}")
        lines.append("## explicit" + (f"; go {go}" if go else ""))
        lines.extend(sorted(pkgs))
        requires.append(f"\t{name} {version}")
    (dest / "vendor" / "modules.txt").write_text("\n".join(lines) + "\n")
    (dest / "go.mod").write_text(f"module {module}\n\ngo 1.19\n\nrequire (\n" + "\n".join(requires)
                                 + "\n)\n")
    (dest / "go.sum").write_text("")  # -mod=vendor reads no checksums; go.sum is committed anyway
    return dest


def write_flask_app(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "app.py").write_text(FLASK_APP)
    (dest / "requirements.txt").write_text("flask\ngunicorn\n")
    (dest / ".python-version").write_text("3.11\n")
    return dest


def _stream_build(tag: str, dockerfile: str, files: dict[str, Path]) -> None:
    """`docker build -` with a tar context made on the fly (symlinks followed)."""
    proc = subprocess.Popen(["docker", "build", "-q", "-t", tag, "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    with tarfile.open(fileobj=proc.stdin, mode="w|", dereference=True) as tar:
        data = dockerfile.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        for name, path in files.items():
            tar.add(str(path), arcname=name)
    proc.stdin.close()
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()  # -q: little output, no pipe can fill up
    proc.wait(timeout=900)
    if proc.returncode != 0:
        raise AssertionError(f"building {tag} failed:\n{out.decode()}\n{err.decode()}")


def golang_image(version: str = "1.19") -> str:
    """`golang:<version>` made of the Debian image and Debian's Go (built once per machine)."""
    tag = f"golang:{version}"
    if image_exists(tag):
        return tag
    if not (GOROOT / "bin" / "go").exists():
        pytest.skip("Debian's Go 1.19 is not installed (golang-1.19-go)")
    base = debian_image()
    files = {f"go/{name}": GOROOT / name for name in ("VERSION", "bin", "src")}
    files["go/pkg/tool"] = GOROOT / "pkg" / "tool"
    files["go/pkg/include"] = GOROOT / "pkg" / "include"
    _stream_build(tag, f"FROM {base}\nCOPY go /usr/local/go\n"
                       "ENV PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
                       ":/sbin:/bin GOPATH=/go GOTOOLCHAIN=local\nWORKDIR /go\n", files)
    return tag


def distroless_static() -> str:
    if image_exists(DISTROLESS):
        return DISTROLESS
    root = CACHE / "distroless-static"
    if root.exists():
        shutil.rmtree(root)
    (root / "etc" / "ssl" / "certs").mkdir(parents=True)
    (root / "tmp").mkdir()
    (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/sbin/nologin\n"
                                        "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")
    (root / "etc" / "group").write_text("root:x:0:\nnonroot:x:65532:\n")
    bundle = Path("/etc/ssl/certs/ca-certificates.crt")
    (root / "etc" / "ssl" / "certs" / "ca-certificates.crt").write_bytes(
        bundle.read_bytes() if bundle.exists() else b"")
    _stream_build(DISTROLESS, "FROM scratch\nCOPY rootfs/ /\nUSER 65532:65532\n",
                  {"rootfs": root})
    return DISTROLESS


def python_image(version: str = "3.11") -> str:
    """`python:<version>-slim`: Debian bookworm with its python3 (3.11), pip, Flask, gunicorn."""
    tag = f"python:{version}-slim"
    if image_exists(tag):
        return tag
    if shutil.which("debootstrap") is None:
        pytest.fail("debootstrap is not installed (scripts/setup.sh --test installs it)")
    root = CACHE / "bookworm-python"
    done = root / ".deploycheck-complete"
    if not done.exists():
        if root.exists():
            shutil.rmtree(root)
        root.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["debootstrap", "--variant=minbase",
                        "--include=python3,python3-pip,python-is-python3,python3-flask,gunicorn",
                        "bookworm", str(root)], check=True, capture_output=True, timeout=1500)
        # The official image's pip installs into the system; Debian marks its own as managed.
        for marker in root.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
            marker.unlink()
        shutil.rmtree(root / "var" / "cache" / "apt" / "archives", ignore_errors=True)
        done.write_text("ok\n")
    tar = subprocess.Popen(["tar", "-C", str(root), "--exclude=./.deploycheck-complete", "-c", "."],
                           stdout=subprocess.PIPE)
    assert tar.stdout is not None
    subprocess.run(["docker", "import", "--change", "ENV PATH=/usr/local/bin:/usr/bin:/bin",
                    "--change", 'CMD ["python3"]', "-", tag], stdin=tar.stdout, check=True,
                   capture_output=True, timeout=900)
    tar.stdout.close()
    tar.wait()
    return tag
