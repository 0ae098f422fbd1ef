from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.golang import HTTPS_SDK_PREFIXES
from deploycheck.model.image import (
    CA_FILES,
    MARK_HTTP_CLIENT,
    MARK_HTTPS_LITERAL,
    MARK_X509_FALLBACK,
    ElfInfo,
    ImageFacts,
)
from deploycheck.rules.image._common import programs, project_related


class CaCertificatesMissing(Rule[ImageFacts]):
    """A Go program that makes outbound HTTPS calls runs in an image without a CA bundle where
    Go looks for one.

    ## Why
    Go's crypto/x509 reads roots from `/etc/ssl/certs/ca-certificates.crt` and five other files,
    then `/etc/ssl/certs` and `/etc/pki/tls/certs` (or `SSL_CERT_FILE`/`SSL_CERT_DIR`). A scratch
    or distroless/static image without `ca-certificates` makes every outbound HTTPS call fail
    with `tls: failed to verify certificate: x509: certificate signed by unknown authority`
    (older Go: `x509: failed to load system roots and no roots provided`) — pitfall D4. The
    evidence: `--project` source making HTTPS calls, a cloud SDK in the binary's build info, or
    Go's HTTP client linked in together with an `https://` literal.

    ## Bad
    ```image.json
    {"image": "shop/notifier:1.0",
     "config": {"config": {"Entrypoint": ["/notifier"]}},
     "layers": [{"created_by": "COPY --from=build /out/notifier /notifier",
                 "files": [{"path": "notifier", "mode": "0755",
                            "elf": {"go": {"version": "go1.22.3", "settings": {"CGO_ENABLED": "0"}},
                                    "markers": ["http-client", "https-literal"]}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/notifier:1.0",
     "config": {"config": {"Entrypoint": ["/notifier"]}},
     "layers": [{"created_by": "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/",
                 "files": [{"path": "etc/ssl/certs/ca-certificates.crt", "size": 213777,
                            "text": "-----BEGIN CERTIFICATE-----\\n"}]},
                {"created_by": "COPY --from=build /out/notifier /notifier",
                 "files": [{"path": "notifier", "mode": "0755",
                            "elf": {"go": {"version": "go1.22.3", "settings": {"CGO_ENABLED": "0"}},
                                    "markers": ["http-client", "https-literal"]}}]}]}
    ```

    ## Fix
    Copy the builder's bundle into the final stage (`COPY --from=build
    /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`), install `ca-certificates`, use
    `gcr.io/distroless/static`, or embed roots with `import _
    "golang.org/x/crypto/x509roots/fallback"`.
    """

    code = "IM020"
    name = "ca-certificates-missing"
    category = Category.TLS
    severity = Severity.ERROR
    target = ImageFacts
    fix = ("COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ (or install "
           "ca-certificates)")

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        if not model.complete or model.ca_bundle():
            return
        for path, info in programs(model):
            if MARK_X509_FALLBACK in info.markers:
                continue
            evidence = _evidence(model, info)
            if not evidence:
                continue
            where = ", ".join(CA_FILES[:2]) + ", ... /etc/ssl/certs"
            env = model.env()
            override = ""
            if "SSL_CERT_FILE" in env:
                override = f"; SSL_CERT_FILE={env['SSL_CERT_FILE']} names no file in the image"
            related = [*project_related(model)]
            if model.app is not None:
                related.extend(Related(w, "an outbound HTTPS call") for w in model.app.https[:3])
            yield Violation(
                f"{path} makes outbound HTTPS calls ({evidence}), and the image has no CA certificates "
                f"where Go looks ({where}){override}: every call fails with `tls: failed to verify "
                "certificate: x509: certificate signed by unknown authority`",
                model.location(path), tuple(related))
            return


def _evidence(model: ImageFacts, info: ElfInfo) -> str:
    if model.app is not None and model.app.https:
        return f"the source does, e.g. {model.app.https[0].short()}"
    if info.go is not None:
        for prefix in HTTPS_SDK_PREFIXES:
            module = info.go.has_dep(prefix)
            if module:
                return f"it is built with {module}"
    if MARK_HTTP_CLIENT in info.markers and MARK_HTTPS_LITERAL in info.markers:
        return "Go's HTTP client is linked in, and the binary holds https:// URLs"
    return ""
