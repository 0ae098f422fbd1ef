"""What the image rules share: the runtime's walk from a command line to a running process.

`start(facts, argv)` follows what runc and the kernel do with argv: find argv[0] (PATH lookup
when it has no '/', relative to WORKDIR otherwise, symlinks followed inside the image), check it
is an executable regular file for the user the container runs as, then follow `#!` lines to
their interpreter, and for ELF files check the machine, the program interpreter, every shared
library (RPATH, LD_LIBRARY_PATH, RUNPATH, ld.so.conf, default folders) and symbol versions. It
returns the first thing that stops the start, as a `Failure` whose `kind` names the rule that
reports it. No rules here.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model import Location, Related, Violation
from deploycheck.model.image import ElfInfo, ImageFacts

# kinds: missing not-executable no-shell interpreter crlf arch loader library version
EXEC_KINDS = ("missing", "not-executable", "no-shell", "interpreter", "crlf", "arch", "loader",
              "library", "version")


@dataclass(frozen=True, slots=True)
class Failure:
    kind: str
    message: str  # what happens, with the runtime's own error text
    path: str  # the path in the image the failure is about
    fix: str
    related: tuple[Related, ...] = ()


def argv_text(argv: tuple[str, ...]) -> str:
    text = " ".join(shlex.quote(a) for a in argv)
    return text if len(text) <= 90 else text[:87] + "..."


def is_shell_form(argv: tuple[str, ...]) -> bool:
    return len(argv) >= 3 and argv[0] in ("/bin/sh", "/bin/bash") and argv[1] == "-c"


def first_word(script: str) -> str:
    """The program a shell command line starts (`VAR=x exec curl ...` → 'curl')."""
    try:
        words = shlex.split(script, comments=True)
    except ValueError:
        words = script.split()
    skip = {"exec", "command", "nice", "nohup", "time", "env", "!", "builtin"}
    for word in words:
        if "=" in word.split("/")[0] and not word.startswith(("=", "/")):
            continue
        if word in skip or word.startswith("-"):
            continue
        return word
    return ""


SHELL_BUILTINS = frozenset({"cd", "echo", "test", "[", "true", "false", "exit", "set", "export",
                            "printf", "read", "kill", "wait", "trap", ":", ".", "source", "if",
                            "for", "while", "case", "unset", "type", "ulimit", "umask"})


def user_ids(facts: ImageFacts) -> tuple[int, int]:
    uid, gid, _ = facts.run_as()
    return (0 if uid is None else uid), (0 if gid is None else gid)


def config_related(facts: ImageFacts, what: str = "") -> Related:
    argv, origin = facts.command()
    app = facts.app
    if app is not None and (app.command is not None or app.entrypoint is not None) \
            and app.command_location is not None:
        return Related(app.command_location, f"{app.deployment} runs {argv_text(argv)}")
    return Related(facts.location(), what or f"{origin}: {argv_text(argv)}")


def start(facts: ImageFacts, argv: tuple[str, ...], label: str = "the container") -> Failure | None:
    """The first thing that stops `argv` from starting in this image, or None."""
    if not argv:
        return None
    uid, gid = user_ids(facts)
    cwd = facts.workdir
    name = argv[0]
    if is_shell_form(argv) and not facts.exists(argv[0]):
        return Failure(
            "no-shell",
            f"{label} runs a shell-form command ({argv_text(argv)}), which needs {argv[0]}, and the "
            f"image has no {argv[0]}: the start fails with `exec: \"{argv[0]}\": stat {argv[0]}: no "
            "such file or directory`",
            argv[0],
            "use the exec (JSON) form, e.g. CMD [\"/app\", \"serve\"], so no shell is needed",
        )
    return _program(facts, name, tuple(argv[1:]), cwd, uid, gid, label, 0)


def _program(facts: ImageFacts, name: str, args: tuple[str, ...], cwd: str, uid: int, gid: int,
             label: str, depth: int) -> Failure | None:
    found = facts.find_executable(name, cwd)
    shown = name
    if found.error or found.entry is None:
        return _not_found(facts, name, found.path, found.error, found.via, label, depth)
    entry = found.entry
    path = found.path
    via = f" (through {', '.join(found.via)})" if found.via else ""
    if entry.is_dir:
        return Failure("not-executable", f"{label} runs {shown}, which is a directory{via}: the start fails "
                       f"with `exec: \"{shown}\": permission denied`", path,
                       "point the command at the program inside the directory")
    if not entry.is_regular:
        return Failure("not-executable", f"{label} runs {shown}, a {entry.kind}{via}, not a program: the "
                       f"start fails with `exec: \"{shown}\": permission denied`", path,
                       "point the command at a regular executable file")
    if not entry.executable_by(uid, gid):
        who = "root" if uid == 0 else f"uid {uid}"
        mode = f"{entry.mode & 0o7777:04o}"
        detail = "has no execute bit" if not entry.mode & 0o111 else (
            f"is not executable by {who} (owner {entry.uid}:{entry.gid})")
        return Failure("not-executable", f"{label} runs {path}{via}, which {detail} (mode {mode}): the "
                       f"start fails with `exec: \"{shown}\": permission denied`", path,
                       f"make it executable in the Dockerfile: COPY --chmod=0755 ... {path}, or "
                       f"RUN chmod 0755 {path}")
    info = facts.elf(path)
    if info is not None:
        return _elf(facts, path, info, label)
    head = facts.head(path)
    if head is None:
        return None  # not read (a large file): nothing to say
    if head.shebang is None:
        return Failure("interpreter", f"{label} runs {path}, which is neither a program for this "
                       "CPU nor a script starting with `#!`: the kernel refuses it with `exec "
                       f"{path}: exec format error`", path,
                       f"start {path} with a `#!` line (#!/bin/sh), or run it through its interpreter")
    if head.crlf:
        line = head.first_line.rstrip("\r\n")
        return Failure("crlf", f"{label} runs {path}, whose first line `{line}` ends in CR LF (Windows "
                       f"line endings): the kernel looks for the interpreter `{line[2:].strip()}\\r`, "
                       f"which does not exist, so the start fails with `exec {path}: no such file or "
                       "directory` (with env: `/usr/bin/env: 'sh\\r': No such file or directory`)",
                       path, "convert the script to LF line endings (`sed -i 's/\\r$//' script` in "
                       "the Dockerfile, and `*.sh text eol=lf` in .gitattributes)")
    shebang = head.shebang
    if not shebang:
        return Failure("interpreter", f"{label} runs {path}, whose `#!` line names no interpreter: "
                       f"`exec {path}: exec format error`", path, "name the interpreter on the #! line")
    if depth >= 4:
        return None  # the kernel allows a few levels; deeper chains are not followed
    interp = shebang[0]
    interp_args = shebang[1:]
    found_interp = facts.lookup(interp, "/")
    if found_interp.error or found_interp.entry is None:
        hint = _interp_hint(facts, interp)
        return Failure("interpreter", f"{label} runs the script {path}, whose `#!{' '.join(shebang)}` "
                       f"names {interp}, which the image does not have{hint}: the start fails with "
                       f"`exec {path}: no such file or directory` although the script is there",
                       path, f"install {interp.rpartition('/')[2]} in the image, or change the #! line "
                       "to an interpreter the image has",
                       (facts.related(path, f"#!{' '.join(shebang)}"),))
    if interp.rpartition("/")[2] == "env" and interp_args:
        target = interp_args[0]  # Linux passes the rest of the line as one argument
        if target.startswith("-"):
            return None  # env -S and friends: not followed
        failure = _program(facts, interp, (), "/", uid, gid, label, depth + 1)
        if failure is not None:
            return failure
        looked = facts.find_executable(target, "/")
        if looked.error or looked.entry is None:
            return Failure("interpreter", f"{label} runs the script {path}, whose `#!{' '.join(shebang)}` "
                           f"asks env for {target}, which is on no folder of PATH "
                           f"({facts.env().get('PATH', '')}): the start fails with `/usr/bin/env: "
                           f"'{target}': No such file or directory`", path,
                           f"install {target} in the image, or put its folder on PATH",
                           (facts.related(path, f"#!{' '.join(shebang)}"),))
        return _program(facts, target, (), "/", uid, gid, label, depth + 1)
    return _program(facts, interp, (), "/", uid, gid, label, depth + 1)


def _interp_hint(facts: ImageFacts, interp: str) -> str:
    base = interp.rpartition("/")[2]
    for directory in facts.env().get("PATH", "").split(":"):
        if directory and facts.is_file(f"{directory}/{base}"):
            return f" (it has {directory}/{base}: use `#!/usr/bin/env {base}` or that path)"
    return ""


def _not_found(facts: ImageFacts, name: str, path: str, error: str, via: tuple[str, ...], label: str,
               depth: int) -> Failure:
    shown = name
    links = f" (through {', '.join(via[:3])}{', ...' if len(via) > 3 else ''})" if via else ""
    if error == "loop":
        return Failure("missing", f"{label} runs {shown}, and resolving it loops through symbolic links"
                       f"{links}: the start fails with `exec: \"{shown}\": stat {shown}: too many levels "
                       "of symbolic links`", path, "fix the symbolic links so they end at the program")
    if "/" not in name:
        dirs = facts.env().get("PATH", "")
        return Failure("missing", f"{label} runs `{name}`, and no folder of PATH ({dirs}) holds an "
                       f"executable {name}: the start fails with `exec: \"{name}\": executable file "
                       "not found in $PATH`", name,
                       f"install {name} in the final image, or use the full path of the program")
    where = "" if name.startswith("/") else f" (relative to WORKDIR {facts.workdir})"
    path = posixpath.normpath(posixpath.join(facts.workdir, name))
    dangling = f"; {via[-1]} is a dangling symbolic link" if via else ""
    return Failure("missing", f"{label} runs {shown}{where}, which is not in the image{dangling}: the "
                   f"start fails with `exec: \"{shown}\": stat {shown}: no such file or directory`",
                   path, "copy the program into the final stage at that path (COPY --from=build "
                   "...), or fix the path in ENTRYPOINT/CMD")


def _elf(facts: ImageFacts, path: str, info: ElfInfo, label: str) -> Failure | None:
    arch = facts.config.architecture
    if arch and info.arch.split("/")[0] != _norm_arch(arch):
        go = f" (Go build: {info.go.describe()})" if info.go else ""
        return Failure("arch", f"{label} runs {path}, a {info.elf_class}-bit {info.arch} program{go}, "
                       f"in an image for {facts.config.platform}: the kernel refuses it with `exec "
                       f"{path}: exec format error`", path,
                       f"build for the image's platform (GOARCH={_norm_arch(arch)}, or "
                       "GOARCH=$TARGETARCH with docker buildx), or build the image for "
                       f"linux/{info.arch}")
    if info.interp:
        found = facts.lookup(info.interp)
        if found.error or found.entry is None or not found.entry.is_regular:
            return Failure("loader", _loader_message(facts, path, info, label), path, _loader_fix(info),
                           _go_related(facts, path, info))
    if info.partial:
        return None
    missing = facts.missing_libraries(path, info)
    if missing:
        return Failure("library", library_message(facts, path, info, missing, label), path,
                       library_fix(facts, [m[0] for m in missing]), _go_related(facts, path, info))
    versions = facts.missing_versions(path, info)
    if versions:
        version, lib, lib_path, needer = versions[0]
        more = f" (and {len(versions) - 1} more)" if len(versions) > 1 else ""
        return Failure("version", f"{label} runs {path}; {needer} needs symbol version {version} from "
                       f"{lib}, which the image's {lib_path} does not define{more}: the start fails with "
                       f"`{path}: {lib_path}: version `{version}' not found (required by {needer})`", path,
                       "build on the same (or an older) distribution release as the runtime image, "
                       "or use a newer runtime base image")
    return None


def _norm_arch(arch: str) -> str:
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(arch, arch)


def _go_related(facts: ImageFacts, path: str, info: ElfInfo) -> tuple[Related, ...]:
    if info.go is None:
        return ()
    return (facts.related(path, f"Go build info: {info.go.describe()}"),)


def _loader_message(facts: ImageFacts, path: str, info: ElfInfo, label: str) -> str:
    libc = facts.libc()
    family = info.libc
    if family == "glibc" and libc == "musl":
        why = "it was linked against glibc, and this image has musl libc (alpine)"
    elif family == "musl" and libc == "glibc":
        why = "it was linked against musl (built on alpine), and this image has glibc"
    elif not libc:
        why = "the image has no C library at all (scratch or distroless/static)"
    else:
        why = "the image does not have that loader"
    cgo = ""
    if info.go is not None:
        cgo = f"; it is a Go program built with {info.go.describe()}"
    return (f"{label} runs {path}, a dynamically linked program whose ELF interpreter {info.interp} is "
            f"missing: {why}{cgo}. The start fails with `exec {path}: no such file or directory` "
            "although the file is there")


def _loader_fix(info: ElfInfo) -> str:
    if info.go is not None:
        return ("build a static binary: CGO_ENABLED=0 go build (add -tags netgo,osusergo if it needs "
                "them), or run it on a base image with the same C library it was built against")
    return "run it on a base image with the C library it was linked against, or link it statically"


def library_message(facts: ImageFacts, path: str, info: ElfInfo, missing: list[tuple[str, str, str]],
                    label: str) -> str:
    name, needer, search = missing[0]
    libc = facts.libc()
    musl = (info.libc or libc) == "musl"
    others = [m[0] for m in missing[1:]]
    also = f" (also missing: {', '.join(others[:6])}{', ...' if len(others) > 6 else ''})" if others else ""
    mismatch = ""
    if info.libc == "glibc" and libc == "musl":
        mismatch = "; the program was built against glibc, and this image has musl libc"
    elif info.libc == "musl" and libc == "glibc":
        mismatch = "; the program was built against musl, and this image has glibc"
    error = (f"Error loading shared library {name}: No such file or directory (needed by {needer})"
             if musl else f"{path}: error while loading shared libraries: {name}: cannot open shared "
             "object file: No such file or directory")
    via = "" if needer == path else f", needed by {needer}"
    return (f"{label} runs {path}, which needs the shared library {name}{via}, and the loader finds it "
            f"nowhere ({search}){also}{mismatch}: the start fails with `{error}`")


_PACKAGES = {
    "libpq.so": "libpq5 (Debian) / libpq (alpine)",
    "libxml2.so": "libxml2",
    "libxslt.so": "libxslt1.1 / libxslt",
    "libjpeg.so": "libjpeg62-turbo / libjpeg-turbo",
    "libssl.so": "libssl3 / openssl",
    "libcrypto.so": "libssl3 / openssl",
    "libmysqlclient.so": "libmysqlclient / mariadb-connector-c",
    "libmariadb.so": "libmariadb3 / mariadb-connector-c",
    "libsqlite3.so": "libsqlite3-0 / sqlite-libs",
    "libffi.so": "libffi8 / libffi",
    "libz.so": "zlib1g / zlib",
    "libstdc++.so": "libstdc++6 / libstdc++",
    "libgcc_s.so": "libgcc-s1 / libgcc",
    "libgomp.so": "libgomp1 / libgomp",
    "libGL.so": "libgl1 / mesa-gl",
    "libglib-2.0.so": "libglib2.0-0 / glib",
    "libc.so.6": "a glibc-based image (debian, ubuntu, distroless/base)",
    "libc.musl": "an alpine image",
}


def library_fix(facts: ImageFacts, names: list[str]) -> str:
    hints = []
    for name in names:
        for prefix, package in _PACKAGES.items():
            if name.startswith(prefix):
                hints.append(f"{name}: {package}")
                break
    text = "install the runtime package that ships the library in the final image"
    if hints:
        text += " (" + "; ".join(dict.fromkeys(hints)) + ")"
    return text + ", or copy it from the build stage and make sure its folder is searched"


def project_related(facts: ImageFacts) -> tuple[Related, ...]:
    if facts.app is None:
        return ()
    return (Related(facts.app.location, f"{facts.app.deployment} runs this image"),)


def loc(location: Location) -> str:
    return location.short()


def exec_findings(facts: ImageFacts, kinds: tuple[str, ...]) -> Iterator[Violation]:
    """The container's command, walked as the runtime does; a violation when the first thing
    that stops it is of one of `kinds`."""
    argv, _ = facts.command()
    if not argv:
        return
    failure = start(facts, argv)
    if failure is None or failure.kind not in kinds:
        return
    if failure.kind in ("missing", "no-shell", "interpreter", "loader", "library") and not facts.complete:
        return  # a layer was not read to its end: the file may be in the part not read
    related = (config_related(facts), *failure.related, *project_related(facts))
    yield Violation(failure.message, facts.location(failure.path if failure.path.startswith("/") else ""),
                    related, fix=failure.fix)


def programs(facts: ImageFacts) -> list[tuple[str, ElfInfo]]:
    """Go programs of the image worth checking: every Go executable outside toolchain folders."""
    out = []
    for path, info in facts.elves.items():
        if info.go is None or info.etype not in ("exec", "dyn"):
            continue
        if path.startswith(("/usr/local/go/", "/usr/lib/go-", "/usr/lib/go/", "/usr/share/", "/root/go/pkg/",
                            "/go/pkg/")):
            continue
        out.append((path, info))
    return sorted(out)
