"""Merging files into projects: `assemble` groups each folder's compose files into the
`ComposeProject`s `docker compose` would run there (base plus override, and `-f base -f x`
variants), re-reading files with the folder's `.env` and adding `env_file` values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from deploycheck.model.compose.merge import _unique, merge_service
from deploycheck.model.compose.parts import EnvVar
from deploycheck.model.compose.reader import read_compose
from deploycheck.model.compose.services import ComposeFile, ComposeProject, ComposeService
from deploycheck.model.envfile import (
    EnvFile,
    EnvValue,
    RefStatus,
    VarRef,
    environment_of,
    interpolate,
)


def _with_env_files(svc: ComposeService, env_files: Mapping[str, EnvFile],
                    env: Mapping[str, EnvValue]) -> ComposeService:
    """Add `env_file` values under the service's own `environment` (which wins)."""
    if not svc.env_files:
        return svc
    merged: dict[str, EnvVar] = {}
    for ref in svc.env_files:
        found = env_files.get(ref.file)
        if found is None:
            continue
        known: dict[str, EnvValue] = dict(env)
        for entry in found.entries:
            refs: tuple[VarRef, ...] = ()
            value = entry.value
            if value is None:
                hit = env.get(entry.name)
                if hit is not None:
                    value = hit.value
                    refs = (VarRef(entry.name, found.path, entry.pos, "", "", RefStatus.RESOLVED,
                                   hit.source, hit.pos),)
            elif entry.quote != "'" and "$" in value:
                result = interpolate(value, known, found.path)
                value, refs = result.value, result.refs
            if value is not None:
                known[entry.name] = EnvValue(value, found.path, entry.pos)
            merged[entry.name] = EnvVar(entry.name, value, found.path, entry.pos, ref.path, True,
                                        refs)
    for var in svc.environment:
        merged[var.name] = var
    return replace(svc, environment=tuple(merged.values()))


_BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_OVERRIDE_NAMES = ("compose.override.yml", "compose.override.yaml",
                   "docker-compose.override.yml", "docker-compose.override.yaml")


def _merge_files(files: Sequence[ComposeFile]) -> list[ComposeService]:
    services: dict[str, ComposeService] = {}
    for f in files:
        for svc in f.services:
            services[svc.name] = merge_service(services[svc.name], svc) if svc.name in services \
                else svc
    return list(services.values())


def uses_env(compose: ComposeFile) -> bool:
    """Whether the file needs the folder's .env: it interpolates variables or passes some through."""
    return bool(compose.refs) or any(
        var.value is None for svc in compose.services for var in svc.environment)


def _project(directory: str, files: Sequence[ComposeFile], variant: str,
             dotenv: EnvFile | None, env_files: Mapping[str, EnvFile]) -> ComposeProject:
    env = environment_of(dotenv)
    if env:
        # Only files that interpolate or pass variables through depend on the `.env`.
        files = [read_compose(f.path, f.tree, env)[0] if f.tree is not None and uses_env(f) else f
                 for f in files]
    services = [_with_env_files(svc, env_files, env) for svc in _merge_files(files)]
    refs: list[VarRef] = []
    for f in files:
        refs.extend(f.refs)
    return ComposeProject(
        directory=directory,
        files=tuple(f.path for f in files),
        services=tuple(services),
        refs=tuple(refs),
        env_file=dotenv.path if dotenv else "",
        variant=variant,
        networks=_unique(n for f in files for n in f.networks),
        volumes=_unique(v for f in files for v in f.volumes),
        by_name={svc.name: svc for svc in services},
    )


def assemble(models: Sequence[object]) -> tuple[object, ...]:
    """Group compose files by folder into the projects `docker compose` would run there."""
    by_dir: dict[str, list[ComposeFile]] = {}
    env_files: dict[str, EnvFile] = {}
    for model in models:
        if isinstance(model, ComposeFile):
            by_dir.setdefault(model.directory, []).append(model)
        elif isinstance(model, EnvFile):
            env_files[model.path] = model
    projects: list[ComposeProject] = []
    for directory, files in by_dir.items():
        dotenv = env_files.get(f"{directory}/.env" if directory else ".env")
        by_name = {f.filename: f for f in files}
        base = next((by_name[n] for n in _BASE_NAMES if n in by_name), None)
        override = next((by_name[n] for n in _OVERRIDE_NAMES if n in by_name), None)
        used: set[str] = set()
        if base is not None:
            chain = [base] + ([override] if override else [])
            used.update(f.path for f in chain)
            projects.append(_project(directory, chain, "", dotenv, env_files))
        elif override is not None:
            used.add(override.path)
            projects.append(_project(directory, [override], "", dotenv, env_files))
        for f in sorted(files, key=lambda f: f.path):
            if f.path in used:
                continue
            if base is not None and f.filename not in _BASE_NAMES and _overlays(base, f):
                projects.append(_project(directory, [base, f], f.path, dotenv, env_files))
            else:
                projects.append(_project(directory, [f], "", dotenv, env_files))
    return tuple(projects)


def _overlays(base: ComposeFile, other: ComposeFile) -> bool:
    """Whether `other` is written to be merged on top of `base` (`-f base -f other`).

    It is when it redefines one of the base's services; a file whose services are all new is
    run on its own (`docker-compose.test.yml` with a separate stack).
    """
    names = {svc.name for svc in base.services}
    return any(svc.name in names for svc in other.services) or not other.services
