"""The streaming reader on archives written by hand: layouts, compression, whiteouts, and
malformed, truncated and hostile input — each must end in a clear problem, never an exception,
never a write outside the image."""

from __future__ import annotations

import io
import json
import tarfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from image_helpers import docker_archive, findings, gz, layer, write

from deploycheck.gatherers import elf
from deploycheck.gatherers.image_reader import Budget, LayerScan, Limits, scan_layer
from deploycheck.gatherers.image_source import gather, read_stream
from deploycheck.model.image import ImageFacts, ImageProblem

APP = elf.write()  # a static amd64 program
CFG = {"config": {"Entrypoint": ["/app"]}}


def _one(path: Path, **kw: object) -> tuple[ImageFacts | None, list[ImageProblem]]:
    result = gather(str(path), platform="linux/amd64", **kw)  # type: ignore[arg-type]
    return (result.images[0] if result.images else None), result.problems


def test_plain_gzip_and_zstd_layers_with_whiteouts(tmp_path: Path) -> None:
    base = layer(
        ("app", APP, tarfile.REGTYPE, "", 0o755),
        ("etc/", b"", tarfile.DIRTYPE),
        ("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"),
        ("srv/old/a.txt", b"a" * 2000),
        ("srv/old/b.txt", b"b" * 3000),
        ("tmp/big.bin", b"\0" * 50_000),
    )
    zstandard = pytest.importorskip("zstandard")

    second = zstandard.ZstdCompressor().compress(
        layer(("tmp/.wh.big.bin", b""), ("srv/old/.wh..wh..opq", b""), ("srv/old/new.txt", b"new"))
    )
    third = gz(layer(("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/app:/bin/false\n")))
    path = write(tmp_path / "img.tar", docker_archive([base, second, third], CFG))
    image, problems = _one(path)
    assert problems == [] and image is not None
    assert [layer.compression for layer in image.layers] == ["none", "zstd", "gzip"]
    assert "/tmp/big.bin" not in image.files and "/srv/old/a.txt" not in image.files
    assert "/srv/old/new.txt" in image.files and image.files["/srv/old"].kind == "dir"
    assert image.text("/etc/passwd") is not None and "app:x:10001" in (image.text("/etc/passwd") or "")
    assert image.files["/etc/passwd"].layer == 2
    assert image.layers[0].wasted == 50_000 + 2000 + 3000 + len(b"root:x:0:0:root:/root:/bin/sh\n")
    assert {w.path for w in image.wasted} >= {"/tmp/big.bin", "/srv/old/a.txt"}
    assert image.elf("/app") is not None and image.complete


