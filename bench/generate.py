#!/usr/bin/env python3
"""Generate a synthetic monorepo of Go/Gin services for deploycheck's benchmark.

    python bench/generate.py OUT_DIR --services 1000 --seed 1

For N services it writes, under OUT_DIR:

    services/<name>/Dockerfile                     N Dockerfiles
    services/<name>/docker-compose.yml|compose.yaml N compose files
    services/<name>/k8s/{deployment,service,ingress}.yaml   3N Kubernetes manifests
    services/<name>/{main.go,go.mod,go.sum}        N Go `main` packages (Gin apps)
    platform/nginx/conf.d/<site>.conf              N/5 nginx files (server blocks, 443 ssl)

The files are meant to look like a real company's tree: several Dockerfile styles (multi-stage to
distroless, alpine or scratch; single-stage), compose files with databases and healthchecks,
Deployments with ports, probes, env and resources, and Gin apps with routes, CORS and a PORT
fallback. A seeded RNG makes the same seed give the same bytes. A share of the services carries the
mistakes of shared/research/pitfalls.md (loopback binds, `:latest`, missing limits, port
mismatches, wrong probe ports, selector typos, `proxy_pass` to 127.0.0.1, ...) so that rules fire
the way they would on a real tree. go.sum hashes are synthetic (well-formed, not real).

Standard library only: bench/run.py imports `generate()` from here.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

DOMAINS = (
    "orders",
    "billing",
    "catalog",
    "cart",
    "checkout",
    "inventory",
    "payments",
    "shipping",
    "users",
    "auth",
    "search",
    "reviews",
    "notifications",
    "pricing",
    "recommendations",
    "ledger",
    "invoices",
    "media",
    "geo",
    "analytics",
    "accounts",
    "coupons",
    "loyalty",
    "returns",
    "warehouse",
    "fulfillment",
    "tax",
    "fraud",
    "sessions",
    "profiles",
    "audit",
    "reports",
    "messaging",
    "webhooks",
    "subscriptions",
    "quotes",
)
ROLES = ("api", "svc", "gateway", "service", "backend", "edge")
TEAMS = ("commerce", "platform", "growth", "finance", "identity", "logistics", "data", "core")
# Resource names for the REST routes, by domain.
RESOURCE = {
    "orders": "orders",
    "billing": "charges",
    "catalog": "products",
    "cart": "items",
    "checkout": "sessions",
    "inventory": "stock",
    "payments": "payments",
    "shipping": "shipments",
    "users": "users",
    "auth": "tokens",
    "search": "queries",
    "reviews": "reviews",
    "notifications": "notifications",
    "pricing": "prices",
    "recommendations": "suggestions",
    "ledger": "entries",
    "invoices": "invoices",
    "media": "assets",
    "geo": "places",
    "analytics": "events",
    "accounts": "accounts",
    "coupons": "coupons",
    "loyalty": "points",
    "returns": "returns",
    "warehouse": "bins",
    "fulfillment": "jobs",
    "tax": "rates",
    "fraud": "checks",
    "sessions": "sessions",
    "profiles": "profiles",
    "audit": "records",
    "reports": "reports",
    "messaging": "messages",
    "webhooks": "hooks",
    "subscriptions": "plans",
    "quotes": "quotes",
}
PORTS = (8080, 8080, 8080, 8000, 3000, 8081, 9000, 5000, 8888, 8090)
GO_VERSIONS = ("1.21", "1.22", "1.23", "1.24")
GIN_VERSIONS = ("v1.9.1", "v1.10.0", "v1.10.1")
CORS_VERSIONS = ("v1.6.0", "v1.7.2", "v1.7.3")
HEALTH_PATHS = ("/healthz", "/healthz", "/health", "/readyz", "/ping")

# Indirect requirements of a Gin app, as `go mod tidy` lists them (versions of gin 1.10).
INDIRECT = (
    ("github.com/bytedance/sonic", "v1.11.6"),
    ("github.com/bytedance/sonic/loader", "v0.1.1"),
    ("github.com/cloudwego/base64x", "v0.1.4"),
    ("github.com/cloudwego/iasm", "v0.2.0"),
    ("github.com/gabriel-vasile/mimetype", "v1.4.3"),
    ("github.com/gin-contrib/sse", "v0.1.0"),
    ("github.com/go-playground/locales", "v0.14.1"),
    ("github.com/go-playground/universal-translator", "v0.18.1"),
    ("github.com/go-playground/validator/v10", "v10.20.0"),
    ("github.com/goccy/go-json", "v0.10.2"),
    ("github.com/json-iterator/go", "v1.1.12"),
    ("github.com/klauspost/cpuid/v2", "v2.2.7"),
    ("github.com/leodido/go-urn", "v1.4.0"),
    ("github.com/mattn/go-isatty", "v0.0.20"),
    ("github.com/modern-go/concurrent", "v0.0.0-20180306012644-bacd9c7ef1dd"),
    ("github.com/modern-go/reflect2", "v1.0.2"),
    ("github.com/pelletier/go-toml/v2", "v2.2.2"),
    ("github.com/twitchyliquid64/golang-asm", "v0.15.1"),
    ("github.com/ugorji/go/codec", "v1.2.12"),
    ("golang.org/x/arch", "v0.8.0"),
    ("golang.org/x/crypto", "v0.23.0"),
    ("golang.org/x/net", "v0.25.0"),
    ("golang.org/x/sys", "v0.20.0"),
    ("golang.org/x/text", "v0.15.0"),
    ("google.golang.org/protobuf", "v1.34.1"),
    ("gopkg.in/yaml.v3", "v3.0.1"),
)


@dataclass
class Service:
    """Everything chosen for one service; the renderers only format these choices."""

    index: int
    name: str
    domain: str
    team: str
    resource: str
    port: int
    health: str
    go_version: str
    gin_version: str
    cors_version: str
    namespace: str
    tag: str
    replicas: int
    dependency: str  # "", "postgres", "redis", "mysql"
    # Where a mistake is planted, its key is in `mistakes` (counted in the summary).
    mistakes: set[str] = field(default_factory=set)
    # Choices that vary style without being mistakes.
    style: dict[str, str] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"{self.name}.{self.team}.example.com"


@dataclass
class Stats:
    files: Counter[str] = field(default_factory=Counter)
    mistakes: Counter[str] = field(default_factory=Counter)
    bytes: int = 0


def _pick_mistakes(rng: random.Random, table: tuple[tuple[str, float], ...]) -> set[str]:
    return {key for key, p in table if rng.random() < p}


# Share of services that carry each planted mistake.
MISTAKES: tuple[tuple[str, float], ...] = (
    ("go-bind-loopback", 0.06),  # r.Run("127.0.0.1:"+port)            pitfall P4
    ("go-bind-localhost-literal", 0.03),  # r.Run("localhost:8080")    P4
    ("cors-wildcard-credentials", 0.05),  # AllowOrigins "*" + credentials
    ("gin-no-trusted-proxies", 0.5),  # gin.Default() without SetTrustedProxies (T4)
    ("docker-latest-builder", 0.06),  # FROM golang:latest
    ("docker-untagged-runtime", 0.04),  # FROM alpine
    ("docker-cgo-on-alpine", 0.05),  # glibc build copied to alpine/scratch (D1)
    ("docker-copy-before-download", 0.15),  # COPY . . before go mod download (O9)
    ("docker-scratch-no-certs", 0.03),  # scratch without CA bundle (D4)
    ("docker-shell-cmd-distroless", 0.03),  # shell-form CMD on distroless (O5)
    ("docker-healthcheck-curl-distroless", 0.03),  # curl missing in the image (D11)
    ("docker-expose-mismatch", 0.04),  # EXPOSE port != app port (P6)
    ("docker-go-toolchain-too-old", 0.04),  # go.mod go > builder tag (O3)
    ("compose-port-mismatch", 0.04),  # container side != app port (P6)
    ("compose-loopback-publish", 0.03),  # "127.0.0.1:8080:8080" (P12)
    ("compose-db-localhost", 0.05),  # DB host localhost inside a container (O11)
    ("compose-depends-no-health", 0.10),  # depends_on without condition (O1)
    ("compose-latest-image", 0.05),  # postgres:latest / redis:latest
    ("compose-no-limits", 0.30),  # no deploy.resources.limits
    ("k8s-latest-image", 0.05),
    ("k8s-no-limits", 0.12),
    ("k8s-probe-wrong-port", 0.04),  # probe port != container port (P13)
    ("k8s-probe-wrong-path", 0.03),  # probe path the app does not serve (P13)
    ("k8s-no-readiness", 0.08),
    ("k8s-selector-mismatch", 0.03),  # Service selector matches no pod (P8)
    ("k8s-targetport-mismatch", 0.04),  # targetPort != listen port (P9)
    ("k8s-ingress-backend-typo", 0.02),  # Ingress backend names no Service
    ("k8s-privileged-port", 0.02),  # runAsNonRoot + port 80 (O7)
)


def plan_services(count: int, rng: random.Random) -> list[Service]:
    taken: Counter[str] = Counter()
    services: list[Service] = []
    for i in range(count):
        domain = rng.choice(DOMAINS)
        base = f"{domain}-{rng.choice(ROLES)}"
        taken[base] += 1
        name = base if taken[base] == 1 else f"{base}-{taken[base]}"
        mistakes = _pick_mistakes(rng, MISTAKES)
        port = 80 if "k8s-privileged-port" in mistakes else rng.choice(PORTS)
        svc = Service(
            index=i,
            name=name,
            domain=domain,
            team=rng.choice(TEAMS),
            resource=RESOURCE[domain],
            port=port,
            health=rng.choice(HEALTH_PATHS),
            go_version=rng.choice(GO_VERSIONS),
            gin_version=rng.choice(GIN_VERSIONS),
            cors_version=rng.choice(CORS_VERSIONS),
            namespace=rng.choice(("default", "prod", "shop", "backend", "apps")),
            tag=f"{rng.randint(0, 3)}.{rng.randint(0, 30)}.{rng.randint(0, 12)}",
            replicas=rng.choice((1, 2, 2, 3, 3, 4, 6)),
            dependency=rng.choice(("", "", "postgres", "postgres", "postgres", "redis", "mysql")),
            mistakes=mistakes,
        )
        svc.style = {
            "listen": rng.choice(("run", "run", "run", "run", "server")),
            "runtime": rng.choice(("distroless", "distroless", "alpine", "scratch", "debian")),
            "stages": rng.choice(("multi", "multi", "multi", "multi", "single")),
            "builder": rng.choice(("alpine", "alpine", "debian", "bookworm")),
            "compose_name": rng.choice(("docker-compose.yml", "docker-compose.yml", "compose.yaml")),
            "env_style": rng.choice(("map", "list")),
            "cors": rng.choice(("config", "config", "config", "default")),
            "targetport": rng.choice(("name", "number")),
            "ingress_port": rng.choice(("name", "number")),
            "release_mode": rng.choice(("yes", "no")),
            "delete_route": rng.choice(("yes", "no")),
            "tz": rng.choice(("no", "no", "no", "no", "yes")),
            "templates": rng.choice(("no",) * 9 + ("yes",)),
            "host_port_offset": str(rng.randint(0, 999)),
            "cpus": rng.choice(("0.25", "0.50", "0.50", "1.0")),
            "memory": rng.choice(("128M", "256M", "256M", "512M")),
        }
        if svc.style["stages"] == "single":
            # A single-stage image is the builder itself; runtime-specific mistakes do not apply.
            mistakes -= {
                "docker-scratch-no-certs",
                "docker-shell-cmd-distroless",
                "docker-healthcheck-curl-distroless",
                "docker-untagged-runtime",
                "docker-cgo-on-alpine",
            }
        if svc.style["runtime"] != "scratch":
            mistakes.discard("docker-scratch-no-certs")
        if svc.style["runtime"] != "distroless":
            mistakes -= {"docker-shell-cmd-distroless", "docker-healthcheck-curl-distroless"}
        if svc.style["runtime"] not in ("alpine", "scratch"):
            mistakes.discard("docker-cgo-on-alpine")
        if not svc.dependency:
            mistakes -= {"compose-db-localhost", "compose-depends-no-health", "compose-latest-image"}
        if "go-bind-localhost-literal" in mistakes:
            mistakes.discard("go-bind-loopback")
        services.append(svc)
    return services


# ---------------------------------------------------------------------------------------------
# Go sources


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def render_main_go(svc: Service) -> str:
    m = svc.mistakes
    imports = ['"net/http"', '"os"', '"strconv"', '"sync"', '"time"']
    if svc.style["listen"] == "server":
        imports += ['"context"', '"errors"', '"log"', '"os/signal"', '"syscall"']
    else:
        imports += ['"log"']
    third = ['"github.com/gin-contrib/cors"', '"github.com/gin-gonic/gin"']
    imports = sorted(set(imports))
    typ = _singular(svc.resource).capitalize()
    res = svc.resource
    lines: list[str] = [
        f"// Command {svc.name} serves the {res} API of the {svc.domain} domain.",
        "package main",
        "",
        "import (",
        *[f"\t{imp}" for imp in imports],
        "",
        *[f"\t{imp}" for imp in third],
        ")",
        "",
        f"type {typ} struct {{",
        '\tID        int64     `json:"id"`',
        '\tName      string    `json:"name" binding:"required"`',
        '\tAmount    int64     `json:"amount"`',
        '\tCreatedAt time.Time `json:"created_at"`',
        "}",
        "",
        "type store struct {",
        "\tmu    sync.RWMutex",
        "\tnext  int64",
        f"\titems map[int64]{typ}",
        "}",
        "",
        "func newStore() *store {",
        f"\treturn &store{{items: make(map[int64]{typ})}}",
        "}",
        "",
    ]
    if svc.style["tz"] == "yes":
        lines += [
            'var location = mustLocation("Europe/Berlin")',
            "",
            "func mustLocation(name string) *time.Location {",
            "\tloc, err := time.LoadLocation(name)",
            "\tif err != nil {",
            "\t\tpanic(err)",
            "\t}",
            "\treturn loc",
            "}",
            "",
        ]
    lines += ["func main() {"]
    if svc.style["release_mode"] == "yes":
        lines += [
            '\tif os.Getenv("GIN_MODE") == "" {',
            "\t\tgin.SetMode(gin.ReleaseMode)",
            "\t}",
        ]
    lines += [
        '\tport := os.Getenv("PORT")',
        '\tif port == "" {',
        f'\t\tport = "{svc.port}"',
        "\t}",
        "",
        "\tr := gin.Default()",
    ]
    if "gin-no-trusted-proxies" not in m:
        lines += [
            '\tif err := r.SetTrustedProxies([]string{"10.0.0.0/8", "172.16.0.0/12"}); err != nil {',
            '\t\tlog.Fatalf("trusted proxies: %v", err)',
            "\t}",
        ]
    if "cors-wildcard-credentials" in m:
        lines += [
            "\tr.Use(cors.New(cors.Config{",
            '\t\tAllowOrigins:     []string{"*"},',
            '\t\tAllowMethods:     []string{"GET", "POST", "PUT", "DELETE", "OPTIONS"},',
            '\t\tAllowHeaders:     []string{"Origin", "Content-Type", "Authorization"},',
            "\t\tAllowCredentials: true,",
            "\t}))",
        ]
    elif svc.style["cors"] == "default":
        lines += ["\tr.Use(cors.Default())"]
    else:
        lines += [
            "\tr.Use(cors.New(cors.Config{",
            f'\t\tAllowOrigins:     []string{{"https://app.example.com", "https://{svc.team}.example.com"}},',
            '\t\tAllowMethods:     []string{"GET", "POST", "PUT", "PATCH", "DELETE"},',
            '\t\tAllowHeaders:     []string{"Origin", "Content-Type", "Authorization"},',
            '\t\tExposeHeaders:    []string{"Content-Length"},',
            "\t\tAllowCredentials: true,",
            "\t\tMaxAge:           12 * time.Hour,",
            "\t}))",
        ]
    if svc.style["templates"] == "yes":
        lines += ['\tr.LoadHTMLGlob("templates/*")']
    lines += [
        "",
        "\ts := newStore()",
        f'\tr.GET("{svc.health}", func(c *gin.Context) {{',
        '\t\tc.JSON(http.StatusOK, gin.H{"status": "ok"})',
        "\t})",
        "",
        f'\tv1 := r.Group("/api/v1/{res}")',
        '\tv1.GET("", func(c *gin.Context) {',
        "\t\ts.mu.RLock()",
        "\t\tdefer s.mu.RUnlock()",
        f"\t\tout := make([]{typ}, 0, len(s.items))",
        "\t\tfor _, it := range s.items {",
        "\t\t\tout = append(out, it)",
        "\t\t}",
        f'\t\tc.JSON(http.StatusOK, gin.H{{"{res}": out}})',
        "\t})",
        '\tv1.GET("/:id", func(c *gin.Context) {',
        '\t\tid, err := strconv.ParseInt(c.Param("id"), 10, 64)',
        "\t\tif err != nil {",
        '\t\t\tc.JSON(http.StatusBadRequest, gin.H{"error": "bad id"})',
        "\t\t\treturn",
        "\t\t}",
        "\t\ts.mu.RLock()",
        "\t\tit, ok := s.items[id]",
        "\t\ts.mu.RUnlock()",
        "\t\tif !ok {",
        '\t\t\tc.JSON(http.StatusNotFound, gin.H{"error": "not found"})',
        "\t\t\treturn",
        "\t\t}",
        "\t\tc.JSON(http.StatusOK, it)",
        "\t})",
        '\tv1.POST("", func(c *gin.Context) {',
        f"\t\tvar in {typ}",
        "\t\tif err := c.ShouldBindJSON(&in); err != nil {",
        '\t\t\tc.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})',
        "\t\t\treturn",
        "\t\t}",
        "\t\ts.mu.Lock()",
        "\t\ts.next++",
        "\t\tin.ID = s.next",
    ]
    if svc.style["tz"] == "yes":
        lines += ["\t\tin.CreatedAt = time.Now().In(location)"]
    else:
        lines += ["\t\tin.CreatedAt = time.Now().UTC()"]
    lines += [
        "\t\ts.items[in.ID] = in",
        "\t\ts.mu.Unlock()",
        "\t\tc.JSON(http.StatusCreated, in)",
        "\t})",
    ]
    if svc.style["delete_route"] == "yes":
        lines += [
            '\tv1.DELETE("/:id", func(c *gin.Context) {',
            '\t\tid, err := strconv.ParseInt(c.Param("id"), 10, 64)',
            "\t\tif err != nil {",
            '\t\t\tc.JSON(http.StatusBadRequest, gin.H{"error": "bad id"})',
            "\t\t\treturn",
            "\t\t}",
            "\t\ts.mu.Lock()",
            "\t\tdelete(s.items, id)",
            "\t\ts.mu.Unlock()",
            "\t\tc.Status(http.StatusNoContent)",
            "\t})",
        ]
    lines.append("")
    if "go-bind-localhost-literal" in m:
        addr = '"localhost:8080"'
    elif "go-bind-loopback" in m:
        addr = '"127.0.0.1:" + port'
    else:
        addr = '":" + port'
    if svc.style["listen"] == "server":
        lines += [
            "\tsrv := &http.Server{",
            f"\t\tAddr:              {addr},",
            "\t\tHandler:           r,",
            "\t\tReadHeaderTimeout: 5 * time.Second,",
            "\t}",
            "\tgo func() {",
            "\t\tif err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {",
            '\t\t\tlog.Fatalf("listen: %v", err)',
            "\t\t}",
            "\t}()",
            "",
            "\tquit := make(chan os.Signal, 1)",
            "\tsignal.Notify(quit, syscall.SIGINT, syscall.SIGTERM)",
            "\t<-quit",
            "\tctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)",
            "\tdefer cancel()",
            "\tif err := srv.Shutdown(ctx); err != nil {",
            '\t\tlog.Fatalf("shutdown: %v", err)',
            "\t}",
        ]
    else:
        lines += [
            f"\tif err := r.Run({addr}); err != nil {{",
            '\t\tlog.Fatalf("run: %v", err)',
            "\t}",
        ]
    lines += ["}", ""]
    return "\n".join(lines)


def _module(svc: Service) -> str:
    return f"github.com/acme-{svc.team}/{svc.name}"


def render_go_mod(svc: Service) -> str:
    go = svc.go_version
    if "docker-go-toolchain-too-old" in svc.mistakes:
        go = "1.24"
    lines = [
        f"module {_module(svc)}",
        "",
        f"go {go}.0",
        "",
        "require (",
        f"\tgithub.com/gin-contrib/cors {svc.cors_version}",
        f"\tgithub.com/gin-gonic/gin {svc.gin_version}",
        ")",
        "",
        "require (",
        *[f"\t{mod} {ver} // indirect" for mod, ver in INDIRECT],
        ")",
        "",
    ]
    return "\n".join(lines)


def _h1(mod: str, ver: str, suffix: str) -> str:
    digest = hashlib.sha256(f"{mod}@{ver}{suffix}".encode()).digest()
    return "h1:" + base64.b64encode(digest).decode()


def render_go_sum(svc: Service) -> str:
    mods = [("github.com/gin-contrib/cors", svc.cors_version), ("github.com/gin-gonic/gin", svc.gin_version)]
    mods += list(INDIRECT)
    out = []
    for mod, ver in sorted(mods):
        out.append(f"{mod} {ver} {_h1(mod, ver, '')}")
        out.append(f"{mod} {ver}/go.mod {_h1(mod, ver, '/go.mod')}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Dockerfile


def render_dockerfile(svc: Service) -> str:
    m = svc.mistakes
    go = svc.go_version
    if "docker-go-toolchain-too-old" in m:
        go = "1.22"  # go.mod says 1.24
    flavour = svc.style["builder"]
    builder = {
        "alpine": f"golang:{go}-alpine",
        "debian": f"golang:{go}",
        "bookworm": f"golang:{go}-bookworm",
    }[flavour]
    if "docker-latest-builder" in m:
        builder = "golang:latest"
    expose = svc.port + 1 if "docker-expose-mismatch" in m else svc.port
    binary = svc.name
    out: list[str] = []
    if svc.style["stages"] == "single":
        out += [
            f"FROM {builder}",
            "",
            "WORKDIR /app",
            "COPY . .",
            "RUN go mod download",
            f"RUN go build -o /app/{binary} .",
            "",
            f"ENV PORT={svc.port}",
            f"EXPOSE {expose}",
            f'CMD ["/app/{binary}"]',
            "",
        ]
        return "\n".join(out)

    out += ["# syntax=docker/dockerfile:1", "", f"FROM {builder} AS build"]
    if flavour == "alpine" and "docker-cgo-on-alpine" not in m:
        out += ["RUN apk add --no-cache git ca-certificates"]
    out += ["WORKDIR /src"]
    if "docker-copy-before-download" in m:
        out += ["COPY . .", "RUN go mod download"]
    else:
        out += ["COPY go.mod go.sum ./", "RUN go mod download", "COPY . ."]
    if "docker-cgo-on-alpine" in m:
        # Built on the Debian golang image with cgo left on: a glibc binary.
        out[2] = f"FROM golang:{go} AS build"
        out += [f"RUN go build -o /out/{binary} ."]
    else:
        out += [f'RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/{binary} .']
    out += [""]

    runtime = svc.style["runtime"]
    if runtime == "distroless":
        out += ["FROM gcr.io/distroless/static-debian12:nonroot"]
        out += [f"COPY --from=build /out/{binary} /{binary}"]
        if svc.style["templates"] == "yes":
            out += ["COPY templates/ /templates/"]
        out += [f"ENV PORT={svc.port} GIN_MODE=release", f"EXPOSE {expose}", "USER nonroot:nonroot"]
        if "docker-healthcheck-curl-distroless" in m:
            out += [
                "HEALTHCHECK --interval=30s --timeout=3s "
                f"CMD curl -fsS http://localhost:{svc.port}{svc.health} || exit 1"
            ]
        if "docker-shell-cmd-distroless" in m:
            out += [f"CMD /{binary}"]
        else:
            out += [f'ENTRYPOINT ["/{binary}"]']
    elif runtime == "alpine":
        image = "alpine" if "docker-untagged-runtime" in m else "alpine:3.20"
        out += [f"FROM {image}"]
        if svc.style["tz"] == "yes":
            out += ["RUN apk add --no-cache ca-certificates tzdata"]
        else:
            out += ["RUN apk add --no-cache ca-certificates"]
        out += [
            "RUN addgroup -S app && adduser -S -G app app",
            "WORKDIR /app",
            f"COPY --from=build /out/{binary} /app/{binary}",
            "USER app",
            f"ENV PORT={svc.port}",
            f"EXPOSE {expose}",
            "HEALTHCHECK --interval=30s --timeout=3s "
            f"CMD wget -qO- http://127.0.0.1:{svc.port}{svc.health} || exit 1",
            f'CMD ["/app/{binary}"]',
        ]
    elif runtime == "scratch":
        out += ["FROM scratch"]
        if "docker-scratch-no-certs" not in m:
            out += ["COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/"]
        out += [
            f"COPY --from=build /out/{binary} /{binary}",
            f"ENV PORT={svc.port}",
            f"EXPOSE {expose}",
            "USER 65532:65532",
            f'ENTRYPOINT ["/{binary}"]',
        ]
    else:  # debian
        image = "debian:bookworm" if "docker-untagged-runtime" in m else "debian:bookworm-slim"
        out += [
            f"FROM {image}",
            "RUN apt-get update \\",
            " && apt-get install -y --no-install-recommends ca-certificates curl \\",
            " && rm -rf /var/lib/apt/lists/*",
            "RUN useradd --system --uid 10001 app",
            f"COPY --from=build /out/{binary} /usr/local/bin/{binary}",
            "USER 10001",
            f"ENV PORT={svc.port}",
            f"EXPOSE {expose}",
            f"HEALTHCHECK CMD curl -fsS http://localhost:{svc.port}{svc.health} || exit 1",
            f'ENTRYPOINT ["/usr/local/bin/{binary}"]',
        ]
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Compose


def _q(value: str) -> str:
    return f'"{value}"'


def render_compose(svc: Service) -> str:
    m = svc.mistakes
    container_port = svc.port + 1 if "compose-port-mismatch" in m else svc.port
    host_port = 8000 + int(svc.style["host_port_offset"])
    publish = f"{host_port}:{container_port}"
    if "compose-loopback-publish" in m:
        publish = f"127.0.0.1:{publish}"
    dep = svc.dependency
    db_host = "localhost" if "compose-db-localhost" in m else "db"
    db_name = svc.domain.replace("-", "_")
    env: list[tuple[str, str]] = [("PORT", str(svc.port)), ("GIN_MODE", "release")]
    if dep == "postgres":
        env.append(
            (
                "DATABASE_URL",
                f"postgres://app:${{POSTGRES_PASSWORD}}@{db_host}:5432/{db_name}?sslmode=disable",
            )
        )
    elif dep == "mysql":
        env.append(("DATABASE_URL", f"app:${{MYSQL_PASSWORD}}@tcp({db_host}:3306)/{db_name}?parseTime=true"))
    elif dep == "redis":
        env.append(("REDIS_ADDR", f"{'localhost' if db_host == 'localhost' else 'cache'}:6379"))
    lines = [
        "services:",
        f"  {svc.name}:",
        "    build:",
        "      context: .",
        "      dockerfile: Dockerfile",
        f"    image: registry.example.com/acme/{svc.name}:{svc.tag}",
        "    ports:",
        f"      - {_q(publish)}",
        "    environment:",
    ]
    if svc.style["env_style"] == "map":
        lines += [f"      {k}: {_q(v)}" for k, v in env]
    else:
        lines += [f"      - {k}={v}" for k, v in env]
    dep_service = {"postgres": "db", "mysql": "db", "redis": "cache"}.get(dep, "")
    if dep_service:
        if "compose-depends-no-health" in m:
            lines += ["    depends_on:", f"      - {dep_service}"]
        else:
            lines += ["    depends_on:", f"      {dep_service}:", "        condition: service_healthy"]
    lines += ["    restart: unless-stopped"]
    if "compose-no-limits" not in m:
        lines += [
            "    deploy:",
            "      resources:",
            "        limits:",
            f'          cpus: "{svc.style["cpus"]}"',
            f"          memory: {svc.style['memory']}",
        ]
    if svc.style["runtime"] == "alpine":
        lines += [
            "    healthcheck:",
            f'      test: ["CMD", "wget", "-qO-", "http://127.0.0.1:{svc.port}{svc.health}"]',
            "      interval: 10s",
            "      timeout: 3s",
            "      retries: 5",
        ]
    latest = "compose-latest-image" in m
    if dep == "postgres":
        lines += [
            "  db:",
            f"    image: postgres:{'latest' if latest else '16-alpine'}",
            "    environment:",
            "      POSTGRES_USER: app",
            "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}",
            f"      POSTGRES_DB: {db_name}",
            "    volumes:",
            "      - pgdata:/var/lib/postgresql/data",
            "    healthcheck:",
            f'      test: ["CMD-SHELL", "pg_isready -U app -d {db_name}"]',
            "      interval: 5s",
            "      timeout: 3s",
            "      retries: 10",
            "volumes:",
            "  pgdata:",
        ]
    elif dep == "mysql":
        lines += [
            "  db:",
            f"    image: mysql:{'latest' if latest else '8.4'}",
            "    environment:",
            "      MYSQL_USER: app",
            "      MYSQL_PASSWORD: ${MYSQL_PASSWORD:?set MYSQL_PASSWORD}",
            "      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD:?set MYSQL_ROOT_PASSWORD}",
            f"      MYSQL_DATABASE: {db_name}",
            "    volumes:",
            "      - mysqldata:/var/lib/mysql",
            "    healthcheck:",
            '      test: ["CMD", "mysqladmin", "ping", "-h", "127.0.0.1"]',
            "      interval: 5s",
            "      timeout: 3s",
            "      retries: 10",
            "volumes:",
            "  mysqldata:",
        ]
    elif dep == "redis":
        lines += [
            "  cache:",
            f"    image: redis:{'latest' if latest else '7.2-alpine'}",
            '    command: ["redis-server", "--appendonly", "yes"]',
            "    healthcheck:",
            '      test: ["CMD", "redis-cli", "ping"]',
            "      interval: 5s",
            "      timeout: 3s",
            "      retries: 10",
        ]
    lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Kubernetes


def render_deployment(svc: Service) -> str:
    m = svc.mistakes
    tag = "latest" if "k8s-latest-image" in m else svc.tag
    probe_port = str(svc.port + 1) if "k8s-probe-wrong-port" in m else "http"
    probe_path = "/status" if "k8s-probe-wrong-path" in m else svc.health
    lines = [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        f"  name: {svc.name}",
        f"  namespace: {svc.namespace}",
        "  labels:",
        f"    app.kubernetes.io/name: {svc.name}",
        f"    app.kubernetes.io/part-of: {svc.team}",
        "spec:",
        f"  replicas: {svc.replicas}",
        "  revisionHistoryLimit: 5",
        "  selector:",
        "    matchLabels:",
        f"      app.kubernetes.io/name: {svc.name}",
        "  template:",
        "    metadata:",
        "      labels:",
        f"        app.kubernetes.io/name: {svc.name}",
        f'        app.kubernetes.io/version: "{svc.tag}"',
        "    spec:",
        "      securityContext:",
        "        runAsNonRoot: true",
        "        runAsUser: 65532",
        "      containers:",
        f"        - name: {svc.name}",
        f"          image: registry.example.com/acme/{svc.name}:{tag}",
        "          imagePullPolicy: IfNotPresent",
        "          ports:",
        "            - name: http",
        f"              containerPort: {svc.port}",
        "              protocol: TCP",
        "          env:",
        "            - name: PORT",
        f'              value: "{svc.port}"',
        "            - name: GIN_MODE",
        "              value: release",
    ]
    if svc.dependency in ("postgres", "mysql"):
        lines += [
            "            - name: DATABASE_URL",
            "              valueFrom:",
            "                secretKeyRef:",
            f"                  name: {svc.name}-db",
            "                  key: url",
        ]
    elif svc.dependency == "redis":
        lines += ["            - name: REDIS_ADDR", f"              value: redis.{svc.namespace}.svc:6379"]
    lines += [
        "          resources:",
        "            requests:",
        "              cpu: 100m",
        "              memory: 128Mi",
    ]
    if "k8s-no-limits" not in m:
        lines += ["            limits:", "              cpu: 500m", "              memory: 256Mi"]
    if "k8s-no-readiness" not in m:
        lines += [
            "          readinessProbe:",
            "            httpGet:",
            f"              path: {probe_path}",
            f"              port: {probe_port}",
            "            initialDelaySeconds: 3",
            "            periodSeconds: 10",
        ]
    lines += [
        "          livenessProbe:",
        "            httpGet:",
        f"              path: {probe_path}",
        f"              port: {probe_port}",
        "            initialDelaySeconds: 10",
        "            periodSeconds: 20",
        "            failureThreshold: 3",
        "          securityContext:",
        "            allowPrivilegeEscalation: false",
        "            readOnlyRootFilesystem: true",
        "            capabilities:",
        '              drop: ["ALL"]',
        "",
    ]
    return "\n".join(lines)


def render_k8s_service(svc: Service) -> str:
    m = svc.mistakes
    selector = f"{svc.name}-app" if "k8s-selector-mismatch" in m else svc.name
    if "k8s-targetport-mismatch" in m:
        target = str(svc.port + 1)
    elif svc.style["targetport"] == "name":
        target = "http"
    else:
        target = str(svc.port)
    return "\n".join(
        [
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            f"  name: {svc.name}",
            f"  namespace: {svc.namespace}",
            "  labels:",
            f"    app.kubernetes.io/name: {svc.name}",
            "spec:",
            "  type: ClusterIP",
            "  selector:",
            f"    app.kubernetes.io/name: {selector}",
            "  ports:",
            "    - name: http",
            "      port: 80",
            f"      targetPort: {target}",
            "      protocol: TCP",
            "",
        ]
    )


def render_ingress(svc: Service) -> str:
    backend = f"{svc.name}-svc" if "k8s-ingress-backend-typo" in svc.mistakes else svc.name
    port = (
        ["                  name: http"]
        if svc.style["ingress_port"] == "name"
        else ["                  number: 80"]
    )
    return "\n".join(
        [
            "apiVersion: networking.k8s.io/v1",
            "kind: Ingress",
            "metadata:",
            f"  name: {svc.name}",
            f"  namespace: {svc.namespace}",
            "  annotations:",
            "    cert-manager.io/cluster-issuer: letsencrypt-prod",
            '    nginx.ingress.kubernetes.io/proxy-body-size: "8m"',
            "spec:",
            "  ingressClassName: nginx",
            "  tls:",
            "    - hosts:",
            f"        - {svc.host}",
            f"      secretName: {svc.name}-tls",
            "  rules:",
            f"    - host: {svc.host}",
            "      http:",
            "        paths:",
            "          - path: /",
            "            pathType: Prefix",
            "            backend:",
            "              service:",
            f"                name: {backend}",
            "                port:",
            *port,
            "",
        ]
    )


# ---------------------------------------------------------------------------------------------
# nginx

NGINX_MISTAKES: tuple[tuple[str, float], ...] = (
    ("nginx-proxy-loopback", 0.08),  # proxy_pass http://127.0.0.1:PORT from the nginx container (P11)
    ("nginx-cert-not-fullchain", 0.10),  # cert.pem instead of fullchain.pem (T5)
    ("nginx-old-tls", 0.08),  # ssl_protocols TLSv1 TLSv1.1 (T6)
    ("nginx-no-hsts", 0.15),  # no Strict-Transport-Security (T7)
    ("nginx-no-forwarded-proto", 0.10),  # app cannot tell it is behind HTTPS (T1)
    ("nginx-upstream-port-mismatch", 0.05),  # upstream port != app port (P6/P11)
    ("nginx-location-add-header", 0.10),  # add_header in a location drops the server's headers
)


def _upstream(name: str, site: int) -> str:
    # Per-site names: every conf.d file lands in one http{} block, where upstream names must be unique.
    return f"{name.replace('-', '_')}_s{site:03d}"


def render_nginx_site(site: int, group: list[Service], rng: random.Random, stats: Stats) -> str:
    mistakes = _pick_mistakes(rng, NGINX_MISTAKES)
    stats.mistakes.update(mistakes)
    team = group[0].team
    host = f"{team}-{site:03d}.example.com"
    http2_new = rng.random() < 0.6
    out: list[str] = [f"# {host}: edge proxy for {len(group)} services of the {team} team", ""]
    for svc in group:
        port = svc.port + 1 if "nginx-upstream-port-mismatch" in mistakes else svc.port
        out += [
            f"upstream {_upstream(svc.name, site)} {{",
            f"    server {svc.name}:{port} max_fails=3 fail_timeout=10s;",
            "    keepalive 32;",
            "}",
            "",
        ]
    out += [
        "server {",
        "    listen 80;",
        "    listen [::]:80;",
        f"    server_name {host};",
        "",
        "    location /.well-known/acme-challenge/ {",
        "        root /var/www/certbot;",
        "    }",
        "",
        "    location / {",
        "        return 301 https://$host$request_uri;",
        "    }",
        "}",
        "",
        "server {",
    ]
    if http2_new:
        out += ["    listen 443 ssl;", "    listen [::]:443 ssl;", "    http2 on;"]
    else:
        out += ["    listen 443 ssl http2;", "    listen [::]:443 ssl http2;"]
    cert = "cert.pem" if "nginx-cert-not-fullchain" in mistakes else "fullchain.pem"
    protocols = "TLSv1 TLSv1.1 TLSv1.2" if "nginx-old-tls" in mistakes else "TLSv1.2 TLSv1.3"
    out += [
        f"    server_name {host};",
        "",
        f"    ssl_certificate     /etc/letsencrypt/live/{host}/{cert};",
        f"    ssl_certificate_key /etc/letsencrypt/live/{host}/privkey.pem;",
        f"    ssl_protocols       {protocols};",
        "    ssl_session_cache   shared:SSL:10m;",
        "    ssl_session_timeout 1d;",
        "",
    ]
    if "nginx-no-hsts" not in mistakes:
        out += ['    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;']
    out += [
        "    add_header X-Content-Type-Options nosniff always;",
        "    add_header X-Frame-Options DENY always;",
        "",
        f"    client_max_body_size {rng.choice(('1m', '10m', '25m', '50m'))};",
        "    access_log /var/log/nginx/access.log;",
        "",
    ]
    for j, svc in enumerate(group):
        if "nginx-proxy-loopback" in mistakes and j == 0:
            target = f"http://127.0.0.1:{svc.port}/"
        else:
            target = f"http://{_upstream(svc.name, site)}/"
        out += [
            f"    location /{svc.name}/ {{",
            f"        proxy_pass {target};",
            "        proxy_http_version 1.1;",
            '        proxy_set_header Connection "";',
            "        proxy_set_header Host $host;",
            "        proxy_set_header X-Real-IP $remote_addr;",
            "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        ]
        if "nginx-no-forwarded-proto" not in mistakes:
            out += ["        proxy_set_header X-Forwarded-Proto $scheme;"]
        if "nginx-location-add-header" in mistakes and j == 0:
            out += ['        add_header Cache-Control "no-store";']
        out += [
            f"        proxy_read_timeout {rng.choice((30, 60, 120))}s;",
            "    }",
            "",
        ]
    out += [
        f"    location = {group[0].health} {{",
        "        access_log off;",
        f"        proxy_pass http://{_upstream(group[0].name, site)}{group[0].health};",
        "    }",
        "}",
        "",
    ]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------


def _write(path: Path, text: str, kind: str, stats: Stats) -> None:
    data = text.encode()
    path.write_bytes(data)
    stats.files[kind] += 1
    stats.bytes += len(data)


def generate(out_dir: Path, services: int = 1000, seed: int = 1) -> Stats:
    """Write the tree under out_dir (created; must be empty) and return what was written."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty; pick a new directory")
    rng = random.Random(seed)
    stats = Stats()
    plan = plan_services(services, rng)
    root = out_dir / "services"
    for svc in plan:
        stats.mistakes.update(svc.mistakes)
        d = root / svc.name
        (d / "k8s").mkdir(parents=True)
        _write(d / "Dockerfile", render_dockerfile(svc), "dockerfile", stats)
        _write(d / svc.style["compose_name"], render_compose(svc), "compose", stats)
        _write(d / "k8s" / "deployment.yaml", render_deployment(svc), "kubernetes", stats)
        _write(d / "k8s" / "service.yaml", render_k8s_service(svc), "kubernetes", stats)
        _write(d / "k8s" / "ingress.yaml", render_ingress(svc), "kubernetes", stats)
        _write(d / "main.go", render_main_go(svc), "go", stats)
        _write(d / "go.mod", render_go_mod(svc), "gomod", stats)
        _write(d / "go.sum", render_go_sum(svc), "gosum", stats)
    # One nginx site per 5 services (200 for 1,000), each proxying to a group of 3-8 of them.
    nginx_dir = out_dir / "platform" / "nginx" / "conf.d"
    nginx_dir.mkdir(parents=True)
    sites = max(1, services // 5)
    for site in range(sites):
        size = rng.randint(3, 8)
        start = rng.randrange(len(plan))
        group = [plan[(start + k) % len(plan)] for k in range(min(size, len(plan)))]
        _write(
            nginx_dir / f"{group[0].team}-{site:03d}.conf",
            render_nginx_site(site, group, rng, stats),
            "nginx",
            stats,
        )
    return stats


def describe(stats: Stats) -> str:
    files = ", ".join(f"{n} {k}" for k, n in sorted(stats.files.items()))
    total = sum(stats.files.values())
    mistakes = ", ".join(f"{k} {n}" for k, n in sorted(stats.mistakes.items()))
    return f"{total} files ({files}), {stats.bytes / 1e6:.1f} MB\nplanted mistakes: {mistakes}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path, help="directory to create (must be empty or absent)")
    ap.add_argument("--services", type=int, default=1000, help="number of services (default 1000)")
    ap.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    args = ap.parse_args(argv)
    if args.services < 1:
        ap.error("--services must be at least 1")
    try:
        stats = generate(args.out_dir, args.services, args.seed)
    except FileExistsError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out_dir}: {describe(stats)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
