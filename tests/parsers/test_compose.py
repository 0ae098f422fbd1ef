"""The compose parser and model: positions, Compose's syntax variants, merging, interpolation."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploycheck.model import Position, SourceFile
from deploycheck.model.compose import (
    ComposeFile,
    ComposeProject,
    ComposeService,
    assemble,
    backing_kind,
    image_repository,
    is_official_image,
    parse_memory,
    parse_port_spec,
)
from deploycheck.model.envfile import EnvFile, RefStatus
from deploycheck.parsers import Parsed
from deploycheck.parsers import compose as compose_parser
from deploycheck.parsers import envfile as env_parser


def parse(text: str, path: str = "compose.yaml") -> Parsed:
    return compose_parser.parse(SourceFile.of(path, text))


def crashed(parsed: Parsed) -> bool:
    """Whether the parser's last-resort handler caught an exception (a bug, not bad input)."""
    return any(p.message.startswith("could not read") for p in parsed.problems)


def one_file(text: str, path: str = "compose.yaml") -> ComposeFile:
    parsed = parse(text, path)
    assert len(parsed.models) == 1
    model = parsed.models[0]
    assert isinstance(model, ComposeFile)
    return model


def service(text: str, name: str = "web", path: str = "compose.yaml") -> ComposeService:
    svc = one_file(text, path).service(name)
    assert svc is not None
    return svc


def env(text: str, path: str = ".env") -> EnvFile:
    model = env_parser.parse(SourceFile.of(path, text)).models[0]
    assert isinstance(model, EnvFile)
    return model


def projects(*models: object) -> list[ComposeProject]:
    return [m for m in assemble(models) if isinstance(m, ComposeProject)]


# -- ports ------------------------------------------------------------------------------------


PORTS = """\
services:
  web:
    image: nginx
    ports:
      - "8080:80"
      - 22:22
      - 9000
      - "127.0.0.1:5432:5432"
      - "[::1]:6379:6379/udp"
      - "8000-8002:8000-8002"
      - "127.0.0.1::9090"
      - target: 443
        published: "8443"
        host_ip: 0.0.0.0
        protocol: tcp
        mode: host
"""


def test_short_and_long_port_syntax_with_positions() -> None:
    ports = service(PORTS).ports
    assert [(p.host_ip, p.host_start, p.host_end, p.container_start, p.container_end, p.protocol)
            for p in ports] == [
        ("", 8080, 8080, 80, 80, "tcp"),
        ("", 22, 22, 22, 22, "tcp"),
        ("", None, None, 9000, 9000, "tcp"),
        ("127.0.0.1", 5432, 5432, 5432, 5432, "tcp"),
        ("::1", 6379, 6379, 6379, 6379, "udp"),
        ("", 8000, 8002, 8000, 8002, "tcp"),
        ("127.0.0.1", None, None, 9090, 9090, "tcp"),
        ("0.0.0.0", 8443, 8443, 443, 443, "tcp"),
    ]
    assert ports[0].pos == Position(5, 9)
    assert ports[7].pos == Position(12, 9) and ports[7].long_syntax and ports[7].mode == "host"
    assert ports[3].loopback_only and not ports[3].all_interfaces
    assert ports[0].all_interfaces and ports[0].published and not ports[2].published


def test_base60_port_is_flagged_with_its_yaml11_value() -> None:
    ports = service(PORTS).ports
    assert ports[1].base60_misparse and ports[1].base60_value == 1342
    assert not any(p.base60_misparse for i, p in enumerate(ports) if i != 1)
    quoted = service('services:\n  web:\n    ports: ["22:22", 8080:80]\n').ports
    assert not any(p.base60_misparse for p in quoted)


def test_invalid_port_is_a_problem_with_position() -> None:
    parsed = parse("services:\n  web:\n    ports:\n      - \"80:abc\"\n      - \"8080:80\"\n")
    assert [(p.location.line, p.location.column) for p in parsed.problems] == [(4, 9)]
    assert "invalid port" in parsed.problems[0].message
    model = parsed.models[0]
    assert isinstance(model, ComposeFile)
    assert len(model.services[0].ports) == 1


