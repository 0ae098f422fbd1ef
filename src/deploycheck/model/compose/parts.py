"""What a service is made of: one frozen record per Compose key that rules read.

`PortMapping`, `ExposePort`, `EnvVar`, `EnvFileRef`, `Dependency`, `Healthcheck`, `Resources`,
`Build`, `Command` and `VolumeMount` each carry the `path` and position of the compose file line
they came from; `ComposeService` (in `deploycheck.model.compose.services`) holds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.envfile import VarRef
from deploycheck.model.location import Position


@dataclass(frozen=True, slots=True)
class PortMapping:
    """One entry of `ports`. Host fields are None when the host port is left to Docker.

    `base60_misparse` marks an unquoted `22:22` that YAML 1.1 readers (docker-compose v1,
    podman-compose, PyYAML) take for the base-60 integer `base60_value`; the fields hold what the
    author meant. `unresolved` is set when interpolation left the text unusable.
    """

    path: str
    pos: Position
    raw: str
    container_start: int | None
    container_end: int | None
    host_start: int | None = None
    host_end: int | None = None
    host_ip: str = ""
    protocol: str = "tcp"
    mode: str = ""
    long_syntax: bool = False
    base60_misparse: bool = False
    base60_value: int | None = None
    interpolated: bool = False

    @property
    def published(self) -> bool:
        return self.host_start is not None

    @property
    def loopback_only(self) -> bool:
        ip = self.host_ip.strip("[]").lower()
        return ip.startswith("127.") or ip in ("::1", "localhost")

    @property
    def all_interfaces(self) -> bool:
        return self.host_ip.strip("[]") in ("", "0.0.0.0", "::")

    def container_ports(self) -> range:
        if self.container_start is None:
            return range(0)
        return range(self.container_start, (self.container_end or self.container_start) + 1)

    def host_ports(self) -> range:
        if self.host_start is None:
            return range(0)
        return range(self.host_start, (self.host_end or self.host_start) + 1)

    def key(self) -> tuple[str, int | None, int | None, int | None, int | None, str]:
        return (self.host_ip, self.host_start, self.host_end, self.container_start,
                self.container_end, self.protocol)


@dataclass(frozen=True, slots=True)
class ExposePort:
    """One entry of `expose`. `valid` is False for text Compose rejects, such as `8080:80`."""

    path: str
    pos: Position
    raw: str
    start: int | None
    end: int | None
    protocol: str = "tcp"
    valid: bool = True


@dataclass(frozen=True, slots=True)
class EnvVar:
    """A variable in a container's environment.

    `value` is None when it is passed through from the shell and not found in the project's
    `.env`. `path`/`pos` locate the line that sets it (a compose line, or an `env_file` line);
    `declared_in` is the compose file whose `environment`/`env_file` brought it in; `refs` are
    the `${VAR}` references (or the pass-through lookup) its value came from.
    """

    name: str
    value: str | None
    path: str
    pos: Position
    declared_in: str
    from_env_file: bool = False
    refs: tuple[VarRef, ...] = ()


@dataclass(frozen=True, slots=True)
class EnvFileRef:
    """An `env_file` entry; `file` is resolved against the compose file's folder."""

    file: str
    raw: str
    path: str
    pos: Position
    required: bool = True
    interpolated: bool = False


@dataclass(frozen=True, slots=True)
class Dependency:
    """A `depends_on` entry. The short (list) form means `condition: service_started`."""

    name: str
    path: str
    pos: Position
    condition: str = "service_started"
    restart: bool = False
    required: bool = True
    long_syntax: bool = False


@dataclass(frozen=True, slots=True)
class Healthcheck:
    """`healthcheck`, with `test` normalised to an argv (`CMD-SHELL x` → `/bin/sh -c x`).

    `form` is 'exec' (`CMD`), 'shell' (`CMD-SHELL` or a string), 'none' (`NONE`) or '' (no test,
    inherited from the image). `disable` is True for `disable: true` or `test: [NONE]`.
    """

    path: str
    pos: Position
    test: tuple[str, ...] = ()
    form: str = ""
    test_pos: Position | None = None
    disable: bool = False
    interval: str = ""
    timeout: str = ""
    retries: int | None = None
    start_period: str = ""
    keys: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Resources:
    """Memory in bytes and CPUs, from `deploy.resources` or the legacy `mem_limit`/`cpus`."""

    memory_limit: int | None = None
    cpus_limit: float | None = None
    memory_reservation: int | None = None
    cpus_reservation: float | None = None
    path: str = ""
    memory_pos: Position | None = None


@dataclass(frozen=True, slots=True)
class Build:
    """`build`. `context` and `dockerfile` are project-relative POSIX paths ('' for the root);
    `remote` is set for a Git or HTTP context, where neither path is local."""

    path: str
    pos: Position
    context: str
    dockerfile: str
    target: str = ""
    args: tuple[tuple[str, str | None], ...] = ()
    dockerfile_inline: bool = False
    remote: bool = False
    keys: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Command:
    """`command` or `entrypoint`. A string is split like a shell would (Compose does not run a
    shell); `from_string` tells the two forms apart."""

    path: str
    pos: Position
    argv: tuple[str, ...]
    raw: str = ""
    from_string: bool = False


@dataclass(frozen=True, slots=True)
class VolumeMount:
    """A `volumes` entry. For a bind mount with a relative source, `source_path` is the
    project-relative path of the mounted file or folder."""

    path: str
    pos: Position
    type: str
    source: str
    target: str
    read_only: bool = False
    source_path: str = ""
