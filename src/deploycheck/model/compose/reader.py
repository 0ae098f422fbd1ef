"""Reading a tree into services: `read_compose` turns one file's positioned tree into a
`ComposeFile`, interpolated with the given variables, plus the problems Compose would refuse.
It is pure; the reader of each key lives in `read_run` and `read_config`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from deploycheck.model.compose.read_config import _ConfigReader
from deploycheck.model.compose.read_run import _RunReader
from deploycheck.model.compose.services import ComposeFile, ComposeService
from deploycheck.model.compose.tree import RawMap, RawNode, RawScalar
from deploycheck.model.envfile import EnvValue
from deploycheck.model.problems import ParseProblem


class _Reader(_RunReader, _ConfigReader):
    """One compose file's services: each key read by `_RunReader` or `_ConfigReader`."""

    def service(self, key: RawScalar, node: RawNode) -> ComposeService | None:
        name = key.text
        if not isinstance(node, RawMap):
            self.problem(node.pos, f"service {name!r} must be a mapping: Compose refuses the file")
            return None
        keys = frozenset(k.text for k, _ in node.pairs)
        replaced = frozenset(k.text for k, v in node.pairs if v.tag in ("!reset", "!override"))
        get = node.get
        svc = ComposeService(name=name, path=self.path, pos=key.pos, keys=keys, replaced=replaced)
        image = self.text(get("image"))
        build = self.build(get("build"))
        ports = self.ports(get("ports"), name)
        expose = self.expose(get("expose"))
        environment = self.environment(get("environment"))
        env_files = self.env_files(get("env_file"))
        depends = self.depends_on(get("depends_on"), name)
        health = self.healthcheck(get("healthcheck"))
        resources, replicas = self.resources(node)
        networks, aliases = self.networks(get("networks"))
        labels = self.labels(get("labels"))
        return replace(
            svc,
            image=image,
            build=build,
            command=self.command(get("command")),
            entrypoint=self.command(get("entrypoint")),
            ports=ports,
            expose=expose,
            environment=environment,
            env_files=env_files,
            depends_on=depends,
            healthcheck=health,
            resources=resources,
            networks=networks,
            aliases=aliases,
            volumes=self.volumes(get("volumes")),
            profiles=tuple(t for t, _ in self.strings(get("profiles"))),
            platform=self.text(get("platform")),
            user=self.text(get("user")),
            restart=self.text(get("restart")),
            labels=labels,
            network_mode=self.text(get("network_mode")),
            container_name=self.text(get("container_name")),
            hostname=self.text(get("hostname")),
            links=tuple(t for t, _ in self.strings(get("links"))),
            replicas=replicas,
            working_dir=self.text(get("working_dir")),
        )


def read_compose(path: str, tree: RawMap | None,
                 env: Mapping[str, EnvValue] | None = None) -> tuple[ComposeFile, list[ParseProblem]]:
    """Interpret a compose file's tree with the variables in `env` (none: everything unset)."""
    reader = _Reader(path, env or {})
    if tree is None:
        return ComposeFile(path, tree=None), reader.problems
    services: list[ComposeService] = []
    services_node = tree.get("services")
    if isinstance(services_node, RawMap):
        for key, value in services_node.pairs:
            svc = reader.service(key, value)
            if svc is not None:
                services.append(svc)
    elif services_node is not None and not (isinstance(services_node, RawScalar)
                                            and services_node.is_null):
        reader.problem(services_node.pos, "services must be a mapping of service names")

    def names(key: str) -> tuple[str, ...]:
        node = tree.get(key)
        return tuple(k.text for k, _ in node.pairs) if isinstance(node, RawMap) else ()

    name = reader.text(tree.get("name"))
    return (
        ComposeFile(path, tuple(services), names("networks"), names("volumes"), names("secrets"),
                    names("configs"), tuple(reader.refs), name, tree),
        reader.problems,
    )
