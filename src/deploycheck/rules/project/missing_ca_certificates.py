from __future__ import annotations

from collections.abc import Iterator, Sequence

from deploycheck.model import (
    Category,
    Location,
    NoOptions,
    Related,
    Rule,
    Severity,
    TextEdit,
    Violation,
)
from deploycheck.model.dockerfile import Dockerfile, Stage
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_image import chain_copies, env_set, image_groups

# Python clients that verify against the system store (requests and httpx bring certifi).
_SYSTEM_STORE_LIBS = frozenset({"urllib", "urllib3", "aiohttp"})
# Go packages that carry their own roots.
_GO_EMBEDDED_ROOTS = ("golang.org/x/crypto/x509roots/fallback",)


class MissingCaCertificates(Rule[Project]):
    """The app calls HTTPS services, but its image has no CA certificates to verify them.

    ## Why
    TLS clients check the server's certificate against the CA bundle in `/etc/ssl/certs`.
    `scratch` has no files at all and `debian`/`ubuntu` base images come without the
    `ca-certificates` package, so every outbound HTTPS call (a payment API, S3, OAuth, Sentry)
    fails with `x509: certificate signed by unknown authority` (Go) or
    `CERTIFICATE_VERIFY_FAILED` (Python), while it worked on the laptop (pitfall D4;
    harshavardhana/s3www#7, docker-library/golang#96).

    ## Bad
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM scratch
    COPY --from=build /out/app /app
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import "net/http"

    func main() {
        resp, err := http.Get("https://api.example.com/v1/rates")
        if err == nil {
            resp.Body.Close()
        }
        http.ListenAndServe(":8080", nil)
    }
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM scratch
    COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
    COPY --from=build /out/app /app
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import "net/http"

    func main() {
        resp, err := http.Get("https://api.example.com/v1/rates")
        if err == nil {
            resp.Body.Close()
        }
        http.ListenAndServe(":8080", nil)
    }
    ```

    ## Fix
    Copy the builder's bundle (`COPY --from=build /etc/ssl/certs/ca-certificates.crt
    /etc/ssl/certs/`), install `ca-certificates` (`apt-get install -y ca-certificates`), or use
    `gcr.io/distroless/static`, which ships it.
    """

    code = "DC722"
    name = "missing-ca-certificates"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = Project
    fix = ("copy the CA bundle into the final stage (`COPY --from=build "
           "/etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`) or install ca-certificates")

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for df, final, deps in image_groups(model):
            if final.traits.ca_certificates is not False or _copies_certs(final):
                continue
            if _may_pull_certs(final):
                continue
            if env_set(deps, "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE"):
                continue
            evidence = _evidence(deps)
            if evidence is None:
                continue
            where, what, error = evidence
            edits, safe = _copy_bundle(df, final)
            yield Violation(
                f"{where.short()}: {what}, but stage {final.label} runs on {final.root_image}, "
                "which has no CA certificates (nothing is copied to /etc/ssl/certs), so every "
                f"outbound HTTPS call fails with `{error}`",
                Location.at(df.path, final.root_image_pos),
                (Related(where, f"{what}: needs a CA bundle to verify the server"),),
                fix=_fix(final),
                edits=edits,
                safe_fix=safe,
            )


def _copy_bundle(df: Dockerfile, final: Stage) -> tuple[tuple[TextEdit, ...], bool]:
    """For scratch/busybox: `COPY --from=<stage> /etc/ssl/certs/ca-certificates.crt
    /etc/ssl/certs/` after FROM, taken from the stage the final one already copies from. Safe
    when that stage's image surely has the bundle (golang, python, alpine...), unsafe when it
    cannot be told; no edit when it has none."""
    if final.traits.family.value not in ("scratch", "busybox") or final.parent is not None:
        return (), True
    sources = [c.from_stage for c in final.copies if c.from_stage is not None]
    source = df.stage(sources[0]) if sources else None
    if source is None or source.traits.ca_certificates is False:
        return (), True
    start = next((i for i in df.instructions if i.pos.line == final.pos.line), None)
    line = (start.end_line if start else final.pos.line) + 1
    ref = source.name or str(source.index)
    edit = TextEdit(df.path, line, 1, line, 1,
                    f"COPY --from={ref} /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n")
    return (edit,), source.traits.ca_certificates is True


def _copies_certs(stage: Stage) -> bool:
    """A COPY that puts certificates somewhere (`/etc/ssl`, `/etc/pki`, a `*.crt`/`*.pem`)."""
    for _, copy in chain_copies(stage):
        dest = copy.dest_path
        if dest.startswith(("/etc/ssl", "/etc/pki", "/usr/share/ca-certificates",
                            "/usr/local/share/ca-certificates")):
            return True
        for src in copy.sources:
            base = src.rstrip("/").rpartition("/")[2].lower()
            if "cert" in base or base.endswith((".crt", ".pem")) or "$" in src:
                return True
    return False


def _may_pull_certs(stage: Stage) -> bool:
    """apt installs recommended packages by default, and curl, git, python3 ... bring
    ca-certificates along: only a chain that installs nothing but tzdata is sure to lack it."""
    for st in stage.chain():
        for install in st.package_installs():
            if any(p.split("=")[0] not in ("tzdata",) for p in install.packages):
                return True
    return False


def _evidence(deps: Sequence[Deployment]) -> tuple[Location, str, str] | None:
    for dep in deps:
        go = dep.go
        if go is not None and go.needs_https and not any(go.imports_path(p) for p in _GO_EMBEDDED_ROOTS):
            ev = next(e for e in go.https if e.strong)
            if ev.what.startswith("imports "):
                what = f"the app {ev.what}, which calls HTTPS APIs"
            elif ev.what.startswith("HTTPS"):
                what = f"the app makes an {ev.what}"
            else:
                what = f"the app uses {ev.what} (TLS to a remote service)"
            return ev.location, what, "x509: certificate signed by unknown authority"
        app = dep.python
        if app is not None:
            for module in app.modules:
                for call in module.outbound:
                    if call.library in _SYSTEM_STORE_LIBS and call.url.startswith("https://"):
                        return (Location.at(module.path, call.pos),
                                f"the app calls {call.url[:60]} with {call.library}",
                                "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED]")
    return None


def _fix(final: Stage) -> str:
    family = final.traits.family.value
    if family == "scratch":
        return ("copy the bundle from the build stage: `COPY --from=build "
                "/etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`, or run on "
                "gcr.io/distroless/static, which has it")
    if family in ("debian",):
        return ("install it in the final stage: `RUN apt-get update && apt-get install -y "
                "--no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*`")
    if family in ("busybox",):
        return ("copy the bundle from the build stage: `COPY --from=build "
                "/etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`")
    return "install ca-certificates in the final stage, or copy /etc/ssl/certs from the build stage"