def test_parse_port_spec_edge_cases() -> None:
    assert parse_port_spec("8080") == ("", None, (8080, 8080), "tcp")
    assert parse_port_spec("0.0.0.0:80:80/tcp") == ("0.0.0.0", (80, 80), (80, 80), "tcp")
    assert parse_port_spec("8000-8010:80") == ("", (8000, 8010), (80, 80), "tcp")
    assert parse_port_spec("8000-8001:80-82") is None
    assert parse_port_spec("70000:80") is None
    assert parse_port_spec("80/foo") is None
    assert parse_port_spec("") is None


def test_expose_valid_and_invalid_entries() -> None:
    svc = service('services:\n  web:\n    expose: ["3000", 9000, "8080:80", "53/udp", "9100-9105"]\n')
    assert [(e.raw, e.start, e.end, e.protocol, e.valid) for e in svc.expose] == [
        ("3000", 3000, 3000, "tcp", True),
        ("9000", 9000, 9000, "tcp", True),
        ("8080:80", None, None, "tcp", False),
        ("53/udp", 53, 53, "udp", True),
        ("9100-9105", 9100, 9105, "tcp", True),
    ]
    assert svc.expose[2].pos == Position(3, 28)


# -- environment, env_file, interpolation --------------------------------------------------------


ENV = """\
services:
  web:
    image: app
    env_file:
      - .env
      - path: ./config/extra.env
        required: false
    environment:
      - DATABASE_URL=postgres://u:p@db:5432/x
      - PASSTHROUGH
      - SECRET=${SECRET}
      - EMPTY=
  api:
    image: app
    env_file: api.env
    environment:
      DEBUG: "true"
      PORT: 8080
      NULLISH:
      TAG: ${TAG:-latest}
"""


def test_environment_list_and_map_forms() -> None:
    web = service(ENV)
    assert [(v.name, v.value, v.pos) for v in web.environment] == [
        ("DATABASE_URL", "postgres://u:p@db:5432/x", Position(9, 9)),
        ("PASSTHROUGH", None, Position(10, 9)),
        ("SECRET", "", Position(11, 9)),
        ("EMPTY", "", Position(12, 9)),
    ]
    api = service(ENV, "api")
    assert api.env_dict()["PORT"].value == "8080"
    assert api.env_dict()["NULLISH"].value is None
    assert api.env_dict()["TAG"].value == "latest"
    assert api.env_dict()["DEBUG"].pos == Position(17, 7)


def test_env_file_short_and_long_syntax() -> None:
    web = service(ENV, path="deploy/compose.yaml")
    assert [(r.file, r.required, r.pos) for r in web.env_files] == [
        ("deploy/.env", True, Position(5, 9)),
        ("deploy/config/extra.env", False, Position(6, 15)),
    ]
    api = service(ENV, "api", path="deploy/compose.yaml")
    assert [r.file for r in api.env_files] == ["deploy/api.env"]


def test_interpolation_refs_and_statuses() -> None:
    text = (
        "services:\n"
        "  web:\n"
        "    image: \"app:${TAG:-dev}\"\n"
        "    command: echo $$HOME ${A?need A} ${B:+on} $PLAIN ${C-x} ${D:?d}\n"
    )
    model = one_file(text)
    refs = {r.name: r for r in model.refs}
    assert refs["TAG"].status is RefStatus.DEFAULTED and refs["TAG"].has_default
    assert refs["TAG"].pos == Position(3, 17)
    assert refs["A"].status is RefStatus.REQUIRED and refs["A"].required
    assert refs["B"].status is RefStatus.OPTIONAL
    assert refs["PLAIN"].status is RefStatus.MISSING
    assert refs["PLAIN"].pos == Position(4, 47)
    assert refs["C"].status is RefStatus.DEFAULTED
    assert "HOME" not in refs  # `$$` is an escaped dollar
    svc = model.services[0]
    assert svc.image == "app:dev"
    assert svc.command is not None and svc.command.argv[:2] == ("echo", "$HOME")


