"""A built container image, read without running it: its config, layers and final filesystem.

The gatherer (`gatherers/image_source.py` + `gatherers/image_reader.py`) streams an image's
layers and records *facts*: for every path of the final filesystem view (whiteouts applied) a
`FileEntry`; for ELF files the parsed header facts (`ElfInfo`, with Go build information);
for executable text files their first line (`FileHead`); the text of the few small files rules
read (`/etc/passwd`, `ld.so.conf`, `.npmrc`, ...); files that look like secrets in any layer,
deleted later or not; bytes wasted by files that later layers hide. Rules are pure functions of
these facts; the helpers here resolve paths, commands and shared libraries the way the kernel,
the container runtime and the dynamic loader do.

Paths in this model are absolute POSIX paths inside the image (`/usr/bin/env`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from deploycheck.model.location import Location, Related

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
MAX_SYMLINKS = 40  # the kernel's limit before ELOOP

# ELF e_machine → Go/OCI architecture name.
MACHINES: dict[int, str] = {
    3: "386", 8: "mips", 20: "ppc", 21: "ppc64", 22: "s390x", 40: "arm", 62: "amd64",
    183: "arm64", 243: "riscv64", 258: "loong64",
}

# Where Go's crypto/x509 looks for roots on Linux (root_linux.go), and where OpenSSL does.
CA_FILES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
)
CA_DIRS = ("/etc/ssl/certs", "/etc/pki/tls/certs")
ZONEINFO_DIRS = ("/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo")

# Markers the ELF reader looks for in Go binaries (function names in the pclntab).
MARK_HTTP_CLIENT = "http-client"  # net/http.(*Transport).dialConn: the program makes HTTP requests
MARK_OS_USER = "os-user"  # os/user.Current / Lookup*: reads the user database
MARK_TZDATA = "tzdata-embedded"  # time/tzdata linked in: zone data needs no files
MARK_HTTPS_LITERAL = "https-literal"  # an https:// string literal
MARK_X509_FALLBACK = "x509-fallback"  # golang.org/x/crypto/x509roots/fallback


# Compilers and toolchains: (what, a path that shows it is installed).
BUILD_TOOLS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("the C compiler (gcc)", re.compile(r"^/usr/(local/)?lib(exec)?/gcc/[^/]+/[^/]+/cc1$")),
    ("clang", re.compile(r"^/usr/(lib/llvm-[^/]+/)?bin/clang(-\d+)?$")),
    ("the Go toolchain", re.compile(r"^(/usr/local/go|/usr/lib/go-[^/]+|/usr/lib/go)/bin/go$")),
    ("the Rust toolchain", re.compile(r"/bin/rustc$")),
    ("the Java compiler (javac)", re.compile(r"/bin/javac$")),
)

# Secret-looking names and values, shared by the layer reader (.env files) and the config rules.
# The secret word must end the name: DB_PASSWORD, API_TOKEN; not PASSWORD_HASHER.
SECRET_NAME = re.compile(
    r"(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|"
    r"SECRET_?KEY|CREDENTIALS?|AUTH_?KEY|AUTH_?TOKEN)$",
    re.IGNORECASE,
)
NOT_SECRET_NAME = re.compile(
    r"(_FILE|_PATH|_DIR|_URL|_URI|_HOST|_ENDPOINT|_HEADER|_NAME|_ID|_LENGTH|_TTL|_EXPIRY|"
    r"_EXPIRES|_EXPIRATION|_TIMEOUT|_ALGORITHM|_TYPE|_FIELD|_PREFIX|_ENABLED|_MODE|_REF)$",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(
    r"^(|changeme|change[-_]?me|changethis|secret|password|passwd|example|dummy|test|testing|"
    r"placeholder|none|null|nil|false|true|todo|tbd|redacted|x+|\*+|\.+|-+|_+)$"
    r"|^<.*>$|^\{\{.*\}\}$|^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$"
    r"|^(your|replace|insert|put|enter|set)[-_ ]|^(dev|local)[-_]?only$",
    re.IGNORECASE,
)
KEY_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|github_pat_\w{40,}")),
    ("a Stripe live key", re.compile(r"\b[sr]k_live_[0-9A-Za-z]{16,}")),
    ("an OpenAI-style secret key", re.compile(r"\bsk-(proj-)?[A-Za-z0-9_-]{32,}")),
    ("a Slack token", re.compile(r"\bxox[baprs]-[0-9A-Za-z-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a GitLab token", re.compile(r"\bglpat-[0-9A-Za-z_-]{20,}")),
    ("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a password in a URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s:@$]{3,}@[^\s/]+")),
)


def secret_value(name: str, value: str) -> str:
    """Why NAME=VALUE holds a credential ('' when it does not look like one): a secret-looking
    name with a real value, or a value shaped like a known key or token."""
    for what, shape in KEY_SHAPES:
        if shape.search(value):
            return what
    plain = value.strip()
    if (SECRET_NAME.search(name) and not NOT_SECRET_NAME.search(name)
            and not PLACEHOLDER.match(plain) and len(plain) >= 4 and not plain.startswith("/")):
        return f"a value for {name}"
    return ""


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One path of a layer or of the final view. `kind`: file dir symlink hardlink char block
    fifo. `mode` holds the permission bits with setuid/setgid/sticky (07777). `link` is the
    symlink target as written, or a hard link's target as an absolute path. `layer` is the index
    of the layer that wrote it."""

    path: str
    kind: str
    mode: int
    size: int = 0
    link: str = ""
    layer: int = 0
    uid: int = 0
    gid: int = 0

    @property
    def is_dir(self) -> bool:
        return self.kind == "dir"

    @property
    def is_regular(self) -> bool:
        return self.kind in ("file", "hardlink")

    def executable_by(self, uid: int, gid: int) -> bool:
        if uid == 0:
            return bool(self.mode & 0o111)
        if uid == self.uid:
            return bool(self.mode & 0o100)
        if gid == self.gid:
            return bool(self.mode & 0o010)
        return bool(self.mode & 0o001)

    def readable_by(self, uid: int, gid: int) -> bool:
        if uid == 0:
            return True
        if uid == self.uid:
            return bool(self.mode & 0o400)
        if gid == self.gid:
            return bool(self.mode & 0o040)
        return bool(self.mode & 0o004)


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


