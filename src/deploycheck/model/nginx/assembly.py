"""Assembly: nginx files joined through `include` into one `NginxConfig` per entry file.

Include patterns are resolved against the project's files (relative to the main file's folder
as nginx does, or by the tail of absolute paths such as `/etc/nginx/conf.d/*.conf`), spliced
into the including tree with guards against loops and fan-out, and stock files the project
does not hold are understood or left `opaque`. `assemble` finds the entries and hands each
spliced tree to `build` for the typed views.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import posixpath
from collections.abc import Sequence

from deploycheck.model.nginx.build import _build_config
from deploycheck.model.nginx.tree import Directive, NginxFile

MAX_INCLUDE_DEPTH = 16
MAX_EXPANDED = 200_000  # directives per configuration, against include fan-out bombs

# Stock files nginx packages ship, by base name: they set no header, proxy header or TLS setting
# the rules read, so not having them in the project is no reason for doubt.
_BENIGN_INCLUDES = frozenset({
    "mime.types", "fastcgi_params", "fastcgi.conf", "uwsgi_params", "scgi_params", "koi-utf",
    "koi-win", "win-utf", "fastcgi-php.conf", "options-ssl-nginx.conf",
})
# Debian/Ubuntu's /etc/nginx/proxy_params.
_PROXY_PARAMS = (("Host", "$http_host"), ("X-Real-IP", "$remote_addr"),
                 ("X-Forwarded-For", "$proxy_add_x_forwarded_for"), ("X-Forwarded-Proto", "$scheme"))
_NGINX_PREFIXES = ("etc/nginx/", "usr/local/nginx/conf/", "usr/local/etc/nginx/", "opt/nginx/conf/",
                   "usr/local/openresty/nginx/conf/", "etc/openresty/")


class _Index:
    """Project nginx files by path, folder, base name and parent folder name."""

    def __init__(self, files: Sequence[NginxFile]) -> None:
        self.by_path = {f.path: f for f in files}
        self.by_dir: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        self.by_parent: dict[str, list[str]] = {}
        for f in files:
            parts = f.path.split("/")
            self.by_dir.setdefault(f.directory, []).append(f.path)
            self.by_name.setdefault(parts[-1], []).append(f.path)
            if len(parts) > 1:
                self.by_parent.setdefault(parts[-2], []).append(f.path)

    def at(self, pattern: str) -> list[str]:
        """Files matching a project-relative path pattern (glob per path segment)."""
        pattern = posixpath.normpath(pattern)
        if pattern.startswith("../") or pattern == "..":
            return []
        if not _has_magic(pattern):
            return [pattern] if pattern in self.by_path else []
        folder, _, name = pattern.rpartition("/")
        if not _has_magic(folder):
            return sorted(p for p in self.by_dir.get(folder, ()) if fnmatch.fnmatchcase(
                p.rpartition("/")[2], name))
        return sorted(p for p in self.by_path if _segments_match(p.split("/"), pattern.split("/")))

    def by_tail(self, pattern: str, near: str) -> list[str]:
        """Files whose last segments match the pattern's (at least folder + name when it has a
        folder), preferring those nearest to `near` (longest shared folder prefix)."""
        segs = [s for s in pattern.split("/") if s and s != "."]
        if not segs or ".." in segs:
            return []
        need = min(len(segs), 2)
        name, parent = segs[-1], (segs[-2] if len(segs) > 1 else None)
        if not _has_magic(name):
            pool = self.by_name.get(name, [])
        elif parent is not None and not _has_magic(parent):
            pool = self.by_parent.get(parent, [])
        else:
            pool = list(self.by_path)
        found = []
        for path in pool:
            parts = path.split("/")
            if len(parts) >= need and _segments_match(parts[-need:], segs[-need:]):
                found.append(path)
        if not found:
            return []
        near_parts = near.split("/")

        def shared(path: str) -> int:
            count = 0
            for a, b in zip(path.split("/")[:-1], near_parts, strict=False):
                if a != b:
                    break
                count += 1
            return count

        best = max(shared(p) for p in found)
        return sorted(p for p in found if shared(p) == best)


def _has_magic(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _segments_match(parts: Sequence[str], pattern: Sequence[str]) -> bool:
    return len(parts) == len(pattern) and all(
        fnmatch.fnmatchcase(p, q) for p, q in zip(parts, pattern, strict=True))


def _resolve(index: _Index, pattern: str, includer: str, entry_dir: str) -> list[str]:
    """The project files an `include pattern` in file `includer` loads."""
    if not pattern or "$" in pattern:
        return []
    includer_dir = includer.rpartition("/")[0]
    if pattern.startswith("/"):
        rel = pattern.lstrip("/")
        for prefix in _NGINX_PREFIXES:
            if rel.startswith(prefix):
                found = index.at(posixpath.join(entry_dir, rel[len(prefix):]))
                if found:
                    return found
        return index.by_tail(rel, includer)
    # nginx resolves relative includes against its prefix (the main file's folder).
    for base in dict.fromkeys((entry_dir, includer_dir)):
        found = index.at(posixpath.join(base, pattern) if base else pattern)
        if found:
            return found
    return index.by_tail(pattern, includer)


class _Expander:
    """Splices included files into an entry file's tree, guarding against loops and fan-out."""

    def __init__(self, index: _Index, entry: NginxFile) -> None:
        self.index = index
        self.entry_dir = entry.directory
        self.count = 0
        self.files: dict[str, None] = {entry.path: None}
        self.unresolved: list[Directive] = []

    def block(self, items: Sequence[Directive], stack: tuple[str, ...]) -> tuple[Directive, ...]:
        out: list[Directive] = []
        for d in items:
            self.count += 1
            if self.count > MAX_EXPANDED:
                break
            if d.name == "include" and d.block is None and len(d.args) == 1:
                out.extend(self.include(d, stack))
            elif d.block is not None:
                out.append(dataclasses.replace(d, block=self.block(d.block, stack)))
            else:
                out.append(d)
        return tuple(out)

    def include(self, d: Directive, stack: tuple[str, ...]) -> list[Directive]:
        pattern = d.args[0]
        found = _resolve(self.index, pattern, d.path, self.entry_dir)
        if not found:
            base = pattern.rpartition("/")[2]
            if base == "proxy_params":
                return [Directive("proxy_set_header", (name, value), d.pos, d.path)
                        for name, value in _PROXY_PARAMS]
            if base in _BENIGN_INCLUDES or _has_magic(pattern):
                # nginx accepts a glob matching nothing; a missing stock file sets nothing we read.
                return []
            self.unresolved.append(d)
            return [d]
        out: list[Directive] = []
        for path in found:
            if path in stack or len(stack) >= MAX_INCLUDE_DEPTH:
                continue  # an include loop (nginx would recurse until it fails); read once
            self.files[path] = None
            out.extend(self.block(self.index.by_path[path].directives, (*stack, path)))
        return out