def test_nested_default_and_invalid_interpolation() -> None:
    model = one_file("services:\n  web:\n    image: ${A:-${B:-nginx}}\n")
    assert model.services[0].image == "nginx"
    assert {r.name for r in model.refs} == {"A", "B"}
    parsed = parse("services:\n  web:\n    command: echo ${1st}\n")
    assert [p.location.line for p in parsed.problems if "invalid interpolation" in p.message] == [3]
    assert not parse("services:\n  web:\n    command: echo cost 5$ $1\n").problems


def test_project_resolves_interpolation_from_dotenv_and_env_files() -> None:
    compose = one_file(ENV, "app/compose.yaml")
    dotenv = env("SECRET=s3cr3t\nPASSTHROUGH=from-dotenv\nTAG=1.2\nFOO=bar\n", "app/.env")
    api_env = env("API_KEY=k\nDEBUG=false\n", "app/api.env")
    (project,) = projects(compose, dotenv, api_env)
    assert project.env_file == "app/.env"
    web = project.service("web")
    assert web is not None
    values = {v.name: v for v in web.environment}
    assert values["SECRET"].value == "s3cr3t"
    assert values["SECRET"].refs[0].source == "app/.env"
    assert values["SECRET"].refs[0].source_pos == Position(1, 1)
    assert values["PASSTHROUGH"].value == "from-dotenv"
    # env_file entries come first, `environment` wins.
    assert values["FOO"].from_env_file and values["FOO"].path == "app/.env"
    api = project.service("api")
    assert api is not None
    api_values = api.env_dict()
    assert api_values["DEBUG"].value == "true" and not api_values["DEBUG"].from_env_file
    assert api_values["API_KEY"].value == "k" and api_values["API_KEY"].pos == Position(1, 1)
    assert api_values["TAG"].value == "1.2"
    statuses = {r.name: r.status for r in project.refs}
    assert statuses["SECRET"] is RefStatus.RESOLVED


# -- build, command, healthcheck, depends_on, resources, volumes ----------------------------------


FULL = """\
services:
  web:
    build:
      context: ../app
      dockerfile: docker/Dockerfile.prod
      target: runtime
      args:
        GO_VERSION: "1.22"
        EMPTY:
    command: ["./server", "-addr", ":8080"]
    entrypoint: /entrypoint.sh --verbose "two words"
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:8080/healthz"]
      interval: 10s
      retries: 3
    depends_on:
      db:
        condition: service_healthy
        restart: true
      cache:
        condition: service_started
        required: false
    deploy:
      replicas: 2
      resources:
        limits: {memory: 1.5g, cpus: "0.75"}
        reservations: {memory: 256M}
    volumes:
      - ./nginx/site.conf:/etc/nginx/conf.d/default.conf:ro
      - data:/var/lib/data
      - /tmp
      - type: bind
        source: ./static
        target: /srv/static
        read_only: true
    networks:
      front:
        aliases: [www]
      back:
    platform: linux/amd64
    user: "1000:1000"
    restart: unless-stopped
    labels: {traefik.enable: "true"}
    network_mode: bridge
    profiles: [prod]
  db:
    image: postgres:16
    healthcheck:
      test: pg_isready -U postgres
    mem_limit: 512m
    cpus: 0.5
  cache:
    image: redis:7
    healthcheck:
      test: ["NONE"]
    depends_on: [db]
  shell:
    build: .
    healthcheck:
      test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]
      disable: false
"""


def test_build_context_and_dockerfile_are_project_relative() -> None:
    web = service(FULL, path="deploy/compose.yaml")
    assert web.build is not None
    assert web.build.context == "app"
    assert web.build.dockerfile == "app/docker/Dockerfile.prod"
    assert web.build.target == "runtime"
    assert dict(web.build.args) == {"GO_VERSION": "1.22", "EMPTY": None}
    shell = service(FULL, "shell", path="deploy/compose.yaml")
    assert shell.build is not None
    assert (shell.build.context, shell.build.dockerfile) == ("deploy", "deploy/Dockerfile")
    root = service("services:\n  web:\n    build: .\n")
    assert root.build is not None and (root.build.context, root.build.dockerfile) == ("", "Dockerfile")
    remote = service("services:\n  web:\n    build: https://github.com/acme/app.git#main\n")
    assert remote.build is not None and remote.build.remote


