"""The models rules read: a `ComposeService`, a `ComposeFile` of services as written, and the
`ComposeProject` that `docker compose up` runs in one folder (its files merged in order), with
the lookups rules need (a service by name, by host name, by image, by backing kind).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from deploycheck.model.compose.images import backing_kind, image_repository, image_tag
from deploycheck.model.compose.parts import (
    Build,
    Command,
    Dependency,
    EnvFileRef,
    EnvVar,
    ExposePort,
    Healthcheck,
    PortMapping,
    Resources,
    VolumeMount,
)
from deploycheck.model.compose.tree import RawMap
from deploycheck.model.envfile import VarRef
from deploycheck.model.location import Location, Position


@dataclass(frozen=True, slots=True)
class ComposeService:
    name: str
    path: str
    pos: Position
    keys: frozenset[str] = frozenset()
    replaced: frozenset[str] = frozenset()  # keys tagged `!reset`/`!override`: not merged
    image: str = ""
    build: Build | None = None
    command: Command | None = None
    entrypoint: Command | None = None
    ports: tuple[PortMapping, ...] = ()
    expose: tuple[ExposePort, ...] = ()
    environment: tuple[EnvVar, ...] = ()
    env_files: tuple[EnvFileRef, ...] = ()
    depends_on: tuple[Dependency, ...] = ()
    healthcheck: Healthcheck | None = None
    resources: Resources = field(default_factory=Resources)
    networks: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    volumes: tuple[VolumeMount, ...] = ()
    profiles: tuple[str, ...] = ()
    platform: str = ""
    user: str = ""
    restart: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    network_mode: str = ""
    container_name: str = ""
    hostname: str = ""
    links: tuple[str, ...] = ()
    replicas: int | None = None
    working_dir: str = ""

    def env(self, name: str) -> EnvVar | None:
        for var in self.environment:
            if var.name == name:
                return var
        return None

    def env_dict(self) -> dict[str, EnvVar]:
        return {var.name: var for var in self.environment}

    def published_ports(self) -> tuple[PortMapping, ...]:
        return tuple(p for p in self.ports if p.published)

    def dependency(self, name: str) -> Dependency | None:
        for dep in self.depends_on:
            if dep.name == name:
                return dep
        return None

    @property
    def image_name(self) -> str:
        """The image repository without registry, tag or digest (`library/` dropped)."""
        return image_repository(self.image)

    @property
    def backing(self) -> str:
        """'postgres', 'mysql', 'redis', ... when the image is a known database, cache or broker."""
        return backing_kind(self.image)

    @property
    def memory_limit(self) -> int | None:
        return self.resources.memory_limit

    @property
    def shares_network_namespace(self) -> bool:
        """`network_mode: host` or `service:x`/`container:x`: localhost is not the service's own."""
        mode = self.network_mode
        return mode == "host" or mode.startswith(("service:", "container:"))

    def host_names(self) -> frozenset[str]:
        """The lower-case names that resolve to this service on the project's networks."""
        names = {self.name.lower(), self.container_name.lower(), self.hostname.lower()}
        names.update(a.lower() for a in self.aliases)
        names.discard("")
        return frozenset(names)

    def answers_to(self, host: str) -> bool:
        """Whether `host` resolves to this service on the project's networks."""
        return host.lower() in self.host_names()

    def location(self) -> Location:
        return Location.at(self.path, self.pos)


@dataclass(frozen=True, slots=True)
class ComposeFile:
    """One compose file as written, interpolated with no variables set (see `ComposeProject`)."""

    path: str
    services: tuple[ComposeService, ...] = ()
    networks: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    configs: tuple[str, ...] = ()
    refs: tuple[VarRef, ...] = ()
    name: str = ""
    tree: RawMap | None = field(default=None, compare=False, repr=False)

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]

    @property
    def filename(self) -> str:
        return self.path.rpartition("/")[2]

    def service(self, name: str) -> ComposeService | None:
        for svc in self.services:
            if svc.name == name:
                return svc
        return None


@dataclass(frozen=True, slots=True)
class ComposeProject:
    """What `docker compose up` runs in one folder: its files merged in order.

    `files` are in merge order; `variant` names the file merged on top of the base for a
    `-f base -f variant` project ('' for the base project). `env_file` is the `.env` used for
    interpolation ('' when none). Rules report through `owns`, so a finding in the base files
    is not repeated by every variant.
    """

    directory: str
    files: tuple[str, ...]
    services: tuple[ComposeService, ...]
    refs: tuple[VarRef, ...] = ()
    env_file: str = ""
    variant: str = ""
    networks: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()
    by_name: Mapping[str, ComposeService] = field(default_factory=dict, compare=False, repr=False)

    def service(self, name: str) -> ComposeService | None:
        if self.by_name:
            return self.by_name.get(name)
        for svc in self.services:
            if svc.name == name:
                return svc
        return None

    def owns(self, *paths: str) -> bool:
        """Whether a finding involving these compose files belongs to this project's report."""
        return not self.variant or self.variant in paths

    def service_for_host(self, host: str) -> ComposeService | None:
        """The service a hostname (service name, container_name, hostname, alias, link) reaches."""
        for svc in self.services:
            if svc.answers_to(host):
                return svc
        for svc in self.services:
            for link in svc.links:
                name, _, alias = link.partition(":")
                if host.lower() == (alias or name).lower():
                    return self.service(name)
        return None

    def services_for_image(self, image: str) -> tuple[ComposeService, ...]:
        """Services that run `image` (compared without registry and `library/`; tag if given)."""
        want = image_repository(image)
        tag = image_tag(image)
        return tuple(
            svc for svc in self.services
            if svc.image and image_repository(svc.image) == want
            and (not tag or image_tag(svc.image) in ("", tag))
        )

    def dependents(self, name: str) -> tuple[ComposeService, ...]:
        return tuple(svc for svc in self.services if svc.dependency(name) is not None)

    def services_of_kind(self, kind: str) -> tuple[ComposeService, ...]:
        return tuple(svc for svc in self.services if svc.backing == kind)
