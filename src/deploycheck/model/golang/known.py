"""What deploycheck knows about Go programs beyond their source: the modules that need cgo
(`CGO_MODULES`, `cgo_module_of`), the SDKs that call out over HTTPS (`HTTPS_SDK_PREFIXES`), the
paths of health and metrics endpoints (`HEALTH_PATHS`, `is_health_path`, `is_metrics_path`) and
the host names that mean loopback (`LOOPBACK_HOSTS`). Plain constants and string tests, with
`_is_under` (an import path at or below a module) shared by the records.
"""

from __future__ import annotations

# Modules whose Go packages need cgo (a C toolchain at build time and libc at run time).
CGO_MODULES: tuple[str, ...] = (
    "github.com/mattn/go-sqlite3",
    "gorm.io/driver/sqlite",
    "github.com/confluentinc/confluent-kafka-go",
    "github.com/mattn/go-oci8",
    "github.com/godror/godror",
    "github.com/xeodou/go-sqlcipher",
    "github.com/mutecomm/go-sqlcipher",
    "github.com/tecbot/gorocksdb",
    "github.com/linxGnu/grocksdb",
    "github.com/DataDog/zstd",
    "github.com/valyala/gozstd",
    "github.com/h2non/bimg",
    "github.com/davidbyttow/govips",
    "gopkg.in/gographics/imagick.v2",
    "gopkg.in/gographics/imagick.v3",
    "github.com/libgit2/git2go",
    "github.com/google/gopacket/pcap",
    "github.com/go-gl/glfw",
)

# Import paths that make outbound HTTPS calls (need a CA bundle in the image).
HTTPS_SDK_PREFIXES: tuple[str, ...] = (
    "github.com/aws/aws-sdk-go",
    "github.com/stripe/stripe-go",
    "cloud.google.com/go",
    "google.golang.org/api",
    "firebase.google.com/go",
    "github.com/twilio/twilio-go",
    "github.com/sendgrid/sendgrid-go",
    "github.com/sashabaranov/go-openai",
    "github.com/openai/openai-go",
    "github.com/anthropics/anthropic-sdk-go",
    "github.com/slack-go/slack",
    "github.com/bwmarrin/discordgo",
    "github.com/go-telegram-bot-api/telegram-bot-api",
    "github.com/Azure/azure-sdk-for-go",
    "golang.org/x/oauth2",
    "github.com/coreos/go-oidc",
    "github.com/google/go-github",
    "github.com/getsentry/sentry-go",
    "google.golang.org/grpc/credentials",
)

HEALTH_PATHS: frozenset[str] = frozenset(
    {
        "/health",
        "/healthz",
        "/healthcheck",
        "/health-check",
        "/livez",
        "/readyz",
        "/ready",
        "/readiness",
        "/liveness",
        "/alive",
        "/ping",
        "/status",
        "/_health",
        "/heartbeat",
        "/up",
    }
)

_HEALTH_WORDS = frozenset(p.strip("/_") for p in HEALTH_PATHS)


def is_health_path(route: str) -> bool:
    """/healthz, /api/v1/health, /ping, /readyz ... (the last segment, or any 'health' segment)."""
    segments = [s for s in route.lower().split("/") if s]
    return bool(segments) and (segments[-1] in _HEALTH_WORDS or any("health" in s for s in segments))


def is_metrics_path(route: str) -> bool:
    return route.rstrip("/").lower().endswith("/metrics")


LOOPBACK_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1", "[::1]", "ip6-localhost"})


def _is_under(import_path: str, prefix: str) -> bool:
    return import_path == prefix or import_path.startswith(prefix + "/")


def cgo_module_of(import_path: str) -> str:
    """The cgo-only module `import_path` belongs to, or ''."""
    for prefix in CGO_MODULES:
        if _is_under(import_path, prefix) or import_path.startswith(prefix + "/v"):
            return prefix
    return ""
