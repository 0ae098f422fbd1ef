# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
"""Log signatures of databases and brokers, seen from both sides: the client that cannot reach
them (often through `localhost`) and the server that is not ready or not configured
(LG080-LG099)."""

from __future__ import annotations

from deploycheck.rules.logs._base import Category, Severity, rule_classes, sig

C, S = Category, Severity
_LOOPHOST = r"(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\])"

_LOCALHOST_WHY = """Inside a container, `localhost` is the container itself: the database or
    broker runs in another container (or on the host), so a client configured for the
    developer's machine (`DB_HOST=localhost` in `.env`, a code default) gets "connection refused"
    (pitfall O11; laradock/laradock#526, MariaDB/mariadb-docker#140)."""
_LOCALHOST_FIX = """address the dependency by its compose service name or Kubernetes Service name
    (`db`, `redis`, `rabbitmq`) through the variable the app reads"""

SIGNATURES = (
    sig("LG080", "postgres-client-localhost", C.DEPENDENCY, S.ERROR,
        "A PostgreSQL client connects to localhost, which inside a container is itself.",
        pattern=r"connection to server at \"(?P<host>" + _LOOPHOST + r")\"(?: \([^)]*\))?, port (?P<port>\d+) "
                r"failed: Connection refused"
                r"|Is the server running on host \"(?P<host__2>" + _LOOPHOST + r")\"",
        keywords=['failed: Connection refused', 'Is the server running on host'],
        message="the app connects to PostgreSQL on {host}, the app's own container, where no "
                "database runs",
        why=_LOCALHOST_WHY + """ libpq says `connection to server at "localhost" (127.0.0.1),
            port 5432 failed: Connection refused`; older versions `could not connect to server:
            Connection refused / Is the server running on host "localhost" (127.0.0.1) and
            accepting TCP/IP connections on port 5432?`.""",
        fix=_LOCALHOST_FIX,
        bad=['psycopg2.OperationalError: connection to server at "localhost" (127.0.0.1), port 5432 '
             'failed: Connection refused',
             "\tIs the server running on that host and accepting TCP/IP connections?"],
        good=['psycopg2.OperationalError: connection to server at "db" (172.18.0.2), port 5432 failed: '
              'Connection refused']),

    sig("LG081", "postgres-starting-up", C.STARTUP_ORDER, S.WARNING,
        "The app connected while PostgreSQL was still starting.",
        pattern=r"FATAL:  the database system is (?:starting up|in recovery mode|shutting down)",
        keywords=['the database system is'],
        message="a client connected before PostgreSQL accepted connections: the app starts as "
                "soon as the database container starts, not when it is ready",
        why="""`depends_on` without a healthcheck only orders container starts; the first
            connections hit the server while it initialises: `FATAL:  the database system is
            starting up` (pitfall O1; docker-library/postgres#256).""",
        fix="""give the database a healthcheck (`pg_isready -U $POSTGRES_USER`) and depend on it
            with `condition: service_healthy`; retry connections at start-up""",
        bad=["2024-03-02 10:15:01.123 UTC [64] FATAL:  the database system is starting up"],
        good=["2024-03-02 10:15:03.456 UTC [1] LOG:  database system is ready to accept connections"]),

    sig("LG082", "postgres-password-failed", C.CONFIG, S.ERROR,
        "PostgreSQL rejects the app's password.",
        pattern=r"password authentication failed for user \"(?P<user>[^\"]+)\"",
        keywords=['password authentication failed'],
        key="user",
        message="PostgreSQL rejects the password of user `{user}`: the app's password differs from "
                "the database's (POSTGRES_PASSWORD applies only when the data volume is empty)",
        why="""The postgres image uses `POSTGRES_PASSWORD` only to initialise an *empty* data
            directory; changing it later (or in `.env`) leaves the old password in the existing
            volume: `FATAL:  password authentication failed for user "app"`.""",
        fix="""use the password the volume was initialised with, change it with `ALTER USER`, or
            (losing data) remove the volume so the image initialises it again""",
        bad=['2024-03-02 10:15:01.123 UTC [71] FATAL:  password authentication failed for user "app"',
             '2024-03-02 10:15:01.123 UTC [71] DETAIL:  Connection matched pg_hba.conf line 100: "host all all all scram-sha-256"'],
        good=['2024-03-02 10:15:01.123 UTC [71] LOG:  connection authorized: user=app database=app']),

    sig("LG083", "postgres-database-missing", C.CONFIG, S.ERROR,
        "The database the app names does not exist on the server.",
        pattern=r"FATAL:  database \"(?P<db>[^\"]+)\" does not exist",
        keywords=['FATAL:  database "'],
        key="db",
        message="PostgreSQL has no database `{db}`: POSTGRES_DB created another name when the volume "
                "was initialised, or the app's URL names the wrong one",
        why="""`POSTGRES_DB` (default: the user name) creates one database on first start only;
            an app pointed at another name gets `FATAL:  database "shop" does not exist`.""",
        fix="""align the database name in the app's URL with POSTGRES_DB, or create the database
            (an init script in `/docker-entrypoint-initdb.d`, a migration)""",
        bad=['2024-03-02 10:15:01.123 UTC [80] FATAL:  database "shop" does not exist'],
        good=['ERROR:  relation "users" does not exist at character 15']),

    sig("LG084", "postgres-image-no-password", C.CONFIG, S.ERROR,
        "The postgres container exits: no superuser password was given.",
        pattern=r"Database is uninitialized and superuser password is not specified",
        keywords=['superuser password is not specified'],
        message="the postgres image refuses to initialise without POSTGRES_PASSWORD and exits",
        why="""On an empty data directory the postgres image requires `POSTGRES_PASSWORD` (or
            `POSTGRES_HOST_AUTH_METHOD=trust`): `Error: Database is uninitialized and superuser
            password is not specified.` — usually an unset `${POSTGRES_PASSWORD}` in compose
            (pitfall O10).""",
        fix="""set POSTGRES_PASSWORD for the database service (`${POSTGRES_PASSWORD:?required}` in
            compose, a Secret in Kubernetes)""",
        bad=["Error: Database is uninitialized and superuser password is not specified.",
             "       You must specify POSTGRES_PASSWORD to a non-empty value for the"],
        good=["PostgreSQL Database directory appears to contain a database; Skipping initialization"]),

    sig("LG085", "mysql-image-no-password", C.CONFIG, S.ERROR,
        "The MySQL/MariaDB container exits: no root password option was given.",
        pattern=r"Database is uninitialized and password option is not specified",
        keywords=['password option is not specified'],
        message="the MySQL/MariaDB image refuses to initialise without a root password option and "
                "exits",
        why="""On an empty data directory the mysql and mariadb images need one of
            `MYSQL_ROOT_PASSWORD`, `MYSQL_ALLOW_EMPTY_PASSWORD` or `MYSQL_RANDOM_ROOT_PASSWORD`:
            `[ERROR] [Entrypoint]: Database is uninitialized and password option is not
            specified` (pitfall O10).""",
        fix="""set MYSQL_ROOT_PASSWORD (or MARIADB_ROOT_PASSWORD) for the database service""",
        bad=["2024-03-02 10:15:01+00:00 [ERROR] [Entrypoint]: Database is uninitialized and password "
             "option is not specified",
             "    You need to specify one of the following as an environment variable:"],
        good=["2024-03-02 10:15:01+00:00 [Note] [Entrypoint]: Initializing database files"]),

    sig("LG086", "mysql-client-localhost", C.DEPENDENCY, S.ERROR,
        "A MySQL client connects to localhost (or its Unix socket) inside the app's container.",
        pattern=r"Can't connect to MySQL server on '(?P<host>" + _LOOPHOST + r")(?::\d+)?'"
                r"|Can't connect to local MySQL server through socket '(?P<socket>[^']+)'",
        keywords=['connect to MySQL server', 'connect to local MySQL server'],
        message="the app connects to MySQL on localhost, its own container, where no server runs "
                "(with `localhost`, MySQL clients even use a Unix socket)",
        why=_LOCALHOST_WHY + """ MySQL clients treat the host `localhost` as "use the Unix socket",
            so the error is `Can't connect to local MySQL server through socket
            '/var/run/mysqld/mysqld.sock'` as well as `Can't connect to MySQL server on
            'localhost' (111)`.""",
        fix=_LOCALHOST_FIX,
        bad=["pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on 'localhost' "
             "([Errno 111] Connection refused)\")",
             "ERROR 2002 (HY000): Can't connect to local MySQL server through socket "
             "'/var/run/mysqld/mysqld.sock' (2)"],
        good=["pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on 'mysql' "
              "([Errno 111] Connection refused)\")"]),

    sig("LG087", "mysql-access-denied", C.CONFIG, S.ERROR,
        "MySQL rejects the app's user or password.",
        pattern=r"Access denied for user '(?P<user>[^']*)'@'(?P<origin>[^']*)'",
        keywords=['Access denied for user'],
        key="user",
        message="MySQL rejects user `{user}` connecting from `{origin}`: wrong password, or the "
                "user exists only for another host",
        why="""The user was created by `MYSQL_USER`/`MYSQL_PASSWORD` on the first start of the
            volume (later changes do not apply), or exists only as `'app'@'localhost'` while the
            app connects from another container's address: `Access denied for user
            'app'@'172.18.0.3' (using password: YES)`.""",
        fix="""use the credentials the volume was initialised with; create the user for `'%'`
            (any host) rather than `localhost`""",
        bad=["(1045, \"Access denied for user 'app'@'172.18.0.3' (using password: YES)\")"],
        good=["[Note] Access granted for user 'app'@'%'"]),

    sig("LG088", "redis-client-localhost", C.DEPENDENCY, S.ERROR,
        "A Redis client connects to localhost inside the app's container.",
        pattern=r"Error 111 connecting to (?P<target>" + _LOOPHOST + r":\d+)\. Connection refused",
        keywords=['connecting to localhost', 'connecting to 127.', 'connecting to ::1', 'connecting to [::1]'],
        key="target",
        message="the app connects to Redis at {target}, its own container, where no Redis runs",
        why=_LOCALHOST_WHY + """ redis-py says `Error 111 connecting to localhost:6379. Connection
            refused.`""",
        fix=_LOCALHOST_FIX,
        bad=["redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused."],
        good=["redis.exceptions.ConnectionError: Error 111 connecting to redis:6379. Connection refused."]),

    sig("LG089", "amqp-broker-localhost", C.DEPENDENCY, S.ERROR,
        "A Celery/kombu worker connects to RabbitMQ on localhost inside its container.",
        pattern=r"Cannot connect to amqp://(?:[^@\s/]*@)?(?P<target>" + _LOOPHOST + r"(?::\d+)?).*?"
                r"Connection refused",
        keywords=['Cannot connect to amqp://'],
        message="the worker connects to the broker at {target}, its own container, where no "
                "RabbitMQ runs",
        why=_LOCALHOST_WHY + """ Celery's default broker URL is `amqp://guest@localhost//`:
            `consumer: Cannot connect to amqp://guest:**@127.0.0.1:5672//: [Errno 111] Connection
            refused.`""",
        fix="""set the broker URL with the service name (`CELERY_BROKER_URL=amqp://user:pass@rabbitmq:5672//`)""",
        bad=["[2024-03-02 10:15:01,123: ERROR/MainProcess] consumer: Cannot connect to "
             "amqp://guest:**@127.0.0.1:5672//: [Errno 111] Connection refused."],
        good=["[2024-03-02 10:15:01,123: INFO/MainProcess] Connected to amqp://guest:**@rabbitmq:5672//"]),

    sig("LG090", "kafka-advertised-localhost", C.CONFIG, S.ERROR,
        "The Kafka broker advertises localhost, so clients in other containers cannot reach it.",
        pattern=r"Connection to node -?\d+ \((?P<target>localhost/127\.0\.0\.1:\d+|127\.0\.0\.1/127\.0\.0\.1:\d+)\) "
                r"could not be established",
        keywords=['could not be established'],
        message="the Kafka client was told to connect to {target}: the broker advertises localhost "
                "(its `advertised.listeners`), which from the client's container is the client "
                "itself",
        why="""Kafka clients connect to the bootstrap address, then to whatever the broker
            *advertises*. A broker configured with `advertised.listeners=PLAINTEXT://localhost:9092`
            works from the host and fails from every other container: `Connection to node 1
            (localhost/127.0.0.1:9092) could not be established. Broker may not be available.`""",
        fix="""advertise the name other containers use (`KAFKA_ADVERTISED_LISTENERS=
            PLAINTEXT://kafka:9092`), with a second listener for clients on the host""",
        bad=["[Consumer clientId=app-1, groupId=app] Connection to node 1 (localhost/127.0.0.1:9092) "
             "could not be established. Broker may not be available."],
        good=["[Consumer clientId=app-1, groupId=app] Connection to node 1 (kafka/172.18.0.4:9092) "
              "could not be established. Broker may not be available."]),

    sig("LG091", "mongo-client-localhost", C.DEPENDENCY, S.ERROR,
        "A MongoDB client connects to localhost inside the app's container.",
        pattern=r"(?P<target>" + _LOOPHOST + r":27017): \[Errno 111\] Connection refused"
                r"|MongooseServerSelectionError: connect ECONNREFUSED (?P<target__2>" + _LOOPHOST + r":\d+)",
        keywords=['[Errno 111] Connection refused', 'MongooseServerSelectionError'],
        message="the app connects to MongoDB at {target}, its own container, where no MongoDB runs",
        why=_LOCALHOST_WHY + """ pymongo: `ServerSelectionTimeoutError: localhost:27017: [Errno
            111] Connection refused`; Mongoose: `MongooseServerSelectionError: connect
            ECONNREFUSED 127.0.0.1:27017`.""",
        fix=_LOCALHOST_FIX,
        bad=["pymongo.errors.ServerSelectionTimeoutError: localhost:27017: [Errno 111] Connection refused, "
             "Timeout: 30s, Topology Description: <TopologyDescription id: 65e2...>"],
        good=["pymongo.errors.ServerSelectionTimeoutError: mongo:27017: [Errno 111] Connection refused"]),

    sig("LG092", "node-econnrefused-loopback", C.DEPENDENCY, S.ERROR,
        "A Node.js client connects to 127.0.0.1 inside its container.",
        pattern=r"connect ECONNREFUSED (?P<target>(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1):\d+)",
        keywords=['connect ECONNREFUSED'],
        key="target",
        message="the program connects to {target}, its own container, where nothing listens on that "
                "port",
        why=_LOCALHOST_WHY + """ Node says `Error: connect ECONNREFUSED 127.0.0.1:5432` (Node 17+
            resolves `localhost` to `::1` first: `connect ECONNREFUSED ::1:5432`).""",
        fix=_LOCALHOST_FIX,
        bad=["Error: connect ECONNREFUSED 127.0.0.1:5432",
             "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)"],
        good=["Error: connect ECONNREFUSED 172.18.0.2:5432"]),

    sig("LG093", "redis-cannot-persist", C.RESOURCES, S.ERROR,
        "Redis cannot write its snapshot and refuses writes.",
        pattern=r"MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk",
        keywords=['MISCONF Redis'],
        message="Redis failed to write its RDB snapshot (disk full or a read-only/foreign-owned "
                "volume) and now rejects every write",
        why="""With `stop-writes-on-bgsave-error yes` (the default), a failed background save makes
            Redis answer writes with `MISCONF Redis is configured to save RDB snapshots, but it's
            currently unable to persist to disk`: a full disk, or a data volume the redis user
            cannot write.""",
        fix="""free disk space or fix the volume's ownership (uid 999 in the official image); if
            persistence is not wanted, `save ""`""",
        bad=["redis.exceptions.ResponseError: MISCONF Redis is configured to save RDB snapshots, but it's "
             "currently unable to persist to disk. Commands that may modify the data set are disabled"],
        good=["1:M 02 Mar 2024 10:15:01.123 * DB saved on disk"]),

    sig("LG094", "mysql-auth-plugin-unsupported", C.CONFIG, S.ERROR,
        "The MySQL client library cannot use the server's caching_sha2_password plugin.",
        pattern=r"Authentication plugin '(?P<plugin>caching_sha2_password|sha256_password)' cannot be loaded"
                r"|Client does not support authentication protocol requested by server",
        keywords=["Authentication plugin '", 'Client does not support authentication protocol'],
        message="the MySQL client cannot authenticate with the server's default plugin "
                "(MySQL 8 uses caching_sha2_password)",
        why="""MySQL 8 creates users with `caching_sha2_password`; old clients (PHP mysqlnd < 7.4,
            Node `mysql`, MariaDB Connector/C without the plugin) fail with `Authentication plugin
            'caching_sha2_password' cannot be loaded` or `ER_NOT_SUPPORTED_AUTH_MODE: Client does
            not support authentication protocol requested by server`.""",
        fix="""use a client that supports caching_sha2_password (Node `mysql2`), or create the
            user `IDENTIFIED WITH mysql_native_password`""",
        bad=["ERROR 2059 (HY000): Authentication plugin 'caching_sha2_password' cannot be loaded: "
             "/usr/lib/mysql/plugin/caching_sha2_password.so: cannot open shared object file"],
        good=["[Note] Plugin 'caching_sha2_password' registered"]),
)

globals().update(rule_classes(SIGNATURES, __name__))