def test_command_and_entrypoint_forms() -> None:
    web = service(FULL)
    assert web.command is not None and web.command.argv == ("./server", "-addr", ":8080")
    assert not web.command.from_string and web.command.pos == Position(10, 14)
    assert web.entrypoint is not None
    assert web.entrypoint.argv == ("/entrypoint.sh", "--verbose", "two words")
    assert web.entrypoint.from_string
    broken = service("services:\n  web:\n    command: echo \"unterminated\n")
    assert broken.command is not None and broken.command.argv[0] == "echo"


def test_healthcheck_normalisation() -> None:
    model = one_file(FULL)
    web, db, cache, shell = (model.service(n) for n in ("web", "db", "cache", "shell"))
    assert web is not None and web.healthcheck is not None
    assert web.healthcheck.test == ("wget", "-qO-", "http://localhost:8080/healthz")
    assert web.healthcheck.form == "exec" and web.healthcheck.interval == "10s"
    assert web.healthcheck.retries == 3 and web.healthcheck.test_pos == Position(13, 13)
    assert db is not None and db.healthcheck is not None
    assert db.healthcheck.test == ("/bin/sh", "-c", "pg_isready -U postgres")
    assert db.healthcheck.form == "shell"
    assert cache is not None and cache.healthcheck is not None and cache.healthcheck.disable
    assert shell is not None and shell.healthcheck is not None
    assert shell.healthcheck.test == ("/bin/sh", "-c", "curl -f http://localhost/ || exit 1")


def test_depends_on_short_and_long_forms() -> None:
    model = one_file(FULL)
    web, cache = model.service("web"), model.service("cache")
    assert web is not None and cache is not None
    assert [(d.name, d.condition, d.restart, d.required, d.pos) for d in web.depends_on] == [
        ("db", "service_healthy", True, True, Position(17, 7)),
        ("cache", "service_started", False, False, Position(20, 7)),
    ]
    assert [(d.name, d.condition, d.long_syntax) for d in cache.depends_on] == [
        ("db", "service_started", False)]


def test_resources_and_other_fields() -> None:
    model = one_file(FULL, "deploy/compose.yaml")
    web, db = model.service("web"), model.service("db")
    assert web is not None and db is not None
    assert web.resources.memory_limit == int(1.5 * 1024**3)
    assert web.resources.cpus_limit == 0.75
    assert web.resources.memory_reservation == 256 * 1024**2
    assert web.resources.memory_pos == Position(26, 26)
    assert web.replicas == 2
    assert db.memory_limit == 512 * 1024**2 and db.resources.cpus_limit == 0.5
    assert [(v.type, v.source, v.target, v.read_only, v.source_path) for v in web.volumes] == [
        ("bind", "./nginx/site.conf", "/etc/nginx/conf.d/default.conf", True,
         "deploy/nginx/site.conf"),
        ("volume", "data", "/var/lib/data", False, ""),
        ("volume", "", "/tmp", False, ""),
        ("bind", "./static", "/srv/static", True, "deploy/static"),
    ]
    assert web.networks == ("front", "back") and web.aliases == ("www",)
    assert (web.platform, web.user, web.restart, web.network_mode) == (
        "linux/amd64", "1000:1000", "unless-stopped", "bridge")
    assert web.labels == (("traefik.enable", "true"),) and web.profiles == ("prod",)
    assert web.answers_to("www") and web.answers_to("WEB") and not web.answers_to("db")


def test_parse_memory_units() -> None:
    assert parse_memory("512m") == 512 * 1024**2
    assert parse_memory("1G") == 1024**3
    assert parse_memory("100MB") == 100 * 1024**2
    assert parse_memory("1073741824") == 1073741824
    assert parse_memory("lots") is None


