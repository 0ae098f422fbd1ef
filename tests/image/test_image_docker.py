"""`deploycheck image` against images built for real on the local Docker engine (no registry):
FROM scratch with Go programs compiled here, and the debootstrapped Debian image; read through
`docker save` tarballs, OCI layouts made by skopeo, and the engine's own export API."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploycheck.engine.config import Config
from deploycheck.engine.live import run_on_facts
from deploycheck.gatherers.image_source import gather
from deploycheck.model import Finding
from infra.docker import build, debian_image, require_engine, save, scratch_image, tag_as
from infra.goapps import GIN_HELLO, build_go

pytestmark = pytest.mark.docker

HTTPS_CLIENT = """package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	resp, err := http.Get("https://example.com/")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(resp.Status)
}
"""
PREFIX = f"dctest-image-{secrets.token_hex(3)}"
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")


def _checked(ref: str) -> tuple[list[Finding], object]:
    result = gather(ref, platform="linux/amd64")
    items: list[object] = [*result.images, *result.problems]
    return list(run_on_facts("image", ref, items, Config(jobs=1)).findings), result


def _codes(found: list[Finding]) -> set[str]:
    return {f.rule for f in found}


def _errors(found: list[Finding]) -> list[str]:
    return [f"{f.rule} {f.message}" for f in found if f.severity.value == "error"]


def _ext_module(work: Path) -> Path:
    """A real shared object whose DT_NEEDED names libpq.so.5 (linked against a stub libpq)."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed")
    (work / "stub.c").write_text("int PQlibVersion(void) { return 160000; }\n")
    (work / "ext.c").write_text(
        "int PQlibVersion(void);\nint PyInit__psycopg(void) { return PQlibVersion(); }\n"
    )
    subprocess.run(
        [
            "gcc",
            "-shared",
            "-fPIC",
            "-Wl,-soname,libpq.so.5",
            "-o",
            str(work / "libpq.so.5"),
            str(work / "stub.c"),
        ],
        check=True,
        capture_output=True,
    )
    out = work / "_psycopg.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(out), str(work / "ext.c"), f"-L{work}", "-l:libpq.so.5"],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="session")
