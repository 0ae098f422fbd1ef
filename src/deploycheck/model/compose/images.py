"""Images: what a service runs. Image references split into repository and tag, Docker Official
Images told apart, and the kind of backing service (database, cache, broker) an image is, with
the client ports and URL schemes of each kind.
"""

from __future__ import annotations

from collections.abc import Mapping

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
