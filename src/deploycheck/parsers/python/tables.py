"""Name tables: the frameworks, servers, config libraries, SDKs and clients the reader knows.

Apps and routers by constructor, dev servers and their default addresses, the keyword arguments
of `app.run()`, packages whose `.run()` starts no web server, HTTP verbs, django-environ casters,
logging file handlers, SDKs that call out over TLS, database clients and URLs, and the setting
names that mark a Django settings module or a gunicorn config file.
"""

from __future__ import annotations

import re

_FRAMEWORKS: dict[str, tuple[tuple[str, ...], str]] = {
    "FastAPI": (("fastapi",), "fastapi"),
    "Flask": (("flask",), "flask"),
    "Starlette": (("starlette",), "starlette"),
    "Quart": (("quart",), "quart"),
    "Sanic": (("sanic",), "sanic"),
    "Dash": (("dash",), "dash"),
    "APIRouter": (("fastapi",), "apirouter"),
    "Blueprint": (("flask", "quart"), "blueprint"),
}
_APP_KINDS = {"Flask": "flask", "Quart": "quart", "Sanic": "sanic", "Dash": "dash", "SocketIO": "socketio"}
_RUN_DEFAULTS: dict[str, tuple[str, int]] = {
    "flask": ("127.0.0.1", 5000), "quart": ("127.0.0.1", 5000), "sanic": ("127.0.0.1", 8000),
    "dash": ("127.0.0.1", 8050), "socketio": ("127.0.0.1", 5000),
}
_FLASK_RUN_KW = frozenset({"host", "port", "debug", "load_dotenv", "use_reloader", "use_debugger", "threaded",
                           "processes", "ssl_context", "passthrough_errors", "extra_files", "reloader_type",
                           "exclude_patterns", "use_evalex"})
_NOT_APPS = frozenset({"asyncio", "trio", "anyio", "subprocess", "uvicorn", "typer", "click", "celery",
                       "unittest", "pytest", "doctest", "threading", "multiprocessing", "schedule", "fire",
                       "luigi", "prefect", "dagster", "airflow", "gevent", "eventlet", "streamlit", "gradio",
                       "bentoml", "ray",
                       "docker", "invoke", "fabric", "nox", "sqlalchemy", "alembic", "discord", "telegram",
                       "aiogram", "pyrogram", "locust", "hypercorn"})
_VERBS = frozenset({"get", "post", "put", "delete", "patch", "options", "head", "trace"})
_ENVIRON_CASTERS = frozenset({"str", "bool", "int", "float", "list", "tuple", "dict", "url", "path", "json",
                              "db", "db_url", "cache", "cache_url", "email", "email_url", "search_url",
                              "parse_value"})
_FILE_HANDLERS = frozenset({"FileHandler", "RotatingFileHandler", "TimedRotatingFileHandler",
                            "WatchedFileHandler", "ConcurrentRotatingFileHandler"})
_TLS_SDKS = frozenset({"boto3", "botocore", "stripe", "openai", "anthropic", "sendgrid", "twilio",
                       "sentry_sdk", "slack_sdk", "firebase_admin", "azure", "supabase", "pinecone",
                       "mailchimp3"})
_DB_CLIENTS: dict[str, frozenset[str]] = {
    "psycopg2": frozenset({"connect"}), "psycopg": frozenset({"connect"}),
    "pymysql": frozenset({"connect", "Connect"}), "MySQLdb": frozenset({"connect"}),
    "mysql": frozenset({"connect"}), "asyncpg": frozenset({"connect", "create_pool"}),
    "aiomysql": frozenset({"connect", "create_pool"}), "redis": frozenset({"Redis", "StrictRedis",
                                                                           "ConnectionPool"}),
    "aioredis": frozenset({"Redis", "from_url"}), "pymongo": frozenset({"MongoClient"}),
    "motor": frozenset({"AsyncIOMotorClient"}), "pika": frozenset({"ConnectionParameters"}),
    "elasticsearch": frozenset({"Elasticsearch"}), "cassandra": frozenset({"Cluster"}),
}
_DB_URL = re.compile(r"^((?:postgres(?:ql)?|mysql|mariadb|redis|rediss|mongodb|amqp|amqps|mssql|oracle|"
                     r"memcached|nats|kafka|clickhouse)(?:\+[\w]+)?)://(?:[^@/\s]*@)?"
                     r"(localhost|127\.0\.0\.1|\[::1\])(?:[:/?]|$)", re.I)
_DJANGO_NAMES = frozenset({
    "INSTALLED_APPS", "MIDDLEWARE", "ROOT_URLCONF", "WSGI_APPLICATION", "ASGI_APPLICATION",
    "AUTH_PASSWORD_VALIDATORS", "TEMPLATES", "DEFAULT_AUTO_FIELD", "MIDDLEWARE_CLASSES", "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST",
    "STATIC_ROOT", "AUTH_USER_MODEL",
})
_ENVIRON_URL_DEFAULTS = {"db": "DATABASE_URL", "db_url": "DATABASE_URL", "cache": "CACHE_URL",
                         "cache_url": "CACHE_URL", "email": "EMAIL_URL", "email_url": "EMAIL_URL"}
_GUNICORN_NAMES = frozenset({"bind", "workers", "worker_class", "threads", "timeout", "accesslog", "errorlog",
                             "loglevel", "worker_tmp_dir", "keepalive", "graceful_timeout", "max_requests",
                             "preload_app", "wsgi_app", "worker_connections", "max_requests_jitter",
                             "forwarded_allow_ips", "capture_output"})
