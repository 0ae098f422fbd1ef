"""`deploycheck image` as users run it: formats, exit codes, --sizes, usage errors, OCI layouts."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

import pytest
from image_helpers import docker_archive, layer, write

from deploycheck.cli.main import main
from deploycheck.gatherers import elf
from deploycheck.gatherers.image_source import (
    Engine,
    SourceError,
    gather,
    normalize_platform,
    platform_matches,
)

CGO = elf.write(interp="/lib64/ld-linux-x86-64.so.2", needed=("libc.so.6",))
STATIC = elf.write()


def _archive(tmp_path: Path, program: bytes = CGO) -> Path:
    lay = layer(("app", program, tarfile.REGTYPE, "", 0o755), ("tmp/junk", b"\0" * (2 << 20)))
    second = layer(("tmp/.wh.junk", b""))
    return write(
        tmp_path / "img.tar",
        docker_archive([lay, second], {"config": {"Entrypoint": ["/app"], "User": "10001"}}),
    )


def test_text_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["image", str(_archive(tmp_path)), "--no-color"])
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "image=test/img:1 layer=" in out
        and "path_in_image=/app: IM016 [error] elf-interpreter-missing" in out
    )
    assert out.rstrip().endswith("in 2 files.") or "Found 1 error" in out


def test_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["image", str(_archive(tmp_path)), "--format", "json", "--fail-on", "never"])
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["tool", "findings", "summary", "files_checked"]
    [finding] = [f for f in data["findings"] if f["rule"] == "IM016"]
    assert finding["location"]["image"] == "test/img:1" and finding["location"]["path_in_image"] == "/app"
    assert "path" not in finding["location"]


def test_clean_image_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["image", str(_archive(tmp_path, STATIC)), "-q"]) == 0


def test_sizes_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(_archive(tmp_path, STATIC))
    main(["image", path, "--sizes"])
    out = capsys.readouterr().out
    assert "Size report for test/img:1 (linux/amd64): 2 layers" in out
    assert "2.0 MiB hidden by later layers" in out and "/tmp/junk" in out
    main(["image", path, "--sizes", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    sizes = [f for f in data["findings"] if f["rule"] == "IM050"]
    assert sizes and all(f["severity"] == "info" for f in sizes)
    assert any("hidden by later layers" in f["message"] for f in sizes)


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["image", str(empty)]) == 2
    assert "not an OCI image layout" in capsys.readouterr().err
    assert main(["image", str(_archive(tmp_path)), "--max-ratio", "0"]) == 2


def test_platform_mismatch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["image", str(_archive(tmp_path, STATIC)), "--platform", "linux/arm64", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert any(
        f["rule"] == "IM004" and "built for linux/amd64, not for linux/arm64" in f["message"]
        for f in data["findings"]
    )


def _blob(root: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    (root / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
    (root / "blobs" / "sha256" / digest).write_bytes(data)
    return "sha256:" + digest


def _oci(root: Path) -> Path:
    """A multi-platform OCI layout: an index (amd64 + arm64 + an attestation) behind index.json."""
    manifests = []
    for arch, program in (("amd64", elf.write(machine="amd64")), ("arm64", elf.write(machine="arm64"))):
        lay = _blob(root, layer(("app", program, tarfile.REGTYPE, "", 0o755)))
        cfg = _blob(
            root,
            json.dumps({"architecture": arch, "os": "linux", "config": {"Entrypoint": ["/app"]}}).encode(),
        )
        man = json.dumps(
            {
                "schemaVersion": 2,
                "config": {"digest": cfg},
                "layers": [{"digest": lay, "mediaType": "application/vnd.oci.image.layer.v1.tar"}],
            }
        )
        digest = _blob(root, man.encode())
        manifests.append(
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": digest,
                "platform": {"os": "linux", "architecture": arch},
            }
        )
    manifests.append(
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifests[0]["digest"],
            "platform": {"os": "unknown", "architecture": "unknown"},
            "annotations": {"vnd.docker.reference.type": "attestation-manifest"},
        }
    )
    index = _blob(root, json.dumps({"schemaVersion": 2, "manifests": manifests}).encode())
    (root / "index.json").write_text(
        json.dumps(
            {
                "schemaVersion": 2,
                "manifests": [
                    {
                        "mediaType": "application/vnd.oci.image.index.v1+json",
                        "digest": index,
                        "annotations": {"org.opencontainers.image.ref.name": "1.0"},
                    }
                ],
            }
        )
    )
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    return root


def test_oci_layout_per_platform(tmp_path: Path) -> None:
    root = _oci(tmp_path / "oci")
    amd = gather(str(root), platform="linux/amd64")
    arm = gather(str(root), platform="linux/arm64/v8")
    assert not amd.problems and not arm.problems
    assert amd.images[0].elf("/app").arch == "amd64"  # type: ignore[union-attr]
    assert arm.images[0].elf("/app").arch == "arm64"  # type: ignore[union-attr]
    assert amd.images[0].source == "oci-layout" and amd.images[0].ref == "1.0"
    none = gather(str(root), platform="linux/s390x")
    assert not none.images and none.problems[0].kind == "platform"
    assert "offers linux/amd64, linux/arm64" in none.problems[0].message
    tar_path = tmp_path / "oci.tar"
    with tarfile.open(tar_path, "w") as tar:
        tar.add(root, arcname=".")
    assert gather(str(tar_path), platform="linux/arm64").images[0].source == "oci-archive"


def test_oci_layout_symlinked_blob_is_not_followed(tmp_path: Path) -> None:
    root = _oci(tmp_path / "oci")
    for blob in [p for p in (root / "blobs" / "sha256").iterdir() if p.stat().st_size > 1000]:
        blob.unlink()
        blob.symlink_to("/etc/passwd")  # a layer blob pointing out of the layout
    result = gather(str(root), platform="linux/amd64")
    assert not result.images[0].complete
    assert any("has no blob" in p.message for p in result.problems)
    assert "/passwd" not in " ".join(result.images[0].files)


def test_the_engine_is_found_as_containers_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`image REF` shares the containers gatherer's discovery (DOCKER_HOST, contexts, the default
    socket, tested there) and its client; an engine nobody can name is a clear SourceError."""
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")  # discard port: nothing answers
    engine = Engine()
    assert engine.host == "tcp://127.0.0.1:9"
    refused = r"the Docker engine at tcp://127.0.0.1:9 \(DOCKER_HOST\) does not answer"
    with pytest.raises(SourceError, match=refused):
        gather("shop:1.0")
    monkeypatch.delenv("DOCKER_HOST")
    monkeypatch.setenv("DOCKER_CONTEXT", "missing")
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    with pytest.raises(SourceError, match="no readable metadata"):
        Engine()


def test_platform_names() -> None:
    assert normalize_platform("linux/arm64/v8") == ("linux", "arm64", "")
    assert normalize_platform("x86_64") == ("linux", "amd64", "")
    assert platform_matches("linux/arm/v7", "linux", "arm", "v7")
    assert not platform_matches("linux/arm/v7", "linux", "arm", "v6")
    assert platform_matches("linux/amd64", "linux", "amd64", "")