def test_images() -> None:
    assert image_repository("docker.io/library/postgres:16@sha256:abc") == "postgres"
    assert image_repository("ghcr.io/acme/api:1.2") == "acme/api"
    assert image_repository("localhost:5000/app") == "app"
    assert backing_kind("bitnami/postgresql:16") == "postgres"
    assert backing_kind("mcr.microsoft.com/mssql/server:2022-latest") == "mssql"
    assert backing_kind("acme/api") == ""
    assert is_official_image("redis:7") and is_official_image("docker.io/library/redis")
    assert not is_official_image("bitnami/redis") and not is_official_image("ghcr.io/x/redis")


# -- merging files into projects ----------------------------------------------------------------


BASE = """\
services:
  web:
    build: .
    command: ["serve"]
    ports: ["8080:8080"]
    environment:
      LOG_LEVEL: info
      MODE: dev
    depends_on: [db]
  db:
    image: postgres:16
"""
OVERRIDE = """\
services:
  web:
    command: ["serve", "--reload"]
    ports: ["9229:9229", "8080:8080"]
    environment:
      MODE: debug
"""
PROD = """\
services:
  web:
    image: ghcr.io/acme/web:1.0
    environment:
      MODE: prod
    deploy:
      resources: {limits: {memory: 256m}}
  proxy:
    image: nginx:1.27
"""
TEST = """\
services:
  e2e:
    image: acme/e2e
"""


def test_assemble_merges_base_override_and_variants() -> None:
    base = one_file(BASE, "svc/compose.yaml")
    override = one_file(OVERRIDE, "svc/compose.override.yaml")
    prod = one_file(PROD, "svc/compose.prod.yaml")
    test = one_file(TEST, "svc/docker-compose.test.yml")
    found = {p.variant or p.files[-1]: p for p in projects(base, override, prod, test)}
    main = found["svc/compose.override.yaml"]
    assert main.files == ("svc/compose.yaml", "svc/compose.override.yaml")
    web = main.service("web")
    assert web is not None
    assert web.command is not None and web.command.argv == ("serve", "--reload")
    assert [p.raw for p in web.ports] == ["8080:8080", "9229:9229"]
    assert {v.name: v.value for v in web.environment} == {"LOG_LEVEL": "info", "MODE": "debug"}
    assert [d.name for d in web.depends_on] == ["db"]
    assert web.path == "svc/compose.yaml"
    assert main.owns("svc/compose.yaml") and not main.variant

    variant = found["svc/compose.prod.yaml"]
    assert variant.files == ("svc/compose.yaml", "svc/compose.prod.yaml")
    pweb = variant.service("web")
    assert pweb is not None and pweb.image == "ghcr.io/acme/web:1.0" and pweb.build is not None
    assert pweb.command is not None and pweb.command.argv == ("serve",)  # no override here
    assert pweb.env_dict()["MODE"].value == "prod"
    assert pweb.memory_limit == 256 * 1024**2
    assert variant.service("proxy") is not None
    assert variant.owns("svc/compose.prod.yaml") and not variant.owns("svc/compose.yaml")

    standalone = found["svc/docker-compose.test.yml"]
    assert standalone.files == ("svc/docker-compose.test.yml",) and not standalone.variant


def test_project_lookup_helpers() -> None:
    text = """\
services:
  api:
    image: ghcr.io/acme/api:2
    hostname: backend
    links: ["db:database"]
  db:
    image: postgres:16
    container_name: pg
    depends_on: []
  worker:
    image: ghcr.io/acme/api:2
    depends_on: [db]
"""
    (project,) = projects(one_file(text))
    assert project.service_for_host("backend").name == "api"  # type: ignore[union-attr]
    assert project.service_for_host("pg").name == "db"  # type: ignore[union-attr]
    assert project.service_for_host("database").name == "db"  # type: ignore[union-attr]
    assert project.service_for_host("nowhere") is None
    assert [s.name for s in project.services_for_image("ghcr.io/acme/api")] == ["api", "worker"]
    assert [s.name for s in project.services_for_image("acme/api:3")] == []
    assert [s.name for s in project.dependents("db")] == ["worker"]
    assert [s.name for s in project.services_of_kind("postgres")] == ["db"]