def images(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    require_engine()
    work = tmp_path_factory.mktemp("images")
    static_client = build_go(HTTPS_CLIENT)
    cgo_client = build_go(HTTPS_CLIENT, cgo=True)
    arm = build_go(GIN_HELLO, goarch="arm64")
    gin = build_go(GIN_HELLO)
    tags: dict[str, str] = {}

    def scratch(name: str, files: dict[str, tuple[Path | bytes, int]], config: dict[str, str]) -> None:
        tags[name] = scratch_image(f"{PREFIX}-{name}:1", files, config, workdir=work)

    ca = (HOST_CA.read_bytes() if HOST_CA.exists() else b"-----BEGIN CERTIFICATE-----\n", 0o644)
    scratch(
        "clean",
        {"/app": (static_client, 0o755), "/etc/ssl/certs/ca-certificates.crt": ca},
        {"USER": "65532:65532", "ENTRYPOINT": '["/app"]'},
    )
    scratch(
        "cgo",
        {"/app": (cgo_client, 0o755), "/etc/ssl/certs/ca-certificates.crt": ca},
        {"ENTRYPOINT": '["/app"]'},
    )
    scratch("noca", {"/app": (static_client, 0o755)}, {"ENTRYPOINT": '["/app"]'})
    scratch("shell", {"/app": (gin, 0o755)}, {"CMD": "/app --port 8080"})
    scratch("arm", {"/app": (arm, 0o755)}, {"ENTRYPOINT": '["/app"]'})
    scratch(
        "health",
        {"/app": (gin, 0o755)},
        {"ENTRYPOINT": '["/app"]', "HEALTHCHECK": 'CMD ["curl", "-f", "http://localhost:8080/healthz"]'},
    )
    debian = debian_image()
    base = f"{PREFIX}-debian:bookworm"
    tag_as(debian, base)
    ext = _ext_module(work)
    py = work / "py"
    py.mkdir()
    shutil.copy(ext, py / "ext.so")
    (py / "Dockerfile").write_text(
        f"FROM {base}\nCOPY ext.so /usr/local/lib/python3.11/site-packages/psycopg2/"
        '_psycopg.cpython-311-x86_64-linux-gnu.so\nCMD ["/bin/sh"]\n'
    )
    tags["python"] = build(py, f"{PREFIX}-python:1")
    sec = work / "secret"
    sec.mkdir()
    (sec / ".env").write_text("DATABASE_PASSWORD=pr0d-s3cret-pw\n")
    (sec / "Dockerfile").write_text(
        f'FROM {base}\nCOPY .env /srv/.env\nRUN rm /srv/.env\nUSER 1000\nCMD ["/bin/sleep", "infinity"]\n'
    )
    tags["secret"] = build(sec, f"{PREFIX}-secret:1")
    saved = {name: str(save(tag, work / f"{name}.tar")) for name, tag in tags.items()}
    tags.update({f"{name}.tar": path for name, path in saved.items()})
    tags["work"] = str(work)
    yield tags
    names = [t for k, t in tags.items() if ":" in t and not k.endswith(".tar") and k != "work"]
    subprocess.run(["docker", "rmi", "-f", *names, base], capture_output=True, check=False)


def test_static_go_on_scratch_with_certificates_is_clean(images: dict[str, str]) -> None:
    found, _ = _checked(images["clean.tar"])
    assert _errors(found) == []
    assert not {"IM016", "IM017", "IM020", "IM033"} & _codes(found)


def test_cgo_binary_misses_its_loader(images: dict[str, str]) -> None:
    found, _ = _checked(images["cgo.tar"])
    [loader] = [f for f in found if f.rule == "IM016"]
    assert dict(loader.location.extra)["path_in_image"] == "/app"
    assert "/lib64/ld-linux-x86-64.so.2" in loader.message and "CGO_ENABLED=1" in loader.message
    assert "no C library at all" in loader.message


def test_https_client_without_certificates(images: dict[str, str]) -> None:
    found, _ = _checked(images["noca.tar"])
    [ca] = [f for f in found if f.rule == "IM020"]
    assert (
        "Go's HTTP client is linked in" in ca.message and "x509: certificate signed by unknown" in ca.message
    )


def test_shell_form_on_scratch(images: dict[str, str]) -> None:
    found, _ = _checked(images["shell.tar"])
    assert "IM012" in _codes(found)
    assert next(f for f in found if f.rule == "IM012").location.extra[-1] == ("path_in_image", "/bin/sh")


def test_arm64_binary_in_amd64_image(images: dict[str, str]) -> None:
    found, _ = _checked(images["arm.tar"])
    [arch] = [f for f in found if f.rule == "IM015"]
    assert "64-bit arm64 program" in arch.message and "GOARCH" in arch.fix
    assert "linux/arm64" in arch.message and "exec format error" in arch.message


def test_healthcheck_calls_curl_the_image_lacks(images: dict[str, str]) -> None:
    found, _ = _checked(images["health.tar"])
    [health] = [f for f in found if f.rule == "IM025"]
    assert '`exec: "curl": executable file not found in $PATH`' in health.message


def test_psycopg2_without_libpq(images: dict[str, str]) -> None:
    found, _result = _checked(images["python.tar"])
    [ext] = [f for f in found if f.rule == "IM018"]
    assert ext.message.startswith("`import psycopg2` fails") and "libpq.so.5" in ext.message
    assert "/usr/lib/x86_64-linux-gnu" in ext.message  # the real ld.so.conf.d of Debian was read
    assert "IM010" not in _codes(found)  # /bin/sh of Debian resolves through its symlink


def test_secret_added_then_deleted(images: dict[str, str]) -> None:
    found, result = _checked(images["secret.tar"])
    [secret] = [f for f in found if f.rule == "IM030"]
    assert dict(secret.location.extra)["path_in_image"] == "/srv/.env"
    assert "still ships it" in secret.message and "pr0d" not in secret.message
    image = result.images[0]  # type: ignore[attr-defined]
    assert "/srv/.env" not in image.files
    assert any("COPY" in layer.created_by for layer in image.layers)


def test_engine_export_gives_the_same_findings(images: dict[str, str]) -> None:
    by_file, _ = _checked(images["cgo.tar"])
    by_engine, result = _checked(images["cgo"])
    assert result.images[0].source == "engine"  # type: ignore[attr-defined]
    assert [(f.rule, f.message) for f in by_engine] == [(f.rule, f.message) for f in by_file]


@pytest.mark.skipif(shutil.which("skopeo") is None, reason="skopeo is not installed")
def test_oci_layout_made_by_skopeo(images: dict[str, str]) -> None:
    work = Path(images["work"])
    layout = work / "oci-cgo"
    archive = work / "oci-cgo.tar"
    for target in (f"oci:{layout}:1.0", f"oci-archive:{archive}:1.0"):
        proc = subprocess.run(
            ["skopeo", "copy", "--quiet", f"docker-archive:{images['cgo.tar']}", target],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
    by_file, _ = _checked(images["cgo.tar"])
    for source in (layout, archive):
        found, result = _checked(str(source))
        assert result.images[0].source in ("oci-layout", "oci-archive")  # type: ignore[attr-defined]
        assert [(f.rule, f.message) for f in found] == [(f.rule, f.message) for f in by_file]


def test_truncated_and_corrupted_saves(images: dict[str, str]) -> None:
    work = Path(images["work"])
    data = Path(images["python.tar"]).read_bytes()
    cut = work / "cut.tar"
    cut.write_bytes(data[: len(data) // 2])
    found, _ = _checked(str(cut))
    assert "IM001" in _codes(found)
    assert not {"IM010", "IM016", "IM017", "IM018"} & _codes(found)
    broken = bytearray(data)
    middle = len(broken) // 3
    broken[middle : middle + 4096] = os.urandom(4096)
    bad = work / "bad.tar"
    bad.write_bytes(bytes(broken))
    found, _ = _checked(str(bad))
    assert found  # a clear finding, never an exception


def test_cli_on_an_engine_image(images: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    from deploycheck.cli.main import main

    code = main(["image", images["cgo"], "--format", "github"])
    out = capsys.readouterr().out
    assert code == 1 and "::error title=IM016 elf-interpreter-missing::" in out