@dataclass(frozen=True, slots=True)
class SecretFile:
    """A file that looks like a secret, seen in some layer. `deleted`: a later layer removes or
    replaces it, so the running container does not see it — but the layer still ships it."""

    path: str
    layer: int
    what: str  # "a private key", "AWS credentials", ...
    detail: str = ""  # the line or key name that shows it (never the secret itself)
    deleted: bool = False
    kind: str = "secret"  # "secret" | "git" (a repository: history, remotes, maybe tokens)


@dataclass(frozen=True, slots=True)
class WastedFile:
    """A file a later layer deletes or overwrites: its bytes still ship in its layer."""

    path: str
    layer: int
    size: int
    by_layer: int
    how: str  # "deleted" | "overwritten"


@dataclass(frozen=True, slots=True)
class Layer:
    index: int
    digest: str  # "sha256:..." of the layer as stored (or its diff id), may be ""
    created_by: str = ""
    size: int = 0  # bytes of file content in the layer
    files: int = 0
    wasted: int = 0  # bytes of this layer's files that later layers hide
    compression: str = "none"

    @property
    def short(self) -> str:
        digest = self.digest.partition(":")[2] or self.digest
        return digest[:12] if digest else f"#{self.index + 1}"

    def label(self) -> str:
        step = " ".join(self.created_by.split())
        step = step.removeprefix("/bin/sh -c #(nop) ").removeprefix("/bin/sh -c ")
        if len(step) > 70:
            step = step[:67] + "..."
        return f"layer {self.index + 1} ({step})" if step else f"layer {self.index + 1}"


@dataclass(frozen=True, slots=True)
class HistoryStep:
    created_by: str
    empty_layer: bool = False


@dataclass(frozen=True, slots=True)
class ImageConfig:
    """The runtime part of an image config (`docker inspect` .Config), and its platform."""

    os: str = "linux"
    architecture: str = ""
    variant: str = ""
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    env: tuple[tuple[str, str], ...] = ()
    user: str = ""
    workdir: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    healthcheck: tuple[str, ...] | None = None  # the Test array: ["CMD", ...] / ["CMD-SHELL", "..."]
    exposed_ports: tuple[str, ...] = ()
    history: tuple[HistoryStep, ...] = ()

    @property
    def platform(self) -> str:
        arch = self.architecture or "?"
        return f"{self.os or 'linux'}/{arch}" + (f"/{self.variant}" if self.variant else "")

    def env_get(self, name: str) -> str | None:
        found = None
        for key, value in self.env:
            if key == name:
                found = value
        return found

    @property
    def path_dirs(self) -> tuple[str, ...]:
        value = self.env_get("PATH")
        return tuple(p for p in (DEFAULT_PATH if value is None else value).split(":"))

    @property
    def argv(self) -> tuple[str, ...]:
        """What the runtime executes: ENTRYPOINT followed by CMD."""
        return (self.entrypoint or ()) + (self.cmd or ())


