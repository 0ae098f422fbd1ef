"""The dynamic loader: libc, library search paths, missing libraries and symbol versions.

`_Loader` (a base of `ImageFacts`) finds which libc an image has from the loaders present,
builds the directories glibc's ld.so (ld.so.conf and its includes) or musl's loader search, and
resolves DT_NEEDED entries in glibc's order (RPATH, LD_LIBRARY_PATH, RUNPATH, ld.so.conf, default
directories; `$ORIGIN` expanded; other ELF classes and machines skipped) to report missing
libraries and symbol versions. Python's native extension modules are found here too, as the
shared objects whose dependencies the loader must resolve. `glob_match` is the `*`-does-not-cross-`/`
matching ld.so.conf includes and Go's filepath.Match use.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from deploycheck.model.image.binaries import ElfInfo
from deploycheck.model.image.runtime import _Runtime


class _Loader(_Runtime):
    """The dynamic loader's view of the image, and Python's extension modules."""

    __slots__ = ()

    # -- libc and the dynamic loader --------------------------------------------------------

    def libc(self) -> str:
        """'musl', 'glibc', or '' (neither: scratch, distroless/static), from the loaders present
        (looked up through symlinks, so merged-/usr layouts count)."""
        for name in _MUSL_LOADERS:
            if self.is_file(f"/lib/ld-musl-{name}.so.1"):
                return "musl"
        for path in _GLIBC_LOADERS:
            found = self.lookup(path)
            if not found.error and found.entry is not None and "musl" not in found.path:
                return "glibc"
        return ""

    def loader_dirs(self, musl: bool) -> tuple[str, ...]:
        """Directories the loader searches after RPATH/LD_LIBRARY_PATH/RUNPATH: ld.so.conf (and
        its includes) or musl's /etc/ld-musl-ARCH.path, then the default directories."""
        out: list[str] = []
        if musl:
            for path, text in self.texts.items():
                if path.startswith("/etc/ld-musl-") and path.endswith(".path"):
                    out.extend(d for d in re.split(r"[:\n]", text) if d.strip())
            if not out:
                out = ["/lib", "/usr/local/lib", "/usr/lib"]
            return tuple(d.strip() for d in out)
        seen: set[str] = set()
        self._conf_dirs("/etc/ld.so.conf", out, seen, 0)
        arch = _triplet(self.config.architecture)
        defaults = ["/lib", "/usr/lib", "/lib64", "/usr/lib64"]
        if arch:
            defaults = [f"/lib/{arch}", f"/usr/lib/{arch}", *defaults]
        return tuple(dict.fromkeys([*out, *defaults]))

    def _conf_dirs(self, path: str, out: list[str], seen: set[str], depth: int) -> None:
        if depth > 8 or path in seen:
            return
        seen.add(path)
        text = self.text(path)
        if text is None:
            return
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("include"):
                pattern = line[len("include"):].strip()
                if not pattern.startswith("/"):
                    pattern = posixpath.join(posixpath.dirname(path), pattern)
                for conf in sorted(self.texts):
                    if _glob_match(pattern, conf):
                        self._conf_dirs(conf, out, seen, depth + 1)
                continue
            for word in re.split(r"[\s:,=]+", line):
                if word.startswith("/"):
                    out.append(word.rstrip("/") or "/")

    def resolve_library(self, name: str, obj_path: str, obj: ElfInfo, exe: ElfInfo | None,
                        musl: bool) -> str | None:
        """Where the loader finds DT_NEEDED `name` of the object at `obj_path`, or None.

        glibc order: DT_RPATH (when there is no DT_RUNPATH; also the executable's), then
        LD_LIBRARY_PATH, DT_RUNPATH, ld.so.cache (ld.so.conf) and the default directories.
        A candidate of another ELF class or machine is skipped, as the loader does."""
        if "/" in name:
            return name if self._compatible(name, obj) else None
        origin = posixpath.dirname(obj_path)
        dirs: list[str] = []
        if not obj.runpath:
            dirs.extend(obj.rpath)
            if exe is not None and exe is not obj and not exe.runpath:
                dirs.extend(exe.rpath)
        env_path = self.env().get("LD_LIBRARY_PATH", "")
        dirs.extend(d for d in env_path.split(":") if d)
        dirs.extend(obj.runpath)
        dirs.extend(self.loader_dirs(musl))
        for directory in dirs:
            directory = _expand_origin(directory, origin, obj)
            candidate = posixpath.join(directory, name)
            if self._compatible(candidate, obj):
                return self.lookup(candidate).path
        return None

    def _compatible(self, path: str, obj: ElfInfo) -> bool:
        found = self.lookup(path)
        if found.error or found.entry is None or not found.entry.is_regular:
            return False
        info = self.elves.get(found.path)
        if info is None:
            entry = self.files.get(found.path)
            if entry is not None and entry.kind == "hardlink":
                info = self.elves.get(entry.link)
        if info is None:
            return False  # not an ELF file (a linker script such as libc.so): the loader skips it
        return info.elf_class == obj.elf_class and info.machine == obj.machine

    def missing_libraries(self, path: str, info: ElfInfo, limit: int = 64) -> list[tuple[str, str, str]]:
        """Every DT_NEEDED the loader cannot find, following found libraries' own needs:
        (library, the object that needs it, the search it did), breadth first."""
        musl = (info.libc or self.libc()) == "musl"
        missing: list[tuple[str, str, str]] = []
        seen: set[str] = {path}
        queue: list[tuple[str, ElfInfo]] = [(path, info)]
        while queue and len(seen) < 512:
            obj_path, obj = queue.pop(0)
            for name in obj.needed:
                where = self.resolve_library(name, obj_path, obj, info, musl)
                if where is None:
                    if not any(m[0] == name for m in missing):
                        missing.append((name, obj_path, self._search_text(obj, info, musl)))
                    if len(missing) >= limit:
                        return missing
                    continue
                if where in seen:
                    continue
                seen.add(where)
                lib = self.elves.get(where)
                if lib is not None:
                    queue.append((where, lib))
        return missing

    def missing_versions(self, path: str, info: ElfInfo) -> list[tuple[str, str, str, str]]:
        """Symbol versions (DT_VERNEED) the resolved library does not define:
        (version, library name, library path, the object that requires it)."""
        musl = (info.libc or self.libc()) == "musl"
        if musl:
            return []
        out: list[tuple[str, str, str, str]] = []
        seen: set[str] = set()
        queue: list[tuple[str, ElfInfo]] = [(path, info)]
        while queue and len(seen) < 512:
            obj_path, obj = queue.pop(0)
            for name, versions in obj.version_needs:
                where = self.resolve_library(name, obj_path, obj, info, musl)
                lib = self.elves.get(where) if where else None
                if lib is None or lib.partial or not lib.version_defs:
                    continue
                defined = set(lib.version_defs)
                for version in versions:
                    if version not in defined and where is not None:
                        out.append((version, name, where, obj_path))
            for name in obj.needed:
                where = self.resolve_library(name, obj_path, obj, info, musl)
                if where and where not in seen:
                    seen.add(where)
                    lib = self.elves.get(where)
                    if lib is not None:
                        queue.append((where, lib))
        return out

    def _search_text(self, obj: ElfInfo, exe: ElfInfo, musl: bool) -> str:
        bits = []
        if obj.rpath and not obj.runpath:
            bits.append("RPATH " + ":".join(obj.rpath))
        if self.env().get("LD_LIBRARY_PATH"):
            bits.append("LD_LIBRARY_PATH " + self.env()["LD_LIBRARY_PATH"])
        if obj.runpath:
            bits.append("RUNPATH " + ":".join(obj.runpath))
        dirs = self.loader_dirs(musl)
        bits.append(("musl's path " if musl else "ld.so.conf and default directories ") + ":".join(dirs[:8])
                    + (":..." if len(dirs) > 8 else ""))
        return "; ".join(bits)

    # -- Python -----------------------------------------------------------------------------

    def extension_modules(self) -> Iterator[tuple[str, ElfInfo]]:
        """Native extension modules under site-packages/dist-packages (not the vendored
        libraries of `*.libs` folders, which are checked as the modules' dependencies)."""
        for path, info in self.elves.items():
            if ("/site-packages/" not in path and "/dist-packages/" not in path) or info.etype != "dyn":
                continue
            if not path.endswith(".so") or posixpath.dirname(path).endswith(".libs"):
                continue
            yield path, info

    def python_package(self, path: str) -> str:
        """`/usr/local/lib/python3.11/site-packages/psycopg2/_psycopg...so` → 'psycopg2'."""
        for marker in ("/site-packages/", "/dist-packages/"):
            if marker in path:
                rest = path.split(marker, 1)[1]
                first = rest.split("/", 1)[0]
                return first.split(".", 1)[0] if "/" not in rest else first
        return ""