def assemble(models: Sequence[object]) -> tuple[object, ...]:
    """One `NginxConfig` per entry: a file that no other project file includes.

    Files that hold servers but no `http` block (conf.d and sites-enabled files) and that nothing
    includes are read together, per folder and in name order, as the stock nginx.conf's
    `include /etc/nginx/conf.d/*.conf;` would load them.
    """
    files = [m for m in models if isinstance(m, NginxFile)]
    if not files:
        return ()
    index = _Index(files)
    included: set[str] = set()
    for f in files:
        for d in f.walk():
            if d.name == "include" and len(d.args) == 1:
                for path in _resolve(index, d.args[0], f.path, f.directory):
                    if path != f.path:
                        included.add(path)
    groups: dict[str, list[NginxFile]] = {}
    for f in files:
        if f.path in included:
            continue
        key = f"dir:{f.directory}" if f.context == "http" else f"file:{f.path}"
        groups.setdefault(key, []).append(f)
    configs: list[object] = []
    for group in groups.values():
        group.sort(key=lambda g: g.path)
        expander = _Expander(index, group[0])
        tree: tuple[Directive, ...] = ()
        for f in group:
            expander.files[f.path] = None
            tree += expander.block(f.directives, (f.path,))
        configs.append(_build_config(group[0], tree, tuple(expander.files),
                                     tuple(expander.unresolved)))
    return tuple(configs)
