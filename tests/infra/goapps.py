"""Real Go programs for the tests, built offline from Debian's Go, Gin and gin-contrib/cors.

GOPATH mode with Debian's source tree: `GO111MODULE=off GOPATH=/usr/share/gocode`.
`CGO_ENABLED=0` gives a static binary, `1` a dynamically linked one (glibc loader).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CACHE = Path(os.environ.get("DEPLOYCHECK_TEST_CACHE", "/var/cache/deploycheck-tests")) / "go"


def go_problem() -> str | None:
    if shutil.which("go") is None:
        return "Go is not installed (scripts/setup.sh --test installs golang-go)"
    if not Path("/usr/share/gocode/src/github.com/gin-gonic/gin").is_dir():
        return "Gin's Debian package is missing (golang-github-gin-gonic-gin-dev)"
    return None


def require_go() -> None:
    problem = go_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI needs Go with Gin: {problem}")
    pytest.skip(problem)


def build_go(source: str, *, cgo: bool = False, goarch: str = "", name: str = "app") -> Path:
    """Compile a single-file Go program; cached by its source and settings. Returns the binary."""
    require_go()
    key = hashlib.sha256(f"{source}\0{cgo}\0{goarch}".encode()).hexdigest()[:16]
    out_dir = CACHE / key
    binary = out_dir / name
    if binary.exists():
        return binary
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "main.go").write_text(source)
    env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode", GOCACHE=str(CACHE / "cache"),
               CGO_ENABLED="1" if cgo else "0", GOFLAGS="")
    if goarch:
        env["GOARCH"] = goarch
    proc = subprocess.run(["go", "build", "-o", str(binary), "main.go"], cwd=out_dir, env=env,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise AssertionError(f"go build failed:\n{proc.stderr}")
    return binary


GIN_HELLO = '''package main

import (
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = ":8080"
	}
	r.Run(addr)
}
'''
