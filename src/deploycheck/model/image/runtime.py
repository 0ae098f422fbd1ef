"""The runtime's view of an image: environment, command, executable lookup and the user.

`_Runtime` (a base of `ImageFacts`) answers what the container runtime does at start: the
environment (the image's ENV, the deployment's on top, the default PATH), the argv it executes and
where it comes from, where it finds argv[0] on PATH (as runc does), and which uid/gid USER names
through /etc/passwd and /etc/group. It also lists the compilers and toolchains (`BUILD_TOOLS`)
left in the final view.
"""

from __future__ import annotations

import posixpath
import re

from deploycheck.model.image.files import _Files
from deploycheck.model.image.records import DEFAULT_PATH, Resolved

# Compilers and toolchains: (what, a path that shows it is installed).
BUILD_TOOLS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("the C compiler (gcc)", re.compile(r"^/usr/(local/)?lib(exec)?/gcc/[^/]+/[^/]+/cc1$")),
    ("clang", re.compile(r"^/usr/(lib/llvm-[^/]+/)?bin/clang(-\d+)?$")),
    ("the Go toolchain", re.compile(r"^(/usr/local/go|/usr/lib/go-[^/]+|/usr/lib/go)/bin/go$")),
    ("the Rust toolchain", re.compile(r"/bin/rustc$")),
    ("the Java compiler (javac)", re.compile(r"/bin/javac$")),
)


class _Runtime(_Files):
    """The container runtime's view of the image."""

    __slots__ = ()

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
