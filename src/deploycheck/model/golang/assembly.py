"""`assemble`, the Go kind's assembler: it groups parsed `GoFile`s into `GoPackage`s (folder and
package name, files excluded from the build left out), attaches the nearest `GoMod`, builds a
`ValueScope` per package (reachable from other packages by import path) and finishes what one
file cannot know alone: listen addresses that name constants of another file or package, and
calls to getEnv-style helpers defined elsewhere in the package.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from deploycheck.model.golang.gomod import GoMod
from deploycheck.model.golang.listen import ListenAddress, ListenCall
from deploycheck.model.golang.package import GoFile, GoPackage
from deploycheck.model.golang.values import ValueScope, resolve_parts

T = TypeVar("T")


def _cat(files: Sequence[GoFile], get: Callable[[GoFile], tuple[T, ...]]) -> tuple[T, ...]:
    return tuple(item for f in files for item in get(f))


def _nearest_mod(directory: str, mods: Mapping[str, GoMod]) -> GoMod | None:
    current = directory
    while True:
        if current in mods:
            return mods[current]
        if not current:
            return None
        current = current.rpartition("/")[0]


def _import_path(directory: str, mod: GoMod | None) -> str:
    """The import path of the package in `directory`: its module's path and the folder below."""
    if mod is None or not mod.module:
        return ""
    below = directory[len(mod.directory):].strip("/") if mod.directory else directory
    return f"{mod.module}/{below}" if below else mod.module


def _resolve_listen(call: ListenCall, scope: ValueScope) -> ListenCall:
    if not any(p.kind in ("ident", "call") for p in call.parts):
        return call
    parts = resolve_parts(call.parts, scope)
    return replace(call, parts=parts, address=ListenAddress.from_parts(parts, call.address.raw))


def assemble(models: Sequence[object]) -> tuple[object, ...]:
    """Group Go files into packages (folder + package name) and attach the nearest go.mod."""
    mods = {m.directory: m for m in models if isinstance(m, GoMod)}
    groups: dict[tuple[str, str], list[GoFile]] = {}
    for model in models:
        if isinstance(model, GoFile) and not model.excluded_from_build and model.package:
            groups.setdefault((model.directory, model.package), []).append(model)
    out: list[GoPackage] = []
    scopes: dict[tuple[str, str], ValueScope] = {}
    by_import: dict[str, ValueScope] = {}
    for key, files in groups.items():
        scope = ValueScope({v.name: v for f in files for v in f.values},
                           frozenset(h for f in files for h in f.env_helpers), by_import)
        scopes[key] = scope
        path = _import_path(key[0], _nearest_mod(key[0], mods))
        if path and key[1] != "main":
            by_import.setdefault(path, scope)
    for (directory, name), files in groups.items():
        scope = scopes[(directory, name)]
        listens = tuple(_resolve_listen(c, scope) for f in files for c in f.listens)
        env_reads = tuple(
            replace(r, via="helper") if r.via.startswith("call:") else r
            for f in files
            for r in f.env_reads
            # a call to an unknown function is an env read only if the package defines it as a
            # getEnv-style helper (maybe in another file)
            if not r.via.startswith("call:") or r.via[5:] in scope.helpers
        )
        out.append(
            GoPackage(
                directory=directory,
                name=name,
                files=tuple(files),
                module=_nearest_mod(directory, mods),
                listens=listens,
                engines=_cat(files, lambda f: f.engines),
                routes=_cat(files, lambda f: f.routes),
                uses=_cat(files, lambda f: f.uses),
                set_modes=_cat(files, lambda f: f.set_modes),
                trusted_proxies=_cat(files, lambda f: f.trusted_proxies),
                trusted_platforms=_cat(files, lambda f: f.trusted_platforms),
                client_ip_uses=_cat(files, lambda f: f.client_ip_uses),
                cors_configs=_cat(files, lambda f: f.cors_configs),
                cors_handlers=_cat(files, lambda f: f.cors_handlers),
                runtime_files=_cat(files, lambda f: f.runtime_files),
                embeds=_cat(files, lambda f: f.embeds),
                time_zones=_cat(files, lambda f: f.time_zones),
                https=_cat(files, lambda f: f.https),
                env_reads=env_reads,
                log_files=_cat(files, lambda f: f.log_files),
                cgo=_cat(files, lambda f: f.cgo),
                tls=_cat(files, lambda f: f.tls),
                tuning=_cat(files, lambda f: f.tuning),
                metrics=_cat(files, lambda f: f.metrics),
            )
        )
    return tuple(out)
