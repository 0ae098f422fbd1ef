"""Small helpers the compose rules share (no rules here)."""

from __future__ import annotations

from deploycheck.model import Location, Position

# Ports of databases, caches and brokers that should not face the network.
DATA_PORTS: dict[int, str] = {
    5432: "PostgreSQL", 3306: "MySQL/MariaDB", 6379: "Redis", 27017: "MongoDB",
    9200: "Elasticsearch", 5672: "RabbitMQ", 11211: "Memcached",
}

KIND_LABEL: dict[str, str] = {
    "postgres": "PostgreSQL", "mysql": "MySQL/MariaDB", "redis": "Redis", "mongo": "MongoDB",
    "rabbitmq": "RabbitMQ", "kafka": "Kafka", "nats": "NATS", "memcached": "Memcached",
    "elasticsearch": "Elasticsearch", "cassandra": "Cassandra", "clickhouse": "ClickHouse",
    "mssql": "SQL Server",
}


# A `healthcheck.test` that works in each kind's official image.
HEALTH_TESTS = {
    "postgres": "[\"CMD-SHELL\", \"pg_isready -U $${POSTGRES_USER:-postgres}\"]",
    "mysql": "[\"CMD\", \"mysqladmin\", \"ping\", \"-h\", \"localhost\"]",
    "redis": "[\"CMD\", \"redis-cli\", \"ping\"]",
    "mongo": "[\"CMD\", \"mongosh\", \"--quiet\", \"--eval\", \"db.adminCommand('ping')\"]",
    "rabbitmq": "[\"CMD\", \"rabbitmq-diagnostics\", \"-q\", \"ping\"]",
}


def where(path: str, pos: Position | None) -> str:
    """`compose.yaml:12`: how a message cites a place."""
    return Location.at(path, pos).short()


def port_text(start: int | None, end: int | None) -> str:
    if start is None:
        return "?"
    return str(start) if end in (None, start) else f"{start}-{end}"
