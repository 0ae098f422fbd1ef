"""Realistic run results for the reporter tests, built from findings the rules would yield.

The findings cover: a cross-file error with a related place and an edit, a warning with a
related place in the same file, an info with an edit, a path with a space and accents and a
message full of characters that need escaping, live objects (a container, a URL) with and
without a related file, and an engine finding on a whole file whose code no rule declares.
"""

from __future__ import annotations

from deploycheck.model import Category, Finding, Location, Related, RuleInfo, RunResult, Severity, TextEdit

ODD_PATH = "k8s/déploiement prod.yaml"
ODD_MESSAGE = "secret \"tls-<prod>\" & key 'crt' is missing,\nso nginx:1.25 serves 100% plain HTTP: ok?"

BIND = Finding(
    rule="DC201",
    name="port-not-listening",
    category=Category.BIND,
    severity=Severity.ERROR,
    message=(
        "the app listens on 127.0.0.1:8080 (main.go:12), so the port published at "
        "compose.yaml:6 reaches nothing"
    ),
    fix='listen on ":8080" (all interfaces)',
    location=Location("compose.yaml", 6, 5, 6, 22),
    related=(Related(Location("main.go", 12, 14), "the app binds 127.0.0.1:8080 here"),),
    edits=(TextEdit("main.go", 12, 14, 12, 30, '":8080"'),),
)

ORDER = Finding(
    rule="DC230",
    name="depends-on-without-healthcheck",
    category=Category.STARTUP_ORDER,
    severity=Severity.WARNING,
    message=(
        'service "api" starts before "db" accepts connections: depends_on at compose.yaml:14 '
        "waits only for the container to start"
    ),
    fix='add a healthcheck to "db" and use `condition: service_healthy`',
    location=Location("compose.yaml", 14, 7),
    related=(Related(Location("compose.yaml", 20, 5), 'service "db" has no healthcheck'),),
)

PIN = Finding(
    rule="DC103",
    name="unpinned-base-image",
    category=Category.BUILD,
    severity=Severity.INFO,
    message="FROM golang:latest changes under you: the next build may use another Go version",
    fix="pin a version: FROM golang:1.22-alpine",
    location=Location("Dockerfile", 1, 1, 1, 19),
    edits=(TextEdit("Dockerfile", 1, 6, 1, 19, "golang:1.22-alpine"),),
    safe_fix=False,
)

TLS = Finding(
    rule="DC310",
    name="missing-tls-secret",
    category=Category.TLS,
    severity=Severity.ERROR,
    message=ODD_MESSAGE,
    fix="create it: kubectl create secret tls tls-prod --cert=tls.crt --key=tls.key",
    location=Location(ODD_PATH, 9, 11),
)

CONTAINER = Finding(
    rule="DC702",
    name="container-port-not-listening",
    category=Category.BIND,
    severity=Severity.WARNING,
    message="nothing listens on 0.0.0.0:80 inside the container; the process listens on 127.0.0.1:80",
    fix="make the server listen on 0.0.0.0",
    location=Location(extra=(("container", "web-1"), ("image", "nginx:1.25"))),
    related=(Related(Location("compose.yaml", 6, 5), "port 8080:80 is published here"),),
)

URL = Finding(
    rule="DC095",
    name="slow-health-endpoint",
    category=Category.HEALTH,
    severity=Severity.INFO,
    message="the health endpoint took 2.4 s; the probe's timeout is 1 s",
    fix="",
    location=Location(extra=(("url", "https://api.example.test/healthz"),)),
)

MALFORMED = Finding(
    rule="DC001",
    name="malformed-file",
    category=Category.CONFIG,
    severity=Severity.ERROR,
    message="not valid UTF-8; the file was not checked",
    fix="save the file as UTF-8",
    location=Location(".env"),
)

ALL = (MALFORMED, PIN, BIND, ORDER, CONTAINER, TLS, URL)  # in report order

RULES = (
    RuleInfo(
        code="DC201",
        name="port-not-listening",
        category=Category.BIND,
        severity=Severity.ERROR,
        summary="The app does not listen where the published port sends traffic.",
        doc=(
            "The app does not listen where the published port sends traffic.\n\n"
            "## Why\n\nA server bound to 127.0.0.1 inside a container is unreachable from outside it:\n"
            "clients see `connection reset by peer` (pitfall N1).\n\n"
            '## Bad\n\n```main.go\nr.Run("127.0.0.1:8080")\n```\n\n'
            '## Good\n\n```main.go\nr.Run(":8080")\n```\n\n'
            "## Fix\n\nListen on all interfaces.\n"
        ),
        fix='listen on ":8080"',
    ),
    RuleInfo(
        code="DC230",
        name="depends-on-without-healthcheck",
        category=Category.STARTUP_ORDER,
        severity=Severity.WARNING,
        summary="depends_on waits for a start, not for readiness.",
        doc=(
            "depends_on waits for a start, not for readiness.\n\n"
            "Compose starts the dependent service as soon as the container of its dependency runs.\n"
        ),
        fix="add a healthcheck",
    ),
    RuleInfo(
        code="DC103",
        name="unpinned-base-image",
        category=Category.BUILD,
        severity=Severity.INFO,
        summary="The base image is not pinned.",
        doc="",
        fix="pin a version",
    ),
    RuleInfo(
        code="DC310",
        name="missing-tls-secret",
        category=Category.TLS,
        severity=Severity.ERROR,
        summary="An Ingress names a TLS secret that does not exist.",
        doc=(
            "An Ingress names a TLS secret that does not exist.\n\n"
            "## Why\n\nThe controller serves its fake certificate.\n"
        ),
        fix="create the secret",
    ),
    RuleInfo(
        code="DC702",
        name="container-port-not-listening",
        category=Category.BIND,
        severity=Severity.WARNING,
        summary="A published container port has no listener.",
        doc="A published container port has no listener.",
        fix="listen on 0.0.0.0",
    ),
    RuleInfo(
        code="DC095",
        name="slow-health-endpoint",
        category=Category.HEALTH,
        severity=Severity.INFO,
        summary="The health endpoint answers slower than its probe waits.",
        doc="",
        fix="",
    ),
)


def result(
    findings: tuple[Finding, ...] = ALL,
    *,
    files_checked: int = 7,
    root: str = ".",
    rules: tuple[RuleInfo, ...] = RULES,
) -> RunResult:
    return RunResult(
        tool_name="deploycheck",
        tool_version="0.1.0",
        command="check",
        root=root,
        findings=findings,
        rules=rules,
        files_checked=files_checked,
        duration_seconds=0.25,
    )


def empty(files_checked: int = 7) -> RunResult:
    return result((), files_checked=files_checked)
