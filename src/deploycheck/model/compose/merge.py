"""Merging services the way `docker compose -f base -f over` does: mappings merged, lists
concatenated or merged by key, single values replaced, and `!reset`/`!override` honoured.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from deploycheck.model.compose.parts import Build, Healthcheck, Resources
from deploycheck.model.compose.services import ComposeService


def _pick(base: str, over: str, key: str, keys: frozenset[str]) -> str:
    return over if key in keys else base


def _merge_build(base: Build | None, over: Build | None) -> Build | None:
    if base is None or over is None:
        return over or base
    args = dict(base.args)
    args.update(over.args)
    k = over.keys
    context = over.context if "context" in k else base.context
    dockerfile = over.dockerfile if ("dockerfile" in k or "context" in k) else base.dockerfile
    return Build(
        over.path if k & {"context", "dockerfile"} else base.path,
        over.pos, context, dockerfile, _pick(base.target, over.target, "target", k),
        tuple(args.items()), over.dockerfile_inline or base.dockerfile_inline,
        over.remote if "context" in k else base.remote, base.keys | k,
    )


def _merge_health(base: Healthcheck | None, over: Healthcheck | None) -> Healthcheck | None:
    if base is None or over is None:
        return over or base
    k = over.keys
    has_test = "test" in k
    return Healthcheck(
        over.path, over.pos,
        over.test if has_test else base.test, over.form if has_test else base.form,
        over.test_pos if has_test else base.test_pos,
        over.disable if ("disable" in k or has_test) else base.disable,
        _pick(base.interval, over.interval, "interval", k),
        _pick(base.timeout, over.timeout, "timeout", k),
        over.retries if "retries" in k else base.retries,
        _pick(base.start_period, over.start_period, "start_period", k), base.keys | k,
    )


def _merge_resources(base: Resources, over: Resources) -> Resources:
    memory_over = over.memory_limit is not None
    return Resources(
        over.memory_limit if memory_over else base.memory_limit,
        over.cpus_limit if over.cpus_limit is not None else base.cpus_limit,
        over.memory_reservation if over.memory_reservation is not None else base.memory_reservation,
        over.cpus_reservation if over.cpus_reservation is not None else base.cpus_reservation,
        over.path if memory_over else base.path,
        over.memory_pos if memory_over else base.memory_pos,
    )


def _unique(items: Iterator[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def merge_service(base: ComposeService, over: ComposeService) -> ComposeService:
    """Compose's merge: mappings merged, `ports`/`expose` concatenated, `environment`, `labels`
    and `depends_on` merged by key, `volumes` by target, `command`/`entrypoint` replaced."""
    k = over.keys
    ports = {p.key() if p.container_start is not None else (p.path, p.pos): p for p in base.ports}
    for p in over.ports:
        ports.setdefault(p.key() if p.container_start is not None else (p.path, p.pos), p)
    expose = {e.raw: e for e in base.expose}
    for e in over.expose:
        expose.setdefault(e.raw, e)
    env = {v.name: v for v in base.environment}
    env.update((v.name, v) for v in over.environment)
    deps = {d.name: d for d in base.depends_on}
    deps.update((d.name, d) for d in over.depends_on)
    labels = dict(base.labels)
    labels.update(over.labels)
    volumes = {v.target or f"{v.path}:{v.pos}": v for v in base.volumes}
    volumes.update((v.target or f"{v.path}:{v.pos}", v) for v in over.volumes)
    merged = replace(
        base,
        keys=base.keys | k,
        image=_pick(base.image, over.image, "image", k),
        build=_merge_build(base.build, over.build) if "build" in k else base.build,
        command=over.command if "command" in k else base.command,
        entrypoint=over.entrypoint if "entrypoint" in k else base.entrypoint,
        ports=tuple(ports.values()),
        expose=tuple(expose.values()),
        environment=tuple(env.values()),
        env_files=base.env_files + over.env_files,
        depends_on=tuple(deps.values()),
        healthcheck=_merge_health(base.healthcheck, over.healthcheck) if "healthcheck" in k
        else base.healthcheck,
        resources=_merge_resources(base.resources, over.resources),
        networks=_unique(iter(base.networks + over.networks)),
        aliases=_unique(iter(base.aliases + over.aliases)),
        volumes=tuple(volumes.values()),
        profiles=_unique(iter(base.profiles + over.profiles)),
        platform=_pick(base.platform, over.platform, "platform", k),
        user=_pick(base.user, over.user, "user", k),
        restart=_pick(base.restart, over.restart, "restart", k),
        labels=tuple(labels.items()),
        network_mode=_pick(base.network_mode, over.network_mode, "network_mode", k),
        container_name=_pick(base.container_name, over.container_name, "container_name", k),
        hostname=_pick(base.hostname, over.hostname, "hostname", k),
        links=_unique(iter(base.links + over.links)),
        replicas=over.replicas if over.replicas is not None else base.replicas,
        working_dir=_pick(base.working_dir, over.working_dir, "working_dir", k),
    )
    # `!reset` / `!override` replace the base's value instead of merging with it.
    fields = {_REPLACEABLE[key]: getattr(over, _REPLACEABLE[key])
              for key in over.replaced if key in _REPLACEABLE}
    return replace(merged, **fields) if fields else merged


_REPLACEABLE = {
    "ports": "ports", "expose": "expose", "environment": "environment", "env_file": "env_files",
    "depends_on": "depends_on", "volumes": "volumes", "labels": "labels", "networks": "networks",
    "profiles": "profiles", "links": "links", "healthcheck": "healthcheck", "build": "build",
    "deploy": "resources",
}
