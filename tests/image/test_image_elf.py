"""The ELF reader: real binaries of this machine, bytes written by elf.write, hostile bytes."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.gatherers import elf


def _real(path: str) -> bytes:
    if not os.path.exists(path):
        pytest.skip(f"{path} is not on this machine")
    with open(path, "rb") as fh:
        return fh.read()


def test_a_real_dynamic_executable() -> None:
    path = shutil.which("ls") or "/bin/ls"
    info = elf.parse(_real(os.path.realpath(path)))
    assert info is not None
    assert info.elf_class == 64 and info.little_endian
    assert info.interp.startswith(("/lib64/ld-linux", "/lib/ld-linux", "/lib/ld-musl"))
    assert "libc.so.6" in info.needed or any("musl" in n for n in info.needed)
    assert not info.partial
    if info.libc == "glibc":
        _libc, versions = next((lib, v) for lib, v in info.version_needs if lib == "libc.so.6")
        assert any(v.startswith("GLIBC_2.") for v in versions)


def test_libc_defines_its_versions() -> None:
    for path in ("/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6"):
        if os.path.exists(path):
            info = elf.parse(_real(path))
            assert info is not None and info.soname == "libc.so.6"
            assert "GLIBC_2.2.5" in info.version_defs or "GLIBC_2.17" in info.version_defs
            return
    pytest.skip("no glibc here")


def test_written_files_read_back() -> None:
    data = elf.write(
        machine="arm64",
        etype="dyn",
        interp="/lib/ld-linux-aarch64.so.1",
        needed=("libpq.so.5", "libc.so.6"),
        rpath=("/opt/lib",),
        runpath=("$ORIGIN/../lib",),
        soname="libapp.so",
        version_needs=(("libc.so.6", ("GLIBC_2.17", "GLIBC_2.34")),),
        version_defs=("APP_1.0",),
    )
    info = elf.parse(data)
    assert info is not None
    assert (info.arch, info.etype, info.interp) == ("arm64", "dyn", "/lib/ld-linux-aarch64.so.1")
    assert info.needed == ("libpq.so.5", "libc.so.6")
    assert (info.rpath, info.runpath, info.soname) == (("/opt/lib",), ("$ORIGIN/../lib",), "libapp.so")
    assert info.version_needs == (("libc.so.6", ("GLIBC_2.17", "GLIBC_2.34")),)
    assert info.version_defs == ("APP_1.0",)
    assert info.libc == "glibc"


def test_go_build_info() -> None:
    modinfo = elf.go_modinfo(
        "example.com/api/cmd/api",
        ("example.com/api", "(devel)"),
        (("github.com/gin-gonic/gin", "v1.9.1"), ("github.com/aws/aws-sdk-go-v2", "v1.2.0")),
        (("-tags", "netgo,osusergo"), ("CGO_ENABLED", "0"), ("GOARCH", "amd64"), ("GOOS", "linux")),
    )
    data = elf.write(
        go_version="go1.22.3",
        go_modinfo=modinfo,
        extra=b"\0net/http.(*Transport).dialConn\0os/user.Current\0",
    )
    info = elf.parse(data)
    assert info is not None and info.go is not None
    go = info.go
    assert go.go_version == "go1.22.3" and go.path == "example.com/api/cmd/api"
    assert go.main_module == "example.com/api"
    assert go.cgo_enabled is False and go.tags == ("netgo", "osusergo") and go.goarch == "amd64"
    assert go.has_dep("github.com/aws/aws-sdk-go") == "github.com/aws/aws-sdk-go-v2"
    assert {"http-client", "os-user"} <= info.markers
    assert "CGO_ENABLED=0" in go.describe()


def test_big_endian_and_32_bit() -> None:
    for cls, endian in ((32, True), (32, False), (64, False)):
        data = elf.write(
            machine="arm" if cls == 32 else "s390x",
            elf_class=cls,
            little_endian=endian,
            interp="/lib/ld.so.1",
            needed=("libc.so.6",),
            go_version="go1.21.0",
        )
        info = elf.parse(data)
        assert info is not None, (cls, endian)
        assert info.elf_class == cls and info.little_endian is endian
        assert info.needed == ("libc.so.6",) and info.go is not None and info.go.go_version == "go1.21.0"


def test_a_head_only_is_partial() -> None:
    data = elf.write(needed=("libc.so.6",), interp="/lib64/ld-linux-x86-64.so.2", pad_to=1 << 16)
    info = elf.parse(data[:100], len(data))
    assert info is not None and info.partial and info.machine == 62


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x7fELF",
        b"\x7fELF" + b"\xff" * 60,
        b"#!/bin/sh\n",
        b"\0" * 4096,
        b"\x7fELF\x02\x01\x01" + b"\xff" * 200,
    ],
)
def test_not_elf_or_broken(data: bytes) -> None:
    info = elf.parse(data)
    assert info is None or info.elf_class in (32, 64)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_never_raises_on_random_bytes(data: bytes) -> None:
    elf.parse(b"\x7fELF\x02\x01\x01" + data)
    elf.parse(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=1024), st.integers(min_value=0, max_value=4000))
def test_never_raises_on_corrupted_real_layout(noise: bytes, at: int) -> None:
    data = bytearray(
        elf.write(
            interp="/lib64/ld-linux-x86-64.so.2",
            needed=("libc.so.6",),
            version_needs=(("libc.so.6", ("GLIBC_2.34",)),),
            go_version="go1.22.0",
            go_modinfo="path\tx\n",
        )
    )
    at %= len(data)
    data[at : at + len(noise)] = noise
    elf.parse(bytes(data))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefghijklmnop.-_0123456789", min_size=1, max_size=30), max_size=6),
    st.sampled_from(["amd64", "arm64", "386", "arm", "riscv64"]),
    st.sampled_from([32, 64]),
)
def test_round_trip(needed: list[str], machine: str, cls: int) -> None:
    info = elf.parse(elf.write(machine=machine, elf_class=cls, needed=tuple(needed), interp="/lib/ld.so"))
    assert info is not None
    expected = "amd64 (x32)" if (machine, cls) == ("amd64", 32) else machine
    assert info.needed == tuple(needed) and info.arch == expected and info.elf_class == cls