def test_docker_20_layout_and_compressed_outer_archive(tmp_path: Path) -> None:
    lay = layer(("app", APP, tarfile.REGTYPE, "", 0o755))
    raw = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            **CFG,
            "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "a" * 64]},
            "history": [{"created_by": "COPY app /app"}],
        }
    ).encode()
    manifest = json.dumps([{"Config": "cfg.json", "RepoTags": ["old/style:1"], "Layers": ["abc/layer.tar"]}])
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in (
            ("abc/layer.tar", lay),
            ("abc/VERSION", b"1.0"),
            ("cfg.json", raw),
            ("manifest.json", manifest.encode()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path = write(tmp_path / "old.tar", out.getvalue())
    image, problems = _one(path)
    assert not problems and image is not None and image.ref == "old/style:1"
    assert image.layers[0].created_by == "COPY app /app" and image.layers[0].short == "a" * 12
    zipped = write(tmp_path / "old.tar.gz", gz(out.getvalue()))
    image2, problems2 = _one(zipped)
    assert not problems2 and image2 is not None and set(image2.files) == set(image.files)


def _problem_kinds(problems: list[ImageProblem]) -> set[str]:
    return {p.kind for p in problems}


def test_absolute_path_and_dotdot_escape_are_refused(tmp_path: Path) -> None:
    lay = layer(
        ("app", APP, tarfile.REGTYPE, "", 0o755),
        ("/etc/cron.d/evil", b"x"),
        ("../../../root/.ssh/authorized_keys", b"ssh-ed25519 AAAA"),
        ("a/../../escape", b"x"),
        ("ok/../fine.txt", b"x"),
    )
    image, problems = _one(write(tmp_path / "h.tar", docker_archive([lay], CFG)))
    assert image is not None
    messages = [p.message for p in problems if p.kind == "unsafe"]
    assert any("'/etc/cron.d/evil': an absolute path" in m for m in messages)
    assert any("authorized_keys" in m and "climbs out" in m for m in messages)
    assert any("a/../../escape" in m for m in messages)
    assert "/fine.txt" in image.files and not any("evil" in p or "authorized" in p for p in image.files)
    found = findings([image, *problems], ("IM002",))
    assert len(found) == 3 and all(f.location.extra[0] == ("image", "test/img:1") for f in found)


def test_device_nodes_and_hard_links_out_of_the_tree(tmp_path: Path) -> None:
    lay = layer(
        ("app", APP, tarfile.REGTYPE, "", 0o755),
        ("dev/null", b"", tarfile.CHRTYPE),
        ("srv/disk", b"", tarfile.BLKTYPE),
        ("srv/shadow", b"", tarfile.LNKTYPE, "../../etc/shadow"),
        ("srv/ghost", b"", tarfile.LNKTYPE, "srv/nothing"),
        ("srv/copy", b"", tarfile.LNKTYPE, "app"),
    )
    image, problems = _one(write(tmp_path / "d.tar", docker_archive([lay], CFG)))
    assert image is not None
    text = " ".join(p.message for p in problems)
    assert "block device node at /srv/disk" in text and "/dev/null" not in text
    assert "hard link /srv/shadow" in text and "outside" in text
    assert "hard link /srv/ghost -> /srv/nothing names no regular file" in text
    assert image.files["/srv/copy"].kind == "hardlink" and image.elf("/srv/copy") is not None


def test_symlink_loop_gives_a_clear_finding(tmp_path: Path) -> None:
    lay = layer(("a", b"", tarfile.SYMTYPE, "b"), ("b", b"", tarfile.SYMTYPE, "/a"))
    image, problems = _one(
        write(tmp_path / "l.tar", docker_archive([lay], {"config": {"Entrypoint": ["/a"]}}))
    )
    assert image is not None and not problems
    assert image.lookup("/a").error == "loop"
    found = findings([image], ("IM010",))
    assert found and "too many levels of symbolic links" in found[0].message


def test_gzip_bomb_is_stopped_quickly(tmp_path: Path) -> None:
    bomb = gz(layer(("app", APP, tarfile.REGTYPE, "", 0o755), ("zeros", b"\0" * (40 << 20))))
    assert len(bomb) < 200_000
    path = write(tmp_path / "bomb.tar", docker_archive([bomb], CFG))
    started = time.perf_counter()
    image, problems = _one(path, limits=Limits(max_ratio=20, ratio_floor=8 << 20))
    assert time.perf_counter() - started < 5
    assert image is not None and not image.complete
    limit = [p for p in problems if p.kind == "limit"]
    assert limit and "expands more than 20:1" in limit[0].message
    assert findings([image, *problems], ("IM003",))
    assert not findings([image, *problems], ("IM010",))  # absence is not reported on a partial read


def test_total_byte_budget(tmp_path: Path) -> None:
    lay = layer(("app", APP, tarfile.REGTYPE, "", 0o755), ("data", b"x" * 300_000))
    _image, problems = _one(
        write(tmp_path / "b.tar", docker_archive([lay, lay], CFG)), limits=Limits(max_bytes=400_000)
    )
    assert any(p.kind == "limit" and "--max-bytes" in p.message for p in problems)


def test_truncated_member(tmp_path: Path) -> None:
    full = docker_archive([layer(("app", APP, tarfile.REGTYPE, "", 0o755), ("big", b"z" * 100_000))], CFG)
    # cut inside the layer blob (the first member of the archive)
    path = write(tmp_path / "t.tar", full[:40_000])
    image, problems = _one(path)
    assert image is None
    assert problems and problems[0].kind == "unreadable"
    assert "truncated" in " ".join(p.message for p in problems) or "no manifest" in problems[0].message
    found = findings(list(problems), ("IM001",))
    assert found and found[0].location.extra[0] == ("image", "t.tar")


def test_truncated_gzip_layer_inside_a_whole_archive(tmp_path: Path) -> None:
    blob = gz(layer(("app", APP, tarfile.REGTYPE, "", 0o755), ("x", b"y" * 10_000)))[:-30]
    image, problems = _one(write(tmp_path / "tg.tar", docker_archive([blob], CFG)))
    assert image is not None and not image.complete
    assert any(p.kind == "unreadable" and "gzip stream is truncated" in p.message for p in problems)


def test_bad_checksum_and_garbage(tmp_path: Path) -> None:
    lay = bytearray(layer(("app", APP, tarfile.REGTYPE, "", 0o755)))
    lay[148:156] = b"0000000\0"
    _image, problems = _one(write(tmp_path / "c.tar", docker_archive([bytes(lay)], CFG)))
    assert any("bad header checksum" in p.message for p in problems)
    _, problems = _one(write(tmp_path / "g.tar", b"this is not a tar file at all" * 40))
    assert problems and problems[0].kind == "unreadable"
    _, problems = _one(write(tmp_path / "e.tar", b""))
    assert problems and "empty" in problems[0].message


def test_huge_pax_header_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("app")
        info.pax_headers = {"comment": "x" * (2 << 20)}
        info.size = len(APP)
        info.mode = 0o755
        tar.addfile(info, io.BytesIO(APP))
    _image, problems = _one(write(tmp_path / "p.tar", docker_archive([out.getvalue()], CFG)))
    assert any(p.kind == "unsafe" and "extended header" in p.message for p in problems)


def test_missing_blob_and_bad_manifest(tmp_path: Path) -> None:
    manifest = json.dumps([{"Config": "nope.json", "Layers": []}]).encode()
    _, problems = _one(write(tmp_path / "m.tar", docker_archive([], CFG, manifest=manifest)))
    assert problems and "nope.json" in problems[0].message
    _, problems = _one(write(tmp_path / "j.tar", docker_archive([], CFG, manifest=b"{not json")))
    assert problems and "not valid JSON" in problems[0].message
    manifest = json.dumps([{"Config": "blobs/sha256/../../../../etc/passwd", "Layers": []}]).encode()
    _, problems = _one(write(tmp_path / "x.tar", docker_archive([], CFG, manifest=manifest)))
    assert problems and problems[0].kind == "unreadable"


def test_long_names_gnu_and_pax(tmp_path: Path) -> None:
    deep = "/".join(["d" * 40] * 6) + "/file.txt"
    for fmt in (tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
        lay = layer(("app", APP, tarfile.REGTYPE, "", 0o755), (deep, b"x"), fmt=fmt)
        image, problems = _one(write(tmp_path / f"n{fmt}.tar", docker_archive([lay], CFG)))
        assert image is not None and not problems and "/" + deep in image.files


def test_stream_reading_matches_random_access(tmp_path: Path) -> None:
    lays = [layer(("app", APP, tarfile.REGTYPE, "", 0o755), ("a/b", b"1")), gz(layer(("a/.wh.b", b"")))]
    data = docker_archive(lays, CFG)
    image, _ = _one(write(tmp_path / "s.tar", data))
    streamed = read_stream(io.BytesIO(data), "s", "linux/amd64", Limits())
    assert image is not None and streamed.images
    assert set(streamed.images[0].files) == set(image.files)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=6000))
def test_layer_scan_never_raises(data: bytes) -> None:
    scan = scan_layer(io.BytesIO(data), LayerScan(0), Limits(max_header=4096), Budget(Limits()))
    assert scan.complete or scan.problems


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=64), st.integers(min_value=0, max_value=20000))
def test_whole_archive_corruption_never_raises(noise: bytes, at: int) -> None:
    data = bytearray(docker_archive([layer(("app", APP, tarfile.REGTYPE, "", 0o755), ("x/y", b"z"))], CFG))
    at %= len(data)
    data[at : at + len(noise)] = noise
    read_stream(io.BytesIO(bytes(data)), "fuzz", "linux/amd64", Limits())


@pytest.mark.parametrize("count", [5000])
def test_many_members_are_bounded(tmp_path: Path, count: int) -> None:
    lay = layer(*[(f"f/{i}", b"") for i in range(count)])
    _, problems = _one(
        write(tmp_path / "many.tar", docker_archive([lay], CFG)), limits=Limits(max_members=1000)
    )
    assert any(p.kind == "limit" and "tar members" in p.message for p in problems)