@dataclass(frozen=True, slots=True)
class AppNeeds:
    """What the deployment files (`--project`) say the app in this image needs at run time."""

    deployment: str  # "compose service 'api'"
    location: Location  # where the deployment is defined
    https: tuple[Location, ...] = ()  # where the app makes outbound HTTPS calls
    time_zones: tuple[tuple[str, Location], ...] = ()  # zone ("" when from a variable), where
    files: tuple[tuple[str, str, Location], ...] = ()  # (relative path or glob, call, where)
    embedded: tuple[str, ...] = ()  # go:embed patterns (these need no file in the image)
    command: tuple[str, ...] | None = None  # the deployment's CMD override (compose command, k8s args)
    entrypoint: tuple[str, ...] | None = None  # its ENTRYPOINT override (k8s command)
    command_location: Location | None = None
    command_shell: bool = False
    env: tuple[tuple[str, str | None], ...] = ()  # set by the deployment (value None: opaque)
    env_opaque: bool = False

    def env_value(self, name: str) -> str | None:
        found = None
        for key, value in self.env:
            if key == name:
                found = value
        return found

    def sets_env(self, name: str) -> bool:
        return any(key == name for key, _ in self.env)


@dataclass(frozen=True, slots=True)
class Resolved:
    """The end of a path lookup. `error`: '' (found), 'missing', 'loop', 'notdir'."""

    path: str
    entry: FileEntry | None
    error: str = ""
    via: tuple[str, ...] = ()  # the symlinks followed, as "link -> target"


