"""A small ELF reader over bytes: what the kernel and the dynamic loader read from a file.

Class, byte order, machine, type, the program interpreter (PT_INTERP), the dynamic section
(DT_NEEDED, DT_RPATH, DT_RUNPATH, DT_SONAME), symbol versions needed and defined
(DT_VERNEED/DT_VERDEF, for `version 'GLIBC_2.34' not found`), and for Go programs the build
information in `.go.buildinfo` plus a few function names that say what the program does.

`parse(data, size)` never raises: it returns None for anything that is not ELF, and an
`ElfInfo` with what could be read (`partial=True` when `data` holds only the head of the file).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from deploycheck.model.image import (
    MARK_HTTP_CLIENT,
    MARK_HTTPS_LITERAL,
    MARK_OS_USER,
    MARK_TZDATA,
    MARK_X509_FALLBACK,
    ElfInfo,
    GoBuildInfo,
)

MAGIC = b"\x7fELF"
_TYPES = {1: "rel", 2: "exec", 3: "dyn", 4: "core"}
PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NEEDED, DT_STRTAB, DT_STRSZ, DT_SONAME, DT_RPATH, DT_RUNPATH = 1, 5, 10, 14, 15, 29
DT_VERDEF, DT_VERDEFNUM, DT_VERNEED, DT_VERNEEDNUM = 0x6FFFFFFC, 0x6FFFFFFD, 0x6FFFFFFE, 0x6FFFFFFF
BUILDINFO_MAGIC = b"\xff Go buildinf:"
_MAX_ENTRIES = 4096  # dynamic entries, version records: bounds against hostile files

# Function names (pclntab) and strings that tell what a Go program does.
_GO_MARKERS = (
    (MARK_HTTP_CLIENT, (b"net/http.(*Transport).dialConn",)),
    (MARK_OS_USER, (b"os/user.Current", b"os/user.Lookup")),
    (MARK_TZDATA, (b"time/tzdata.init",)),
    (MARK_X509_FALLBACK, (b"golang.org/x/crypto/x509roots/fallback",)),
    (MARK_HTTPS_LITERAL, (b"https://",)),
)


class _Elf:
    def __init__(self, data: bytes | bytearray, size: int) -> None:
        self.data = data
        self.size = size
        self.is64 = data[4] == 2
        self.le = data[5] != 2
        self.end = "<" if self.le else ">"
        self.loads: list[tuple[int, int, int]] = []  # (vaddr, offset, filesz)

    def unpack(self, fmt: str, offset: int) -> tuple[int, ...] | None:
        fmt = self.end + fmt
        width = struct.calcsize(fmt)
        if offset < 0 or offset + width > len(self.data):
            return None
        return struct.unpack_from(fmt, self.data, offset)

    def cstr(self, offset: int, limit: int = 4096) -> str | None:
        if offset < 0 or offset >= len(self.data):
            return None
        end = self.data.find(b"\0", offset, offset + limit)
        if end < 0:
            return None
        return self.data[offset:end].decode("utf-8", "surrogateescape")

    def offset_of(self, vaddr: int) -> int | None:
        for start, offset, filesz in self.loads:
            if start <= vaddr < start + filesz:
                return offset + (vaddr - start)
        return None


def parse(data: bytes | bytearray, size: int | None = None) -> ElfInfo | None:
    """ELF facts of a file whose first bytes are `data` (all of it when `size` is None or equal
    to len(data)). None when it is not ELF or its header is unreadable."""
    try:
        return _parse(data, len(data) if size is None else size)
    except (struct.error, IndexError, ValueError, OverflowError):
        return None


def _parse(data: bytes | bytearray, size: int) -> ElfInfo | None:
    if len(data) < 52 or data[:4] != MAGIC or data[4] not in (1, 2) or data[5] not in (1, 2):
        return None
    elf = _Elf(data, size)
    partial = len(data) < size
    head = elf.unpack("HHIQQQIHHHHHH" if elf.is64 else "HHIIIIIHHHHHH", 16)
    if head is None:
        return None
    e_type, machine, _, _, phoff, shoff, _, _, phentsize, phnum, shentsize, shnum, shstrndx = head
    etype = _TYPES.get(e_type, "other")
    interp = ""
    dynamic: tuple[int, int] | None = None
    if phnum > 0 and phentsize >= (56 if elf.is64 else 32):
        for index in range(min(phnum, 512)):
            at = phoff + index * phentsize
            if elf.is64:
                ph = elf.unpack("IIQQQQQQ", at)
                if ph is None:
                    partial = True
                    break
                p_type, _, p_offset, p_vaddr, _, p_filesz, _, _ = ph
            else:
                ph = elf.unpack("IIIIIIII", at)
                if ph is None:
                    partial = True
                    break
                p_type, p_offset, p_vaddr, _, p_filesz, _, _, _ = ph
            if p_type == PT_LOAD:
                elf.loads.append((p_vaddr, p_offset, p_filesz))
            elif p_type == PT_INTERP:
                raw = data[p_offset:p_offset + min(p_filesz, 4096)]
                if len(raw) < min(p_filesz, 4096):
                    partial = True
                interp = raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
            elif p_type == PT_DYNAMIC:
                dynamic = (p_offset, p_filesz)
    needed: list[str] = []
    rpath: list[str] = []
    runpath: list[str] = []
    soname = ""
    version_needs: list[tuple[str, tuple[str, ...]]] = []
    version_defs: list[str] = []
    if dynamic is not None:
        entries = list(_dynamic_entries(elf, *dynamic))
        if dynamic[0] + dynamic[1] > len(data):
            partial = True
        tags: dict[int, int] = {}
        for tag, value in entries:
            tags.setdefault(tag, value)
        strtab = elf.offset_of(tags[DT_STRTAB]) if DT_STRTAB in tags else None
        if strtab is None and DT_STRTAB in tags:
            partial = True
        if strtab is not None:
            for tag, value in entries:
                if tag not in (DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH):
                    continue
                text = elf.cstr(strtab + value)
                if text is None:
                    partial = True
                    continue
                if tag == DT_NEEDED:
                    needed.append(text)
                elif tag == DT_SONAME:
                    soname = text
                elif tag == DT_RPATH:
                    rpath.extend(p for p in text.split(":") if p)
                elif tag == DT_RUNPATH:
                    runpath.extend(p for p in text.split(":") if p)
            if DT_VERNEED in tags:
                version_needs = _verneed(elf, tags[DT_VERNEED], tags.get(DT_VERNEEDNUM, 0), strtab)
            if DT_VERDEF in tags:
                version_defs = _verdef(elf, tags[DT_VERDEF], tags.get(DT_VERDEFNUM, 0), strtab)
    go, is_go = _go_buildinfo(elf, shoff, shentsize, shnum, shstrndx)
    markers: frozenset[str] = frozenset()
    if go is not None or is_go:
        markers = frozenset(name for name, patterns in _GO_MARKERS
                            if any(p in data for p in patterns))
        if go is not None and go.has_dep("golang.org/x/crypto/x509roots/fallback"):
            markers |= {MARK_X509_FALLBACK}
        if go is not None and "timetzdata" in go.tags:
            markers |= {MARK_TZDATA}
    return ElfInfo(
        elf_class=64 if elf.is64 else 32,
        little_endian=elf.le,
        machine=machine,
        etype=etype,
        interp=interp,
        needed=tuple(needed),
        rpath=tuple(rpath),
        runpath=tuple(runpath),
        soname=soname,
        version_needs=tuple(version_needs),
        version_defs=tuple(version_defs),
        go=go,
        markers=markers,
        partial=partial,
        dynamic=dynamic is not None,
    )


def _dynamic_entries(elf: _Elf, offset: int, size: int) -> Iterator[tuple[int, int]]:
    width = 16 if elf.is64 else 8
    fmt = "qQ" if elf.is64 else "iI"
    for index in range(min(size // width, _MAX_ENTRIES)):
        entry = elf.unpack(fmt, offset + index * width)
        if entry is None or entry[0] == 0:
            return
        yield entry[0], entry[1]


def _verneed(elf: _Elf, vaddr: int, count: int, strtab: int) -> list[tuple[str, tuple[str, ...]]]:
    out: list[tuple[str, tuple[str, ...]]] = []
    at = elf.offset_of(vaddr)
    for _ in range(min(count or _MAX_ENTRIES, _MAX_ENTRIES)):
        if at is None:
            break
        rec = elf.unpack("HHIII", at)
        if rec is None:
            break
        _, cnt, file_off, aux, nxt = rec
        library = elf.cstr(strtab + file_off) or ""
        versions: list[str] = []
        aux_at = at + aux
        for _ in range(min(cnt, 256)):
            vna = elf.unpack("IHHII", aux_at)
            if vna is None:
                break
            name = elf.cstr(strtab + vna[3])
            if name:
                versions.append(name)
            if vna[4] == 0:
                break
            aux_at += vna[4]
        out.append((library, tuple(versions)))
        if nxt == 0:
            break
        at += nxt
    return out


def _verdef(elf: _Elf, vaddr: int, count: int, strtab: int) -> list[str]:
    out: list[str] = []
    at = elf.offset_of(vaddr)
    for _ in range(min(count or _MAX_ENTRIES, _MAX_ENTRIES)):
        if at is None:
            break
        rec = elf.unpack("HHHHIII", at)
        if rec is None:
            break
        _, flags, _, cnt, _, aux, nxt = rec
        if cnt and not flags & 1:  # VER_FLG_BASE names the file itself
            vda = elf.unpack("II", at + aux)
            if vda is not None:
                name = elf.cstr(strtab + vda[0])
                if name:
                    out.append(name)
        if nxt == 0:
            break
        at += nxt
    return out


def _sections(elf: _Elf, shoff: int, shentsize: int, shnum: int,
              shstrndx: int) -> dict[str, tuple[int, int, int]]:
    """name → (offset, size, addr) of every section, when the section table was read."""
    if not shoff or shnum == 0 or shnum > 65535 or shentsize < (64 if elf.is64 else 40):
        return {}
    fmt = "IIQQQQIIQQ" if elf.is64 else "IIIIIIIIII"
    raw: list[tuple[int, ...]] = []
    for index in range(shnum):
        sh = elf.unpack(fmt, shoff + index * shentsize)
        if sh is None:
            return {}
        raw.append(sh)
    if shstrndx >= len(raw):
        return {}
    names_at = raw[shstrndx][4]
    out: dict[str, tuple[int, int, int]] = {}
    for sh in raw:
        name = elf.cstr(names_at + sh[0], 256)
        if name:
            out[name] = (sh[4], sh[5], sh[3])
    return out


def _go_buildinfo(elf: _Elf, shoff: int, shentsize: int, shnum: int,
                  shstrndx: int) -> tuple[GoBuildInfo | None, bool]:
    """(build info, whether this is a Go program at all)."""
    sections = _sections(elf, shoff, shentsize, shnum, shstrndx)
    start = -1
    if ".go.buildinfo" in sections:
        start = sections[".go.buildinfo"][0]
        if elf.data[start:start + 14] != BUILDINFO_MAGIC:
            start = -1
    if start < 0:
        # Stripped of its section table: the blob starts 16-byte aligned in the data segment.
        at = elf.data.find(BUILDINFO_MAGIC)
        while at >= 0 and at % 16:
            at = elf.data.find(BUILDINFO_MAGIC, at + 1)
        start = at
    is_go = ".gopclntab" in sections or ".note.go.buildid" in sections or start >= 0
    if start < 0 or start + 32 > len(elf.data):
        return None, is_go
    ptr_size = elf.data[start + 14]
    flags = elf.data[start + 15]
    if flags & 2:  # Go 1.18+: the strings follow the header, each prefixed by a uvarint length
        at = start + 32
        version, at = _varint_string(elf.data, at)
        modinfo, _ = _varint_string(elf.data, at)
    else:
        if ptr_size not in (4, 8):
            return None, is_go
        big = bool(flags & 1)
        version = _go_string(elf, start + 16, ptr_size, big)
        modinfo = _go_string(elf, start + 16 + ptr_size, ptr_size, big)
    if version is None:
        return None, is_go
    return _build_info(version, modinfo or ""), True


def _varint_string(data: bytes | bytearray, at: int) -> tuple[str | None, int]:
    length = shift = 0
    while at < len(data) and shift < 64:
        byte = data[at]
        at += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    else:
        return None, at
    if length > 1 << 20 or at + length > len(data):
        return None, at
    return data[at:at + length].decode("utf-8", "surrogateescape"), at + length


def _go_string(elf: _Elf, at: int, ptr_size: int, big: bool) -> str | None:
    fmt = (">" if big else "<") + ("Q" if ptr_size == 8 else "I")
    width = ptr_size
    if at + width > len(elf.data):
        return None
    pointer = struct.unpack_from(fmt, elf.data, at)[0]
    header = elf.offset_of(pointer)
    if header is None or header + 2 * width > len(elf.data):
        return None
    data_ptr, length = struct.unpack_from((">" if big else "<") + ("QQ" if width == 8 else "II"),
                                          elf.data, header)
    offset = elf.offset_of(data_ptr)
    if offset is None or length > 1 << 20 or offset + length > len(elf.data):
        return None
    return elf.data[offset:offset + length].decode("utf-8", "surrogateescape")


def _build_info(version: str, modinfo: str) -> GoBuildInfo:
    # modinfo is framed by 16-byte sentinels (runtime/debug's infoStart/infoEnd)
    if len(modinfo) >= 33 and modinfo[-17] == "\n":
        modinfo = modinfo[16:-16]
    path = main = main_version = ""
    deps: list[tuple[str, str]] = []
    settings: list[tuple[str, str]] = []
    for line in modinfo.splitlines():
        fields = line.split("\t")
        if fields[0] == "path" and len(fields) > 1:
            path = fields[1]
        elif fields[0] == "mod" and len(fields) > 2:
            main, main_version = fields[1], fields[2]
        elif fields[0] == "dep" and len(fields) > 2:
            deps.append((fields[1], fields[2]))
        elif fields[0] == "build" and len(fields) > 1:
            key, _, value = fields[1].partition("=")
            settings.append((key, value))
    return GoBuildInfo(version, path, main, main_version, tuple(deps), tuple(settings))


__all__ = ["MAGIC", "parse"]


# -- writing (recorded facts, benchmarks and tests build real ELF bytes from a description) -------

_MACHINE_NUMBERS = {"386": 3, "arm": 40, "amd64": 62, "x86_64": 62, "arm64": 183, "aarch64": 183,
                    "ppc64le": 21, "s390x": 22, "riscv64": 243, "mips": 8}
_TYPE_NUMBERS = {"rel": 1, "exec": 2, "dyn": 3, "core": 4}
_SENTINEL_START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
_SENTINEL_END = bytes.fromhex("f932433186182072008242104116d8f2")


def _uvarint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def write(*, machine: str | int = "amd64", elf_class: int = 64, little_endian: bool = True,
          etype: str = "exec", interp: str = "", needed: tuple[str, ...] = (),
          rpath: tuple[str, ...] = (), runpath: tuple[str, ...] = (), soname: str = "",
          version_needs: tuple[tuple[str, tuple[str, ...]], ...] = (),
          version_defs: tuple[str, ...] = (), go_version: str = "", go_modinfo: str = "",
          extra: bytes = b"", pad_to: int = 0) -> bytes:
    """A small, valid ELF file with exactly these loader-visible facts (one PT_LOAD mapping the
    whole file at 0x400000; PT_INTERP and PT_DYNAMIC when asked; Go build info when
    `go_version` is set; `extra` appended, e.g. function names a Go program would hold)."""
    is64 = elf_class == 64
    end = "<" if little_endian else ">"
    base = 0x400000
    ehsize, phentsize = (64, 56) if is64 else (52, 32)
    dyn_wanted = bool(needed or rpath or runpath or soname or version_needs or version_defs)
    phnum = 1 + bool(interp) + dyn_wanted
    body = bytearray()
    start = ehsize + phnum * phentsize

    def here() -> int:
        return start + len(body)

    interp_at = here()
    if interp:
        body += interp.encode() + b"\0"
    strtab = bytearray(b"\0")

    def string(text: str) -> int:
        at = len(strtab)
        strtab.extend(text.encode() + b"\0")
        return at

    dyn: list[tuple[int, int]] = []
    for name in needed:
        dyn.append((DT_NEEDED, string(name)))
    if soname:
        dyn.append((DT_SONAME, string(soname)))
    if rpath:
        dyn.append((DT_RPATH, string(":".join(rpath))))
    if runpath:
        dyn.append((DT_RUNPATH, string(":".join(runpath))))
    vn = bytearray()
    for index, (library, versions) in enumerate(version_needs):
        file_at = string(library)
        aux = bytearray()
        for vindex, version in enumerate(versions):
            nxt = 16 if vindex + 1 < len(versions) else 0
            aux += struct.pack(end + "IHHII", 0, 0, 2 + vindex, string(version), nxt)
        nxt = 16 + len(aux) if index + 1 < len(version_needs) else 0
        vn += struct.pack(end + "HHIII", 1, len(versions), file_at, 16, nxt) + aux
    vd = bytearray()
    all_defs = ((soname or "lib.so", 1), *((v, 0) for v in version_defs)) if version_defs else ()
    for index, (name, flags) in enumerate(all_defs):
        nxt = 28 if index + 1 < len(all_defs) else 0
        vd += struct.pack(end + "HHHHIII", 1, flags, index + 1, 1, 0, 20, nxt)
        vd += struct.pack(end + "II", string(name), 0)
    strtab_at = here()
    body += strtab
    while len(body) % 8:
        body += b"\0"
    vn_at = here()
    body += vn
    vd_at = here()
    body += vd
    while len(body) % 8:
        body += b"\0"
    if dyn_wanted:
        dyn.append((DT_STRTAB, base + strtab_at))
        dyn.append((DT_STRSZ, len(strtab)))
        if vn:
            dyn.append((DT_VERNEED, base + vn_at))
            dyn.append((DT_VERNEEDNUM, len(version_needs)))
        if vd:
            dyn.append((DT_VERDEF, base + vd_at))
            dyn.append((DT_VERDEFNUM, len(all_defs)))
        dyn.append((0, 0))
    dyn_at = here()
    for tag, value in dyn:
        body += struct.pack(end + ("qQ" if is64 else "iI"), tag, value)
    if go_version:
        while here() % 16:
            body += b"\0"
        modinfo = (_SENTINEL_START + go_modinfo.encode() + _SENTINEL_END) if go_modinfo else b""
        header = BUILDINFO_MAGIC + bytes([8 if is64 else 4, 2 | (0 if little_endian else 1)])
        body += header + b"\0" * (32 - len(header))
        body += _uvarint(len(go_version)) + go_version.encode() + _uvarint(len(modinfo)) + modinfo
    body += extra
    total = max(start + len(body), pad_to)
    body += b"\0" * (total - start - len(body))
    number = machine if isinstance(machine, int) else _MACHINE_NUMBERS.get(machine, 62)
    ident = MAGIC + bytes([2 if is64 else 1, 1 if little_endian else 2, 1]) + b"\0" * 9
    if is64:
        head = ident + struct.pack(end + "HHIQQQIHHHHHH", _TYPE_NUMBERS.get(etype, 2), number, 1,
                                   base + start, ehsize, 0, 0, ehsize, phentsize, phnum, 64, 0, 0)
    else:
        head = ident + struct.pack(end + "HHIIIIIHHHHHH", _TYPE_NUMBERS.get(etype, 2), number, 1,
                                   base + start, ehsize, 0, 0, ehsize, phentsize, phnum, 40, 0, 0)
    phdrs = bytearray()

    def phdr(p_type: int, offset: int, size: int, flags: int = 4) -> None:
        if is64:
            phdrs.extend(struct.pack(end + "IIQQQQQQ", p_type, flags, offset, base + offset,
                                     base + offset, size, size, 8))
        else:
            phdrs.extend(struct.pack(end + "IIIIIIII", p_type, offset, base + offset, base + offset,
                                     size, size, flags, 4))

    phdr(PT_LOAD, 0, total, 5)
    if interp:
        phdr(PT_INTERP, interp_at, len(interp) + 1)
    if dyn_wanted:
        phdr(PT_DYNAMIC, dyn_at, len(dyn) * (16 if is64 else 8), 6)
    return bytes(head + phdrs + body)


def go_modinfo(path: str = "", main: tuple[str, str] = ("", ""), deps: tuple[tuple[str, str], ...] = (),
               settings: tuple[tuple[str, str], ...] = ()) -> str:
    """The modinfo text `go build` embeds (path, mod, dep and build lines)."""
    lines = []
    if path:
        lines.append(f"path\t{path}")
    if main[0]:
        lines.append(f"mod\t{main[0]}\t{main[1] or '(devel)'}\t")
    lines.extend(f"dep\t{module}\t{version}\t" for module, version in deps)
    lines.extend(f"build\t{key}={value}" for key, value in settings)
    return "\n".join(lines) + "\n"
