"""Docker Compose: files, services, and projects merged the way `docker compose` merges them.

A `ComposeFile` is one file as written (interpolated with no variables set). `assemble` groups the
files of each folder into `ComposeProject`s — `compose.yaml` plus its `compose.override.yaml`,
and each other `docker-compose.<x>.yml` merged on top of the base (the `-f base -f x` idiom) —
re-reading each file with the folder's `.env` for interpolation and adding `env_file` values.
Rules that reason about a deployment should read `ComposeProject`; every positioned item carries
the `path` of the file it came from.

The file is kept as a small positioned tree (`RawMap`) so the project can be re-read with its
`.env`; `read_compose` turns such a tree into services and is pure.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from deploycheck.model.envfile import (
    EnvFile,
    EnvValue,
    RefStatus,
    VarRef,
    environment_of,
    interpolate,
)
from deploycheck.model.location import Location, Position
from deploycheck.model.problems import ParseProblem

# --------------------------------------------------------------------------------------------
# The positioned tree a parser hands over (YAML already read, merge keys applied).


@dataclass(frozen=True, slots=True)
class RawScalar:
    """A scalar as written. `tag` is the YAML 1.1 type PyYAML resolved ('str', 'int', 'null'...)."""

    text: str
    tag: str
    pos: Position
    plain: bool = True

    @property
    def is_null(self) -> bool:
        return self.tag == "null"


@dataclass(frozen=True, slots=True)
class RawSeq:
    items: tuple[RawNode, ...]
    pos: Position
    tag: str = ""  # a local tag such as Compose's `!reset` / `!override`, else ''


@dataclass(frozen=True, slots=True)
class RawMap:
    pairs: tuple[tuple[RawScalar, RawNode], ...]
    pos: Position
    tag: str = ""

    def get(self, key: str) -> RawNode | None:
        for k, v in self.pairs:
            if k.text == key:
                return v
        return None

    def key(self, key: str) -> RawScalar | None:
        for k, _ in self.pairs:
            if k.text == key:
                return k
        return None


RawNode = RawScalar | RawSeq | RawMap

# --------------------------------------------------------------------------------------------
# What a service is made of.


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


# --------------------------------------------------------------------------------------------
# Images: what a service runs.

_BACKING_BY_NAME = {
    "postgres": "postgres", "postgresql": "postgres", "postgis": "postgres",
    "timescaledb": "postgres", "timescaledb-ha": "postgres", "pgvector": "postgres",
    "mysql": "mysql", "mariadb": "mysql", "percona": "mysql", "percona-server": "mysql",
    "mysql-server": "mysql",
    "redis": "redis", "redis-stack": "redis", "redis-stack-server": "redis", "valkey": "redis",
    "keydb": "redis", "dragonfly": "redis",
    "mongo": "mongo", "mongodb": "mongo", "mongodb-community-server": "mongo",
    "rabbitmq": "rabbitmq",
    "kafka": "kafka", "cp-kafka": "kafka", "cp-server": "kafka",
    "nats": "nats",
    "memcached": "memcached",
    "elasticsearch": "elasticsearch", "opensearch": "elasticsearch",
    "cassandra": "cassandra", "scylla": "cassandra",
    "clickhouse-server": "clickhouse", "clickhouse": "clickhouse",
}
_BACKING_BY_REPO = {"mssql/server": "mssql", "azure-sql-edge": "mssql"}

# Default client ports of each kind: what an app dials.
BACKING_PORTS: Mapping[str, tuple[int, ...]] = {
    "postgres": (5432,), "mysql": (3306,), "redis": (6379,), "mongo": (27017,),
    "rabbitmq": (5672,), "kafka": (9092,), "nats": (4222,), "memcached": (11211,),
    "elasticsearch": (9200,), "cassandra": (9042,), "clickhouse": (8123, 9000), "mssql": (1433,),
}
BACKING_SCHEMES: Mapping[str, str] = {
    "postgres": "postgres", "postgresql": "postgres", "postgis": "postgres",
    "mysql": "mysql", "mariadb": "mysql", "mysql2": "mysql",
    "redis": "redis", "rediss": "redis", "valkey": "redis",
    "mongodb": "mongo", "mongodb+srv": "mongo", "amqp": "rabbitmq", "amqps": "rabbitmq",
    "kafka": "kafka", "nats": "nats", "memcached": "memcached", "clickhouse": "clickhouse",
    "sqlserver": "mssql", "mssql": "mssql",
}


def image_repository(image: str) -> str:
    ref = image.strip().split("@", 1)[0]
    first, slash, rest = ref.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        ref = rest
    name, _, last = ref.rpartition("/")
    last = last.split(":", 1)[0]
    repo = f"{name}/{last}" if name else last
    if repo.startswith("library/"):
        repo = repo[len("library/"):]
    return repo.lower()


def image_tag(image: str) -> str:
    ref = image.strip().split("@", 1)[0]
    last = ref.rpartition("/")[2]
    return last.partition(":")[2]


def is_official_image(image: str) -> bool:
    """A Docker Official Image (`postgres`, `docker.io/library/redis`): these ship no HEALTHCHECK."""
    ref = image.strip()
    if not ref or "$" in ref:
        return False
    first, slash, rest = ref.partition("/")
    if slash and first in ("docker.io", "index.docker.io", "registry-1.docker.io"):
        ref = rest
    elif slash and ("." in first or ":" in first or first == "localhost"):
        return False
    return "/" not in ref or ref.startswith("library/")


def backing_kind(image: str) -> str:
    if not image:
        return ""
    repo = image_repository(image)
    if repo in _BACKING_BY_REPO:
        return _BACKING_BY_REPO[repo]
    for suffix, kind in _BACKING_BY_REPO.items():
        if repo.endswith("/" + suffix):
            return kind
    return _BACKING_BY_NAME.get(repo.rpartition("/")[2], "")


# --------------------------------------------------------------------------------------------
# Small readers of Compose value syntax.

_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$", re.IGNORECASE)
_EXPOSE = re.compile(r"^(\d+)(?:-(\d+))?(?:/([a-z]+))?$", re.IGNORECASE)


def parse_memory(text: str) -> int | None:
    """`512m`, `1.5g`, `1073741824` → bytes (docker's RAMInBytes units)."""
    match = _MEMORY.match(text)
    if not match:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def _parse_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _port_range(text: str) -> tuple[int, int] | None:
    start, dash, end = text.strip().partition("-")
    if not start.isdigit() or (dash and not end.isdigit()):
        return None
    low, high = int(start), int(end) if dash else int(start)
    if not (0 < low <= high <= 65535):
        return None
    return low, high


def parse_port_spec(text: str) -> tuple[str, tuple[int, int] | None, tuple[int, int], str] | None:
    """`[IP:][HOST:]CONTAINER[/PROTO]` → (host_ip, host range or None, container range, proto).

    Splits like docker's `nat.ParsePortSpec`: the last part is the container port, the one
    before it the host port, anything before that the IP (`[::1]` brackets allowed).
    """
    spec = text.strip()
    proto = "tcp"
    if "/" in spec:
        spec, _, proto = spec.rpartition("/")
        proto = proto.lower()
        if proto not in ("tcp", "udp", "sctp"):
            return None
    parts = spec.split(":")
    container = parts[-1]
    host = parts[-2] if len(parts) >= 2 else ""
    ip = ":".join(parts[:-2]) if len(parts) >= 3 else ""
    if ip.startswith("[") and ip.endswith("]"):
        ip = ip[1:-1]
    crange = _port_range(container)
    if crange is None:
        return None
    hrange = None
    if host:
        hrange = _port_range(host)
        if hrange is None:
            return None
        host_len = hrange[1] - hrange[0]
        cont_len = crange[1] - crange[0]
        if cont_len and host_len != cont_len:
            return None
    return ip, hrange, crange, proto


def _base60(text: str) -> int:
    value = 0
    for part in text.split(":"):
        value = value * 60 + int(part.replace("_", "") or "0")
    return value


def _split_command(text: str) -> tuple[str, ...]:
    try:
        return tuple(shlex.split(text))
    except ValueError:
        return tuple(text.split())


def _join(directory: str, rel: str) -> str:
    if rel.startswith("/"):
        return posixpath.normpath(rel)
    joined = posixpath.normpath(posixpath.join(directory, rel)) if rel else directory
    return "" if joined == "." else joined


def _is_remote(context: str) -> bool:
    return "://" in context or context.startswith(("git@", "github.com/")) or context.endswith(".git")


# --------------------------------------------------------------------------------------------
# Reading a tree into services.


class _Reader:
    def __init__(self, path: str, env: Mapping[str, EnvValue]) -> None:
        self.path = path
        self.env = env
        self.directory = path.rpartition("/")[0]
        self.refs: list[VarRef] = []
        self.problems: list[ParseProblem] = []
        self._seen_refs: set[tuple[int, int, str]] = set()
        self._seen_problems: set[tuple[int, int, str]] = set()

    def problem(self, pos: Position, message: str) -> None:
        key = (pos.line, pos.column, message)
        if key not in self._seen_problems:
            self._seen_problems.add(key)
            self.problems.append(ParseProblem(Location.at(self.path, pos), message, "compose"))

    def interp(self, node: RawScalar) -> tuple[str, tuple[VarRef, ...]]:
        if "$" not in node.text:
            return node.text, ()
        text = node.text
        start = node.pos
        shift = 0 if node.plain else 1
        one_line = "\n" not in text

        def pos_of(offset: int) -> Position:
            if one_line:
                return Position(start.line, start.column + shift + offset)
            return start

        result = interpolate(text, self.env, self.path, pos_of)
        for ref in result.refs:
            key = (ref.pos.line, ref.pos.column, ref.name)
            if key not in self._seen_refs:
                self._seen_refs.add(key)
                self.refs.append(ref)
        if result.error:
            self.problem(node.pos, f"{result.error}: Compose stops with 'invalid interpolation "
                                   "format'; write a literal $ as $$")
        return result.value, result.refs

    def text(self, node: RawNode | None) -> str:
        if isinstance(node, RawScalar) and not node.is_null:
            return self.interp(node)[0]
        return ""

    def strings(self, node: RawNode | None) -> list[tuple[str, RawScalar]]:
        """A list of strings, or a single string read as a one-item list."""
        if isinstance(node, RawScalar):
            return [] if node.is_null else [(self.text(node), node)]
        if isinstance(node, RawSeq):
            return [(self.text(item), item) for item in node.items
                    if isinstance(item, RawScalar) and not item.is_null]
        return []

    def boolean(self, node: RawNode | None) -> bool | None:
        if not isinstance(node, RawScalar):
            return None
        text = self.text(node).strip().lower()
        if text in ("true", "yes", "on", "y"):
            return True
        if text in ("false", "no", "off", "n"):
            return False
        return None

    # -- services ------------------------------------------------------------------------------

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

    def build(self, node: RawNode | None) -> Build | None:
        if node is None or (isinstance(node, RawScalar) and node.is_null):
            return None
        if isinstance(node, RawScalar):
            context_raw = self.text(node)
            keys = frozenset({"context"})
            dockerfile_raw, target, inline = "", "", False
            args: tuple[tuple[str, str | None], ...] = ()
        elif isinstance(node, RawMap):
            keys = frozenset(k.text for k, _ in node.pairs)
            context_raw = self.text(node.get("context")) or "."
            dockerfile_raw = self.text(node.get("dockerfile"))
            inline = node.get("dockerfile_inline") is not None
            target = self.text(node.get("target"))
            args = tuple((k, v) for k, v, _ in self.key_values(node.get("args")))
        else:
            self.problem(node.pos, "build must be a path or a mapping")
            return None
        remote = _is_remote(context_raw)
        context = context_raw if remote else _join(self.directory, context_raw)
        dockerfile = dockerfile_raw or "Dockerfile"
        if not remote and not inline:
            dockerfile = _join(context, dockerfile) if not dockerfile.startswith("/") else dockerfile
        return Build(self.path, node.pos, context, dockerfile, target, args, inline, remote, keys)

    def command(self, node: RawNode | None) -> Command | None:
        if node is None or (isinstance(node, RawScalar) and node.is_null):
            return None
        if isinstance(node, RawScalar):
            text = self.text(node)
            return Command(self.path, node.pos, _split_command(text), text, True)
        if isinstance(node, RawSeq):
            argv = tuple(self.text(item) for item in node.items if isinstance(item, RawScalar))
            return Command(self.path, node.pos, argv, shlex.join(argv), False)
        self.problem(node.pos, "command must be a string or a list")
        return None

    def ports(self, node: RawNode | None, service: str) -> tuple[PortMapping, ...]:
        if node is None or (isinstance(node, RawScalar) and node.is_null):
            return ()
        if not isinstance(node, RawSeq):
            self.problem(node.pos, f"services.{service}.ports must be a list")
            return ()
        out: list[PortMapping] = []
        for item in node.items:
            if isinstance(item, RawScalar):
                mapping = self.short_port(item, service)
                if mapping is not None:
                    out.append(mapping)
            elif isinstance(item, RawMap):
                mapping = self.long_port(item, service)
                if mapping is not None:
                    out.append(mapping)
            else:
                self.problem(item.pos, f"services.{service}.ports: an entry must be a string or "
                                       "a mapping")
        return tuple(out)

    def short_port(self, item: RawScalar, service: str) -> PortMapping | None:
        text, refs = self.interp(item)
        base60 = item.plain and item.tag == "int" and ":" in item.text
        if any(ref.status is RefStatus.MISSING for ref in refs):
            # An unset variable: DC207 reports it; the mapping's value is unknown.
            return PortMapping(self.path, item.pos, item.text, None, None, interpolated=True)
        spec = parse_port_spec(text)
        if spec is None:
            self.problem(item.pos, f"services.{service}.ports: invalid port {text!r}: Compose "
                                   "expects [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]")
            return None
        ip, host, cont, proto = spec
        return PortMapping(
            self.path, item.pos, item.text, cont[0], cont[1],
            host[0] if host else None, host[1] if host else None, ip, proto,
            base60_misparse=base60, base60_value=_base60(item.text) if base60 else None,
            interpolated=bool(refs),
        )

    def long_port(self, item: RawMap, service: str) -> PortMapping | None:
        target_text = self.text(item.get("target"))
        published = self.text(item.get("published"))
        crange = _port_range(target_text)
        if crange is None:
            self.problem(item.pos, f"services.{service}.ports: target {target_text!r} is not a "
                                   "port number")
            return None
        hrange = _port_range(published) if published else None
        if published and hrange is None:
            if "$" in self._raw_text(item.get("published")):
                return PortMapping(self.path, item.pos, published, crange[0], crange[1],
                                   long_syntax=True, interpolated=True)
            self.problem(item.pos, f"services.{service}.ports: published {published!r} is not a "
                                   "port or range")
            return None
        proto = (self.text(item.get("protocol")) or "tcp").lower()
        return PortMapping(
            self.path, item.pos, f"{published}:{target_text}" if published else target_text,
            crange[0], crange[1], hrange[0] if hrange else None, hrange[1] if hrange else None,
            self.text(item.get("host_ip")), proto, self.text(item.get("mode")), long_syntax=True,
        )

    @staticmethod
    def _raw_text(node: RawNode | None) -> str:
        return node.text if isinstance(node, RawScalar) else ""

    def expose(self, node: RawNode | None) -> tuple[ExposePort, ...]:
        out: list[ExposePort] = []
        for text, item in self.strings(node) if isinstance(node, RawSeq) else []:
            raw = item.text
            match = _EXPOSE.match(text.strip())
            if match is None:
                out.append(ExposePort(self.path, item.pos, raw, None, None, valid=False))
                continue
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else start
            out.append(ExposePort(self.path, item.pos, raw, start, end,
                                  (match.group(3) or "tcp").lower()))
        return tuple(out)

    def key_values(self, node: RawNode | None) -> list[tuple[str, str | None, RawScalar]]:
        """`KEY=VALUE` lists and `KEY: VALUE` maps alike; a missing value is None."""
        out: list[tuple[str, str | None, RawScalar]] = []
        if isinstance(node, RawSeq):
            for item in node.items:
                if not isinstance(item, RawScalar) or item.is_null:
                    continue
                text = self.text(item)
                name, eq, rest = text.partition("=")
                out.append((name.strip(), rest if eq else None, item))
        elif isinstance(node, RawMap):
            for key, value_node in node.pairs:
                if isinstance(value_node, RawScalar):
                    value = None if value_node.is_null else self.text(value_node)
                    out.append((key.text, value, key))
                else:
                    self.problem(value_node.pos, f"the value of {key.text} must be a string, "
                                                 "number, boolean or null")
        return out

    def environment(self, node: RawNode | None) -> tuple[EnvVar, ...]:
        out: dict[str, EnvVar] = {}
        if isinstance(node, RawSeq):
            for item in node.items:
                if isinstance(item, RawScalar) and not item.is_null:
                    text, refs = self.interp(item)
                    name, eq, value = text.partition("=")
                    out[name.strip()] = self.env_var(name.strip(), value if eq else None, item.pos,
                                                     refs)
        elif isinstance(node, RawMap):
            for key, value_node in node.pairs:
                if isinstance(value_node, RawScalar):
                    if value_node.is_null:
                        out[key.text] = self.env_var(key.text, None, key.pos, ())
                    else:
                        value, refs = self.interp(value_node)
                        out[key.text] = self.env_var(key.text, value, key.pos, refs)
                else:
                    self.problem(value_node.pos, f"environment.{key.text} must be a string, "
                                                 "number, boolean or null")
        elif node is not None and not (isinstance(node, RawScalar) and node.is_null):
            self.problem(node.pos, "environment must be a list or a mapping")
        return tuple(out.values())

    def env_var(self, name: str, value: str | None, pos: Position,
                refs: tuple[VarRef, ...]) -> EnvVar:
        if value is None:
            # A pass-through: Compose looks the name up in the shell and the project's .env.
            found = self.env.get(name)
            if found is not None:
                ref = VarRef(name, self.path, pos, "", "", RefStatus.RESOLVED, found.source,
                             found.pos)
                return EnvVar(name, found.value, self.path, pos, self.path, False, (ref,))
        return EnvVar(name, value, self.path, pos, self.path, False, refs)

    def env_files(self, node: RawNode | None) -> tuple[EnvFileRef, ...]:
        out: list[EnvFileRef] = []
        items: Sequence[RawNode]
        if isinstance(node, RawScalar):
            items = () if node.is_null else (node,)
        elif isinstance(node, RawSeq):
            items = node.items
        else:
            items = ()
        for item in items:
            required = True
            if isinstance(item, RawMap):
                path_node = item.get("path")
                required = self.boolean(item.get("required")) is not False
            else:
                path_node = item
            if not isinstance(path_node, RawScalar) or path_node.is_null:
                continue
            text, refs = self.interp(path_node)
            out.append(EnvFileRef(_join(self.directory, text), path_node.text, self.path,
                                  path_node.pos, required, bool(refs)))
        return tuple(out)

    def depends_on(self, node: RawNode | None, service: str) -> tuple[Dependency, ...]:
        out: list[Dependency] = []
        if isinstance(node, RawSeq):
            for text, item in self.strings(node):
                out.append(Dependency(text, self.path, item.pos))
        elif isinstance(node, RawMap):
            for key, value in node.pairs:
                if isinstance(value, RawMap):
                    condition = self.text(value.get("condition")) or "service_started"
                    restart = self.boolean(value.get("restart")) is True
                    required = self.boolean(value.get("required")) is not False
                    out.append(Dependency(key.text, self.path, key.pos, condition, restart,
                                          required, True))
                else:
                    out.append(Dependency(key.text, self.path, key.pos, long_syntax=True))
        elif node is not None and not (isinstance(node, RawScalar) and node.is_null):
            self.problem(node.pos, f"services.{service}.depends_on must be a list or a mapping")
        return tuple(out)

    def healthcheck(self, node: RawNode | None) -> Healthcheck | None:
        if not isinstance(node, RawMap):
            return None
        keys = frozenset(k.text for k, _ in node.pairs)
        test_node = node.get("test")
        test: tuple[str, ...] = ()
        form = ""
        disable = self.boolean(node.get("disable")) is True
        if isinstance(test_node, RawScalar) and not test_node.is_null:
            text = self.text(test_node)
            if text.strip().upper() == "NONE":
                form, disable = "none", True
            else:
                test, form = ("/bin/sh", "-c", text), "shell"
        elif isinstance(test_node, RawSeq):
            words = [self.text(i) for i in test_node.items if isinstance(i, RawScalar)]
            head = words[0].upper() if words else ""
            if head == "CMD":
                test, form = tuple(words[1:]), "exec"
            elif head == "CMD-SHELL":
                test, form = ("/bin/sh", "-c", " ".join(words[1:])), "shell"
            elif head == "NONE":
                form, disable = "none", True
            elif words:
                self.problem(test_node.pos, "healthcheck.test must start with CMD, CMD-SHELL "
                                            "or NONE")
        retries_text = self.text(node.get("retries"))
        return Healthcheck(
            self.path, node.pos, test, form, test_node.pos if test_node else None, disable,
            self.text(node.get("interval")), self.text(node.get("timeout")),
            int(retries_text) if retries_text.isdigit() else None,
            self.text(node.get("start_period")), keys,
        )

    def resources(self, node: RawMap) -> tuple[Resources, int | None]:
        memory = reservation = None
        cpus = cpus_res = None
        memory_pos = None
        replicas = None
        deploy = node.get("deploy")
        if isinstance(deploy, RawMap):
            replicas_text = self.text(deploy.get("replicas"))
            replicas = int(replicas_text) if replicas_text.isdigit() else None
            res = deploy.get("resources")
            if isinstance(res, RawMap):
                limits, reservations = res.get("limits"), res.get("reservations")
                if isinstance(limits, RawMap):
                    mem = limits.get("memory")
                    if isinstance(mem, RawScalar) and not mem.is_null:
                        memory, memory_pos = parse_memory(self.text(mem)), mem.pos
                    cpus = _parse_float(self.text(limits.get("cpus")))
                if isinstance(reservations, RawMap):
                    reservation = parse_memory(self.text(reservations.get("memory")))
                    cpus_res = _parse_float(self.text(reservations.get("cpus")))
        legacy = node.get("mem_limit")
        if memory is None and isinstance(legacy, RawScalar) and not legacy.is_null:
            memory, memory_pos = parse_memory(self.text(legacy)), legacy.pos
        if cpus is None:
            cpus = _parse_float(self.text(node.get("cpus")))
        if reservation is None:
            reservation = parse_memory(self.text(node.get("mem_reservation")))
        if replicas is None:
            scale = self.text(node.get("scale"))
            replicas = int(scale) if scale.isdigit() else None
        return Resources(memory, cpus, reservation, cpus_res, self.path, memory_pos), replicas

    def networks(self, node: RawNode | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if isinstance(node, RawSeq):
            return tuple(t for t, _ in self.strings(node)), ()
        names: list[str] = []
        aliases: list[str] = []
        if isinstance(node, RawMap):
            for key, value in node.pairs:
                names.append(key.text)
                if isinstance(value, RawMap):
                    aliases.extend(t for t, _ in self.strings(value.get("aliases")))
        return tuple(names), tuple(aliases)

    def labels(self, node: RawNode | None) -> tuple[tuple[str, str], ...]:
        return tuple((k, v or "") for k, v, _ in self.key_values(node))

    def volumes(self, node: RawNode | None) -> tuple[VolumeMount, ...]:
        if not isinstance(node, RawSeq):
            return ()
        out: list[VolumeMount] = []
        for item in node.items:
            if isinstance(item, RawScalar) and not item.is_null:
                out.append(self.short_volume(self.text(item), item.pos))
            elif isinstance(item, RawMap):
                kind = self.text(item.get("type")) or "volume"
                source = self.text(item.get("source"))
                read_only = self.boolean(item.get("read_only")) is True
                source_path = _join(self.directory, source) if kind == "bind" and source else ""
                out.append(VolumeMount(self.path, item.pos, kind, source,
                                       self.text(item.get("target")), read_only, source_path))
        return tuple(out)

    def short_volume(self, text: str, pos: Position) -> VolumeMount:
        parts = text.split(":")
        # A Windows drive letter (`C:\data:/data`) is part of the source.
        if len(parts) >= 3 and len(parts[0]) == 1 and parts[0].isalpha():
            parts = [parts[0] + ":" + parts[1], *parts[2:]]
        if len(parts) == 1:
            return VolumeMount(self.path, pos, "volume", "", parts[0])
        source, target = parts[0], parts[1]
        mode = parts[2] if len(parts) > 2 else ""
        read_only = "ro" in mode.split(",")
        is_path = source.startswith((".", "/", "~")) or (len(source) > 1 and source[1] == ":")
        if is_path:
            local = "" if source.startswith("~") else _join(self.directory, source)
            return VolumeMount(self.path, pos, "bind", source, target, read_only, local)
        return VolumeMount(self.path, pos, "volume", source, target, read_only)


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


# --------------------------------------------------------------------------------------------
# Merging files into projects.


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
