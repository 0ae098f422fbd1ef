"""Packages a RUN installs: system packages (apk, apt, yum, dnf, zypper) and pip installs.

Reads the words of one simple command and returns what it installs, if it is an install:
`PackageInstall` for the distribution's package managers (what the built image then holds) and
`PipInstall` for `pip install`, `python -m pip` and `uv pip` (packages, `-r` files and `-e`
paths).
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class PackageInstall:
    """`apk add` / `apt-get install` / `yum|dnf|microdnf install` of packages."""

    manager: str
    packages: tuple[str, ...]
    pos: Position


@dataclass(frozen=True, slots=True)
class PipInstall:
    """`pip install` (also `pip3`, `python -m pip`, `uv pip`): packages and `-r` files."""

    packages: tuple[str, ...]
    requirements: tuple[str, ...]
    pos: Position
    editable: tuple[str, ...] = ()


_PKG_MANAGERS = {
    "apk": ("add",),
    "apt-get": ("install",),
    "apt": ("install",),
    "yum": ("install",),
    "dnf": ("install",),
    "microdnf": ("install",),
    "tdnf": ("install",),
    "zypper": ("install", "in"),
}


def _package_install(words: tuple[str, ...], pos: Position) -> PackageInstall | None:
    if not words:
        return None
    start = 1 if words[0] in ("sudo",) else 0
    words = words[start:]
    if not words:
        return None
    manager = words[0].rpartition("/")[2]
    verbs = _PKG_MANAGERS.get(manager)
    if verbs is None:
        return None
    rest = list(words[1:])
    verb_at = next((i for i, w in enumerate(rest) if not w.startswith("-")), None)
    if verb_at is None or rest[verb_at] not in verbs:
        return None
    packages = []
    skip_next = False
    for w in rest[verb_at + 1:]:
        if skip_next:
            skip_next = False
            continue
        if w.startswith("-"):
            if w in ("-t", "--target-release", "-X", "--repository", "--virtual", "-o"):
                skip_next = True
            continue
        packages.append(w)
    return PackageInstall(manager, tuple(packages), pos)


def _package_base(spec: str) -> str:
    """`curl=8.5.0-r0` / `curl>=8` / `curl@edge` → `curl`."""
    for sep in ("=", ">", "<", "~", "@"):
        spec = spec.split(sep, 1)[0]
    return spec


def _pip_install(words: tuple[str, ...], pos: Position) -> PipInstall | None:
    w = list(words)
    if not w:
        return None
    prog = w[0].rpartition("/")[2]
    if prog.startswith("python") and len(w) > 2 and w[1] == "-m" and w[2] in ("pip", "pip3"):
        w = w[2:]
    elif prog == "uv" and len(w) > 1 and w[1] == "pip":
        w = w[1:]
    prog = w[0].rpartition("/")[2]
    if not (prog in ("pip", "pip3") or (prog.startswith("pip3.") and prog[5:].isdigit())):
        return None
    if len(w) < 2 or w[1] != "install":
        return None
    packages: list[str] = []
    reqs: list[str] = []
    editable: list[str] = []
    i = 2
    takes_value = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i",
                   "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target",
                   "--prefix", "--root", "--platform", "--python-version", "--implementation",
                   "--abi", "--trusted-host", "--cache-dir", "--src", "--progress-bar",
                   "--only-binary", "--no-binary", "--config-settings", "-C", "--python"}
    while i < len(w):
        a = w[i]
        name, eq, value = a.partition("=")
        if a.startswith("-"):
            if not eq and name in takes_value:
                value = w[i + 1] if i + 1 < len(w) else ""
                i += 1
            if name in ("-r", "--requirement"):
                reqs.append(value)
            elif name in ("-e", "--editable"):
                editable.append(value)
            elif name.startswith("-r") and len(name) > 2 and not name.startswith("--"):
                reqs.append(name[2:])
        else:
            packages.append(a)
        i += 1
    return PipInstall(tuple(packages), tuple(reqs), pos, tuple(editable))