_MUSL_LOADERS = ("x86_64", "aarch64", "armhf", "arm", "i386", "ppc64le", "s390x", "riscv64", "mips64",
                 "mips64el", "mipsel", "mips", "loongarch64", "x32")
_GLIBC_LOADERS = ("/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1", "/lib/ld-linux-armhf.so.3",
                  "/lib/ld-linux.so.3", "/lib/ld-linux.so.2", "/lib64/ld64.so.2", "/lib/ld64.so.1",
                  "/lib/ld-linux-riscv64-lp64d.so.1", "/lib/x86_64-linux-gnu/libc.so.6",
                  "/lib/aarch64-linux-gnu/libc.so.6", "/usr/lib64/libc.so.6", "/lib64/libc.so.6")


def _expand_origin(directory: str, origin: str, obj: ElfInfo) -> str:
    lib = "lib64" if obj.elf_class == 64 else "lib"
    out = directory.replace("${ORIGIN}", origin).replace("$ORIGIN", origin)
    out = out.replace("${LIB}", lib).replace("$LIB", lib)
    return out if out.startswith("/") else posixpath.join(origin, out)


def _triplet(arch: str) -> str:
    return {
        "amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "arm": "arm-linux-gnueabihf",
        "386": "i386-linux-gnu", "ppc64le": "powerpc64le-linux-gnu", "s390x": "s390x-linux-gnu",
        "riscv64": "riscv64-linux-gnu", "mips64le": "mips64el-linux-gnuabi64",
    }.get(arch, "")


def _glob_match(pattern: str, path: str) -> bool:
    """fnmatch-like matching where `*` does not cross `/` (glob(3) for ld.so.conf includes)."""
    regex = "".join(
        "[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, path) is not None


def glob_match(pattern: str, path: str) -> bool:
    """Go's filepath.Match / Python's glob for relative patterns (`templates/*.html`)."""
    return _glob_match(pattern, path)