# -- malformed and hostile input ------------------------------------------------------------------


def test_schema_problems_have_positions() -> None:
    parsed = parse("services:\n  web: just-a-string\n  ok:\n    image: nginx\n")
    assert [(p.location.line, "mapping" in p.message) for p in parsed.problems] == [(2, True)]
    model = parsed.models[0]
    assert isinstance(model, ComposeFile) and [s.name for s in model.services] == ["ok"]
    assert parse("- a\n- b\n").problems[0].message.startswith("a compose file must be a mapping")
    assert parse("services: [web]\n").problems


def test_empty_and_broken_files_do_not_raise() -> None:
    for text in ("", "\n\n", "# only a comment\n", "services:\n", "services: {}\n",
                 "services:\n  web:\n", "version: '3'\n", ":\n", "services:\n  web:\n\timage: x\n",
                 "\x00\x01\x02", "{{{{", "services:\n  web:\n    ports: 8080\n",
                 "services:\n  web:\n    environment: 5\n    depends_on: x\n    healthcheck: 1\n"):
        parsed = parse(text)
        assert not crashed(parsed), text
        assert all(isinstance(m, ComposeFile) for m in parsed.models)


def test_yaml_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    lines.append("services:\n  web:\n    command: *a11")
    start = time.monotonic()
    parsed = parse("\n".join(lines) + "\n")
    assert time.monotonic() - start < 5
    assert parsed.problems and "refused" in parsed.problems[0].message


def test_large_file_is_linear() -> None:
    chunks = ["services:"]
    for i in range(2000):
        chunks.append(f"  svc{i}:\n    image: acme/app:{i}\n    ports: [\"{10000 + i}:8080\"]\n"
                      f"    environment: [\"A=${{A{i}:-x}}\"]\n    depends_on: [svc{max(i - 1, 0)}]")
    start = time.monotonic()
    model = one_file("\n".join(chunks) + "\n")
    (project,) = projects(model)
    assert time.monotonic() - start < 10
    assert len(project.services) == 2000


_yaml_text = st.text(alphabet=st.sampled_from(list("services:webimgport -\"'[]{}$&*!<>#\n\t0123456789.=")),
                     max_size=300)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_yaml_text)
def test_parser_never_raises_on_arbitrary_text(text: str) -> None:
    parsed = parse(text)
    assert isinstance(parsed, Parsed)
    assert not crashed(parsed)
    assemble(parsed.models)


_scalars = st.one_of(st.text(max_size=12), st.integers(-5, 70000), st.booleans(), st.none())
_values = st.recursive(_scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=20)
_keys = st.sampled_from(["image", "build", "ports", "expose", "environment", "env_file", "command",
                         "entrypoint", "depends_on", "healthcheck", "deploy", "volumes",
                         "networks", "labels", "mem_limit", "profiles", "links"])


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["web", "db"]), st.dictionaries(_keys, _values, max_size=6),
                       max_size=2))
def test_parser_never_raises_on_wrongly_typed_services(services: dict[str, object]) -> None:
    import json

    parsed = parse(json.dumps({"services": services}))
    assert isinstance(parsed, Parsed)
    assert not crashed(parsed)
    assemble(parsed.models)


def test_reset_and_override_tags_replace_instead_of_merging() -> None:
    base = one_file("services:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n"
                    "    environment: {A: '1', B: '2'}\n")
    over = one_file("services:\n  web:\n    ports: !reset []\n    environment: !override\n"
                    "      C: '3'\n", "compose.override.yaml")
    (project,) = projects(base, over)
    web = project.service("web")
    assert web is not None
    assert web.ports == ()
    assert [v.name for v in web.environment] == ["C"]
