"""The bundled examples: the broken shop shows each planted problem at the right file and line,
the fixed shop gives no error and no warning, and the full text report is pinned as a snapshot
(`DEPLOYCHECK_UPDATE_SNAPSHOTS=1` rewrites it; review the diff)."""

from __future__ import annotations

import os

import pytest

from deploycheck import check
from deploycheck.engine.config import Config
from deploycheck.reporters import ReportOptions, get

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROKEN = os.path.join(ROOT, "examples", "broken-shop")
FIXED = os.path.join(ROOT, "examples", "fixed-shop")
SNAPSHOT = os.path.join(ROOT, "tests", "snapshots", "broken-shop.txt")

# (rule, file, line): the problems planted in examples/broken-shop, one per pitfall.
PLANTED = {
    ("DC501", "main.go", 59),            # listens on 127.0.0.1 (env fallback)
    ("DC502", "main.go", 54),            # AllowAllOrigins with AllowCredentials
    ("DC505", "main.go", 52),            # CORS registered after the routes
    ("DC507", "main.go", 34),            # SetMode after gin.Default()
    ("DC508", "main.go", 33),            # trusts all proxies, ClientIP used
    ("DC708", "main.go", 24),            # SESSION_SECRET required, provided nowhere
    ("DC724", "main.go", 35),            # templates not in the image
    ("DC724", "main.go", 36),            # static files not in the image
    ("DC512", "go.mod", 6),              # no go.sum
    ("DC720", "Dockerfile", 1),          # go.mod newer than the golang builder
    ("DC103", "Dockerfile", 5),          # cgo binary for glibc ...
    ("DC721", "Dockerfile", 7),          # ... run on scratch, with go-sqlite3 needing cgo
    ("DC722", "Dockerfile", 7),          # HTTPS calls, no CA certificates in scratch
    ("DC723", "Dockerfile", 7),          # LoadLocation, no tzdata in scratch
    ("DC702", "Dockerfile", 9),          # EXPOSE 9090, app on 8080
    ("DC101", "Dockerfile", 10),         # HEALTHCHECK shell form (and curl) on scratch
    ("DC101", "Dockerfile", 11),         # CMD shell form on scratch
    ("DC106", "Dockerfile", 3),          # COPY . . before go mod download
    ("DC114", "Dockerfile", 3),          # no .dockerignore
    ("DC208", ".env", 1),                # DATABASE_URL on localhost inside the container
    ("DC206", "compose.yaml", 10),       # depends_on db without health
    ("DC207", "compose.yaml", 8),        # ${PAYMENTS_TOKEN} unset, no default
    ("DC209", "compose.yaml", 14),       # PostgreSQL published on all interfaces
    ("DC301", "k8s/service.yaml", 6),    # selector matches no pods
    ("DC704", "k8s/deployment.yaml", 26),  # readiness probe path the app does not serve
    ("DC729", "k8s/deployment.yaml", 31),  # memory limit, no GOMEMLIMIT
    ("DC401", "nginx/nginx.conf", 17),   # TLSv1, TLSv1.1
    ("DC403", "nginx/nginx.conf", 13),   # no HSTS
    ("DC405", "nginx/nginx.conf", 5),    # HTTP not redirected
    ("DC406", "nginx/nginx.conf", 15),   # leaf certificate without chain
    ("DC706", "nginx/nginx.conf", 21),   # proxy_pass to its own loopback
}


def test_broken_shop_shows_each_planted_problem_where_it_is() -> None:
    result = check([BROKEN], Config(jobs=1))
    got = {(f.rule, f.location.path, f.location.line) for f in result.findings}
    missing = sorted(PLANTED - got)
    assert not missing, f"planted problems not reported: {missing}"


def test_fixed_shop_has_no_error_and_no_warning() -> None:
    result = check([FIXED], Config(jobs=1))
    loud = [f for f in result.findings if f.severity.value != "info"]
    assert not loud, "\n".join(f"{f.location.label()} {f.rule}: {f.message}" for f in loud)


def test_broken_shop_report_snapshot() -> None:
    result = check([BROKEN], Config(jobs=1))
    text = get("text")(result, ReportOptions(color=False))
    if os.environ.get("DEPLOYCHECK_UPDATE_SNAPSHOTS"):
        with open(SNAPSHOT, "w", encoding="utf-8") as fh:
            fh.write(text)
    if not os.path.exists(SNAPSHOT):
        pytest.fail("no snapshot yet: run with DEPLOYCHECK_UPDATE_SNAPSHOTS=1 and review it")
    with open(SNAPSHOT, encoding="utf-8") as fh:
        assert text == fh.read()
