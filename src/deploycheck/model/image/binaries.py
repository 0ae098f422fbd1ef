"""Facts about executables: ELF headers, Go build information and the first line of scripts.

`ElfInfo` is what the loader and the kernel read from an ELF file (class, machine, interpreter,
DT_NEEDED, RPATH/RUNPATH, symbol versions) with the architecture named as Go and OCI name it
(`MACHINES`); `GoBuildInfo` the build information the Go toolchain embeds; the `MARK_*` names are
the markers the ELF reader sets when a Go binary links code that needs files at run time (HTTP
client, os/user, embedded tzdata). `FileHead` is the first line of an executable text file and
its shebang.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ELF e_machine → Go/OCI architecture name.
MACHINES: dict[int, str] = {
    3: "386", 8: "mips", 20: "ppc", 21: "ppc64", 22: "s390x", 40: "arm", 62: "amd64",
    183: "arm64", 243: "riscv64", 258: "loong64",
}

# Markers the ELF reader looks for in Go binaries (function names in the pclntab).
MARK_HTTP_CLIENT = "http-client"  # net/http.(*Transport).dialConn: the program makes HTTP requests
MARK_OS_USER = "os-user"  # os/user.Current / Lookup*: reads the user database
MARK_TZDATA = "tzdata-embedded"  # time/tzdata linked in: zone data needs no files
MARK_HTTPS_LITERAL = "https-literal"  # an https:// string literal
MARK_X509_FALLBACK = "x509-fallback"  # golang.org/x/crypto/x509roots/fallback


@dataclass(frozen=True, slots=True)
class GoBuildInfo:
    """The build information the Go toolchain embeds (`go version -m`)."""

    go_version: str
    path: str = ""
    main_module: str = ""
    main_version: str = ""
    deps: tuple[tuple[str, str], ...] = ()
    settings: tuple[tuple[str, str], ...] = ()

    def setting(self, name: str) -> str | None:
        for key, value in self.settings:
            if key == name:
                return value
        return None

    @property
    def cgo_enabled(self) -> bool | None:
        value = self.setting("CGO_ENABLED")
        return None if value is None else value == "1"

    @property
    def tags(self) -> tuple[str, ...]:
        value = self.setting("-tags") or ""
        return tuple(t for t in re.split(r"[ ,]", value) if t)

    @property
    def goarch(self) -> str:
        return self.setting("GOARCH") or ""

    def has_dep(self, prefix: str) -> str:
        """The first dependency under `prefix` (a module path prefix), or ''."""
        for module, _ in self.deps:
            base = prefix.rstrip("/")
            if module == base or module.startswith((base + "/", base + "-v")):
                return module
        return ""

    def describe(self) -> str:
        bits = [self.go_version]
        cgo = self.setting("CGO_ENABLED")
        if cgo is not None:
            bits.append(f"CGO_ENABLED={cgo}")
        if self.tags:
            bits.append("-tags=" + ",".join(self.tags))
        goos, goarch = self.setting("GOOS"), self.setting("GOARCH")
        if goos or goarch:
            bits.append(f"{goos or '?'}/{goarch or '?'}")
        return ", ".join(bits)


@dataclass(frozen=True, slots=True)
class ElfInfo:
    """What the loader and the kernel read from an ELF file. `partial`: the file was too large
    to read whole, so `needed`, `versions` and `go` may be incomplete."""

    elf_class: int  # 32 or 64
    little_endian: bool
    machine: int
    etype: str  # exec dyn rel core other
    interp: str = ""
    needed: tuple[str, ...] = ()
    rpath: tuple[str, ...] = ()
    runpath: tuple[str, ...] = ()
    soname: str = ""
    # (library, versions required from it), from DT_VERNEED: ("libc.so.6", ("GLIBC_2.34",))
    version_needs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    version_defs: tuple[str, ...] = ()
    go: GoBuildInfo | None = None
    markers: frozenset[str] = frozenset()
    partial: bool = False
    dynamic: bool = False  # has a PT_DYNAMIC segment

    @property
    def arch(self) -> str:
        name = MACHINES.get(self.machine, f"machine {self.machine}")
        if name == "amd64" and self.elf_class == 32:
            return "amd64 (x32)"
        if name == "mips" and self.elf_class == 64:
            return "mips64" + ("le" if self.little_endian else "")
        if name == "mips" and self.little_endian:
            return "mipsle"
        if name == "ppc64" and self.little_endian:
            return "ppc64le"
        return name

    @property
    def is_static(self) -> bool:
        return not self.interp and not self.needed

    @property
    def libc(self) -> str:
        """'glibc', 'musl' or '' as the loader or libc named by this binary tells."""
        text = " ".join((self.interp, *self.needed))
        if "ld-musl" in text or "libc.musl" in text:
            return "musl"
        if "ld-linux" in text or "libc.so.6" in text or "ld64.so" in text:
            return "glibc"
        return ""

    def describe(self) -> str:
        kind = "static" if self.is_static else "dynamically linked"
        bits = [f"ELF {self.elf_class}-bit {self.arch}", kind]
        if self.interp:
            bits.append(f"interpreter {self.interp}")
        if self.go is not None:
            bits.append(f"Go {self.go.describe()}")
        return ", ".join(bits)


@dataclass(frozen=True, slots=True)
class FileHead:
    """The first line of an executable non-ELF file (up to 256 bytes), as bytes decoded with
    surrogateescape; `crlf` when it ends in CR LF."""

    first_line: str
    crlf: bool = False

    @property
    def shebang(self) -> tuple[str, ...] | None:
        """`#!/usr/bin/env python3` → ('/usr/bin/env', 'python3'); None without `#!`. Linux
        passes everything after the interpreter as one argument."""
        if not self.first_line.startswith("#!"):
            return None
        text = self.first_line[2:].rstrip("\n").strip(" \t")
        if not text:
            return ()
        parts = text.split(None, 1)
        return tuple(parts)