@dataclass(frozen=True, slots=True)
class ImageProblem:
    """The image could not be read completely, or an entry was refused.

    kind: "unreadable" (malformed, truncated, not an image), "unsafe" (an entry that would
    write outside the image or is otherwise hostile; refused), "limit" (a bound was reached:
    decompressed bytes, member count), "platform" (no image for the requested platform)."""

    image: str
    kind: str
    message: str
    layer: str = ""
    path: str = ""

    def location(self) -> Location:
        extra = [("image", self.image)]
        if self.layer:
            extra.append(("layer", self.layer))
        if self.path:
            extra.append(("path_in_image", self.path))
        return Location(extra=tuple(extra))


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """One image (one platform), its final filesystem view and what the readers found in it.

    `complete` is False when a layer could not be read to its end: rules that report something
    *missing* stay quiet then (the reading problem is reported instead)."""

    ref: str
    config: ImageConfig
    layers: tuple[Layer, ...]
    files: Mapping[str, FileEntry]
    elves: Mapping[str, ElfInfo] = field(default_factory=dict)
    heads: Mapping[str, FileHead] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    secrets: tuple[SecretFile, ...] = ()
    wasted: tuple[WastedFile, ...] = ()
    complete: bool = True
    platform: str = ""  # the platform asked for (default: the host's), e.g. linux/amd64
    source: str = ""  # how it was read: "docker-archive", "oci-layout", "engine", "recorded"
    app: AppNeeds | None = None

    # -- locations ------------------------------------------------------------------------

    def location(self, path: str = "", layer: int | None = None) -> Location:
        extra: list[tuple[str, str]] = [("image", self.ref)]
        if layer is None and path:
            entry = self.files.get(path)
            layer = entry.layer if entry is not None else None
        if layer is not None and 0 <= layer < len(self.layers):
            extra.append(("layer", self.layers[layer].short))
        if path:
            extra.append(("path_in_image", path))
        return Location(extra=tuple(extra))

    def related(self, path: str, message: str) -> Related:
        return Related(self.location(path), message)

    def layer_of(self, path: str) -> Layer | None:
        entry = self.files.get(path)
        if entry is None or not 0 <= entry.layer < len(self.layers):
            return None
        return self.layers[entry.layer]

    # -- path lookup ----------------------------------------------------------------------

    def lookup(self, path: str, cwd: str = "/", follow: bool = True) -> Resolved:
        """Resolve `path` as the kernel does inside the container (symlinks followed inside the
        image; `..` at the root stays at the root)."""
        start = path if path.startswith("/") else posixpath.join(cwd or "/", path)
        pending = [p for p in start.split("/") if p]
        done = "/"
        hops = 0
        via: list[str] = []
        while pending:
            part = pending.pop(0)
            if part == ".":
                continue
            if part == "..":
                done = posixpath.dirname(done) or "/"
                continue
            current = posixpath.join(done, part)
            entry = self.files.get(current)
            if entry is None:
                return Resolved(current, None, "missing", tuple(via))
            if entry.kind == "symlink" and (pending or follow):
                hops += 1
                if hops > MAX_SYMLINKS:
                    return Resolved(current, entry, "loop", tuple(via))
                via.append(f"{current} -> {entry.link}")
                target = entry.link
                base = "/" if target.startswith("/") else done
                pending = [p for p in target.split("/") if p] + pending
                done = base
                continue
            if entry.kind == "hardlink" and not pending:
                linked = self.files.get(entry.link)
                if linked is not None and linked.is_regular:
                    entry = FileEntry(current, "file", entry.mode, linked.size or entry.size,
                                      "", entry.layer, entry.uid, entry.gid)
            if pending and entry.kind != "dir":
                return Resolved(current, entry, "notdir", tuple(via))
            done = current
        if done == "/":
            return Resolved("/", FileEntry("/", "dir", 0o755), "", tuple(via))
        return Resolved(done, self.files.get(done), "", tuple(via))

    def exists(self, path: str, cwd: str = "/") -> bool:
        return not self.lookup(path, cwd).error

    def is_dir(self, path: str) -> bool:
        found = self.lookup(path)
        return not found.error and found.entry is not None and found.entry.is_dir

    def is_file(self, path: str) -> bool:
        found = self.lookup(path)
        return not found.error and found.entry is not None and found.entry.is_regular

    def elf(self, path: str) -> ElfInfo | None:
        """The ELF facts of the file `path` leads to (symlinks followed, hard links too)."""
        found = self.lookup(path)
        if found.error or found.entry is None:
            return None
        info = self.elves.get(found.path)
        if info is None and found.entry.kind == "hardlink":
            info = self.elves.get(self.files[found.path].link)
        return info

    def head(self, path: str) -> FileHead | None:
        found = self.lookup(path)
        if found.error:
            return None
        head = self.heads.get(found.path)
        entry = self.files.get(found.path)
        if head is None and entry is not None and entry.kind == "hardlink":
            head = self.heads.get(entry.link)
        return head

    def text(self, path: str) -> str | None:
        found = self.lookup(path)
        if found.error:
            return None
        return self.texts.get(found.path)

    def children(self, directory: str) -> Iterator[FileEntry]:
        """Entries directly inside `directory` (no symlinks followed)."""
        prefix = directory.rstrip("/") + "/"
        for path, entry in self.files.items():
            if path.startswith(prefix) and "/" not in path[len(prefix):]:
                yield entry

    def has_any_under(self, directory: str) -> bool:
        found = self.lookup(directory)
        if found.error or found.entry is None or not found.entry.is_dir:
            return False
        prefix = found.path.rstrip("/") + "/"
        return any(p.startswith(prefix) for p in self.files)

    # -- the runtime's view ---------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """The container's environment: the image's ENV, then the deployment's on top; the
        engine adds the default PATH when the image sets none."""
        out = dict(self.config.env)
        if self.app is not None:
            for key, value in self.app.env:
                if value is not None:
                    out[key] = value
        out.setdefault("PATH", DEFAULT_PATH)
        return out

    def build_tools(self) -> list[tuple[str, str]]:
        """(what, path) for every compiler or toolchain in the final view."""
        found: list[tuple[str, str]] = []
        for what, pattern in BUILD_TOOLS:
            for path in self.files:
                if pattern.search(path):
                    found.append((what, path))
                    break
        return found

    @property
    def workdir(self) -> str:
        return self.config.workdir or "/"

    def command(self) -> tuple[tuple[str, ...], str]:
        """(argv the runtime executes, where it comes from)."""
        cfg = self.config
        app = self.app
        if app is not None and (app.command is not None or app.entrypoint is not None):
            # An entrypoint override drops the image's CMD too (Docker and Kubernetes alike).
            entry = app.entrypoint if app.entrypoint is not None else (cfg.entrypoint or ())
            cmd = app.command if app.command is not None else ()
            where = app.command_location.short() if app.command_location else app.deployment
            return entry + cmd, f"the command of {app.deployment} ({where})"
        if cfg.entrypoint and cfg.cmd:
            return cfg.argv, "the image's ENTRYPOINT + CMD"
        if cfg.entrypoint:
            return cfg.argv, "the image's ENTRYPOINT"
        return cfg.argv, "the image's CMD"

    def find_executable(self, name: str, cwd: str = "/") -> Resolved:
        """Where the runtime finds argv[0]: a path when it holds '/', else the first PATH entry
        holding an executable regular file (Go's exec.LookPath, as runc does)."""
        if "/" in name:
            return self.lookup(name, cwd)
        last = Resolved(name, None, "missing")
        for directory in self.env().get("PATH", DEFAULT_PATH).split(":"):
            found = self.lookup(posixpath.join(directory or ".", name), cwd)
            if found.error or found.entry is None:
                continue
            if found.entry.is_regular and found.entry.mode & 0o111:
                return found
            last = found
        return last

    def run_as(self) -> tuple[int | None, int | None, str]:
        """(uid, gid, problem) for USER: numeric ids pass as given; a name is looked up in
        /etc/passwd (and a group name in /etc/group). problem is '' or what is missing."""
        user = self.config.user.strip()
        if not user:
            return 0, 0, ""
        name, _, group = user.partition(":")
        uid: int | None = None
        gid: int | None = None
        if name.isdigit():
            uid = int(name)
            gid = 0
            row = self.passwd_entry(uid=uid)
            if row is not None:
                gid = row[2]
        else:
            row = self.passwd_entry(name=name)
            if row is None:
                return None, None, "user"
            uid, gid = row[1], row[2]
        if group:
            if group.isdigit():
                gid = int(group)
            else:
                found = self.group_id(group)
                if found is None:
                    return uid, None, "group"
                gid = found
        return uid, gid, ""

    def passwd_entry(self, *, name: str = "", uid: int | None = None) -> tuple[str, int, int, str] | None:
        """(name, uid, gid, home) of a user in the image's /etc/passwd."""
        for line in (self.text("/etc/passwd") or "").splitlines():
            fields = line.split(":")
            if len(fields) < 6 or not fields[2].isdigit() or not fields[3].isdigit():
                continue
            if (name and fields[0] == name) or (uid is not None and int(fields[2]) == uid):
                return fields[0], int(fields[2]), int(fields[3]), fields[5]
        return None

    def group_id(self, name: str) -> int | None:
        for line in (self.text("/etc/group") or "").splitlines():
            fields = line.split(":")
            if len(fields) >= 3 and fields[0] == name and fields[2].isdigit():
                return int(fields[2])
        return None

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

    # -- certificates and zones -------------------------------------------------------------

    def ca_bundle(self) -> str:
        """The first place Go's crypto/x509 finds roots ('' when none): SSL_CERT_FILE/DIR, then
        its list of bundle files and directories (a directory counts when it holds a file)."""
        env = self.env()
        if "SSL_CERT_FILE" in env and self.is_file(env["SSL_CERT_FILE"]):
            return env["SSL_CERT_FILE"]
        for path in CA_FILES:
            if self.is_file(path):
                found = self.lookup(path)
                if found.entry is not None and found.entry.size > 0:
                    return path
        dirs = env["SSL_CERT_DIR"].split(":") if "SSL_CERT_DIR" in env else list(CA_DIRS)
        for directory in dirs:
            if directory and self._dir_has_files(directory):
                return directory
        return ""

    def _dir_has_files(self, directory: str) -> bool:
        found = self.lookup(directory)
        if found.error or found.entry is None or not found.entry.is_dir:
            return False
        prefix = found.path.rstrip("/") + "/"
        for path, entry in self.files.items():
            if path.startswith(prefix) and "/" not in path[len(prefix):] and entry.kind != "dir":
                return True
        return False

    def zoneinfo(self, zone: str = "") -> str:
        """Where zone data is found ('' when nowhere): $ZONEINFO (a zip or folder), then the
        system folders (holding `zone` when one is named)."""
        env = self.env()
        if env.get("ZONEINFO") and self.exists(env["ZONEINFO"]):
            return env["ZONEINFO"]
        for directory in ZONEINFO_DIRS:
            if zone:
                target = posixpath.join(directory, zone)
                if self.is_file(target):
                    return target
            elif self.has_any_under(directory):
                return directory
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


@dataclass(frozen=True, slots=True)
class SizeReport:
    """The size report of one image (`deploycheck image --sizes`)."""

    image: ImageFacts
    top: int = 10

    def largest_files(self) -> list[FileEntry]:
        regular = [e for e in self.image.files.values() if e.kind == "file"]
        regular.sort(key=lambda e: (-e.size, e.path))
        return regular[: self.top]

    def total(self) -> int:
        return sum(layer.size for layer in self.image.layers)

    def wasted(self) -> int:
        return sum(layer.wasted for layer in self.image.layers)


def human(size: float) -> str:
    """1536 → '1.5 KiB'."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(size) < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


__all__ = [
    "CA_DIRS",
    "CA_FILES",
    "AppNeeds",
    "ElfInfo",
    "FileEntry",
    "FileHead",
    "GoBuildInfo",
    "HistoryStep",
    "ImageConfig",
    "ImageFacts",
    "ImageProblem",
    "Layer",
    "Resolved",
    "SecretFile",
    "SizeReport",
    "WastedFile",
    "glob_match",
    "human",
]
