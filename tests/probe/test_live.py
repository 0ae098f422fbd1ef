"""`deploycheck probe` end to end against real servers on 127.0.0.1: nginx, Gin, uvicorn, and
sockets that refuse, reset or never answer."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from deploycheck.cli.main import main
from deploycheck.gatherers.http_probe import ClientSettings, HttpClient, fetch_chain
from deploycheck.gatherers.tls_probe import TlsSettings, probe_tls
from deploycheck.model.probe import (
    CorsProbe,
    FailureKind,
    MetricsProbe,
    OriginKind,
    RedirectOutcome,
    TrustKind,
    fact_from_dict,
)
from probe.conftest import Site
from probe.servers import MisbehavingListener, free_port

pytestmark = pytest.mark.server

APP = "https://app.example.com"
JSON_POST = ["--method", "POST", "--header", "Content-Type: application/json"]


def probe(tmp_path: Path, *args: str) -> tuple[int, list[dict[str, Any]], list[object]]:
    """Run the CLI; (exit code, findings as JSON dicts, facts seen)."""
    out = tmp_path / f"report-{time.monotonic_ns()}.json"
    facts = tmp_path / f"facts-{time.monotonic_ns()}.json"
    code = main(["probe", *args, "--format", "json", "-o", str(out), "--save-facts", str(facts),
                 "--fail-on", "warning"])
    report = json.loads(out.read_text())
    return code, report["findings"], [fact_from_dict(d) for d in json.loads(facts.read_text())]


def codes(findings: list[dict[str, Any]]) -> set[str]:
    return {f["rule"] for f in findings}


def by_code(findings: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["rule"] == code]


# -- nginx in front of Gin, TLS ---------------------------------------------------------------------


def test_modern_endpoint_is_clean(site: Site, tmp_path: Path) -> None:
    # How long a full probe takes is measured by bench/probe_bench.py (target: under 2 s).
    url = f"https://localhost:{site.modern}/api/orders"
    code, findings, facts = probe(tmp_path, url, "--origin", APP, "--origin", "https://admin.example.com",
                                  "--credentials", *JSON_POST, "--health", "/healthz",
                                  "--metrics", "/metrics", "--ca-file", str(site.root))
    # admin.example.com is not in Gin's list: gin-contrib/cors answers 403 without CORS headers.
    assert codes(findings) == {"PR040", "PR042"}, findings
    assert all(f["location"]["origin"] == "https://admin.example.com" for f in findings)
    assert code == 1
    tls = next(f for f in facts if type(f).__name__ == "TlsProbe")
    assert tls.accepted_versions() == ("TLSv1.2", "TLSv1.3")  # type: ignore[attr-defined]
    assert tls.trust.kind is TrustKind.OK  # type: ignore[attr-defined]
    assert [c.is_ca for c in tls.certificates] == [False, True]  # type: ignore[attr-defined]
    metrics = next(f for f in facts if isinstance(f, MetricsProbe))
    assert metrics.exchange.ok and metrics.families >= 1 and not metrics.error


def test_legacy_tls_is_really_offered_and_the_leaf_comes_alone(site: Site) -> None:
    tls = probe_tls(f"https://localhost:{site.legacy}/", TlsSettings(ca_file=str(site.root), timeout=5))
    assert tls.failure is None
    assert tls.accepted_versions() == ("TLSv1", "TLSv1.1", "TLSv1.2")
    assert tls.versions[0].cipher  # a real TLS 1.0 handshake completed
    assert len(tls.certificates) == 1 and tls.leaf is not None and tls.leaf.key_bits == 2048
    assert tls.trust.kind is TrustKind.INCOMPLETE_CHAIN and tls.trust.code == 20


def test_legacy_endpoint_findings(site: Site, tmp_path: Path) -> None:
    url = f"https://localhost:{site.legacy}/api/orders"
    _, strict, _ = probe(tmp_path, url, "--ca-file", str(site.root))
    assert codes(strict) == {"PR013", "PR020"}, strict  # HTTP checks stop at the broken chain
    (chain,) = by_code(strict, "PR013")
    assert chain["location"] == {"url": url, "certificate": "chain"}
    assert "unable to get local issuer certificate" in chain["message"]
    assert "HTTP checks of this URL were skipped" in chain["message"]
    (legacy,) = by_code(strict, "PR020")
    assert legacy["location"]["protocol"] == "TLSv1,TLSv1.1"
    assert legacy["severity"] == "warning" and legacy["category"] == "tls"
    _, insecure, _ = probe(tmp_path, url, "--ca-file", str(site.root), "--insecure")
    assert {"PR013", "PR020", "PR030", "PR072"} <= codes(insecure)  # no HSTS; Server: nginx/1.x


@pytest.mark.parametrize(("name", "code", "kind"), [
    ("expired", "PR010", TrustKind.EXPIRED),
    ("wrong_host", "PR016", TrustKind.HOSTNAME),
    ("self_signed", "PR015", TrustKind.SELF_SIGNED),
    ("other_ca", "PR014", TrustKind.UNKNOWN_CA),
])
def test_certificate_states(site: Site, tmp_path: Path, name: str, code: str, kind: TrustKind) -> None:
    url = f"https://localhost:{getattr(site, name)}/"
    exit_code, findings, facts = probe(tmp_path, url, "--ca-file", str(site.root))
    tls = next(f for f in facts if type(f).__name__ == "TlsProbe")
    assert tls.trust.kind is kind, tls.trust  # type: ignore[attr-defined]
    assert code in codes(findings), findings
    assert exit_code == 1


def test_weak_key_and_sha1_signature(site: Site, tmp_path: Path) -> None:
    _, findings, _ = probe(tmp_path, f"https://localhost:{site.weak}/", "--ca-file", str(site.root))
    (key,) = by_code(findings, "PR017")
    assert "1024-bit RSA key" in key["message"] and key["location"]["certificate"] == "leaf"
    (sig,) = by_code(findings, "PR018")
    assert "signed with ecdsa-with-SHA1" in sig["message"]  # by the EC intermediate


def test_null_cipher_is_found_with_a_handwritten_hello(site: Site, tmp_path: Path) -> None:
    _, findings, _ = probe(tmp_path, f"https://localhost:{site.null_cipher}/", "--ca-file", str(site.root))
    (weak,) = by_code(findings, "PR022")
    assert weak["location"]["ciphers"] == "TLS_ECDHE_RSA_WITH_NULL_SHA"


# -- redirects ---------------------------------------------------------------------------------------


def test_http_redirected_to_https_is_quiet_and_plain_http_is_not(site: Site, tmp_path: Path) -> None:
    redirect = f"http://localhost:{site.http_redirect}/"
    plain = f"http://localhost:{site.http_plain}/api/orders"
    https = f"https://localhost:{site.modern}/api/orders"
    _, findings, facts = probe(tmp_path, redirect, plain, https, "--ca-file", str(site.root))
    not_redirected = by_code(findings, "PR033")
    assert [f["location"]["url"] for f in not_redirected] == [plain]
    chain = next(f for f in facts if type(f).__name__ == "EndpointProbe" and f.url == redirect)  # type: ignore[attr-defined]
    assert [h.status for h in chain.hops] == [301, 404]  # type: ignore[attr-defined]
    assert chain.hops[1].url == f"https://localhost:{site.modern}/"  # type: ignore[attr-defined]


def test_redirect_loop_and_downgrade(site: Site, tmp_path: Path) -> None:
    loop = f"https://localhost:{site.loop}/x"
    down = f"https://localhost:{site.downgrade}/api/orders"
    _, findings, _ = probe(tmp_path, loop, down, "--ca-file", str(site.root))
    (looped,) = by_code(findings, "PR034")
    assert looped["location"]["url"] == loop and "ERR_TOO_MANY_REDIRECTS" in looped["message"]
    (downgraded,) = by_code(findings, "PR035")
    assert f"Location: http://localhost:{site.http_plain}/api/orders" in downgraded["message"]
    client = HttpClient(ClientSettings(timeout=3))
    assert fetch_chain(client, loop).outcome is RedirectOutcome.LOOP


# -- CORS ---------------------------------------------------------------------------------------------


def test_nginx_and_gin_both_add_the_origin_header(site: Site, tmp_path: Path) -> None:
    url = f"https://localhost:{site.dup_acao}/api/orders"
    _, findings, facts = probe(tmp_path, url, "--origin", APP, "--ca-file", str(site.root))
    dup = by_code(findings, "PR043")
    assert dup and all("'*', '*'" in f["message"] for f in dup), findings
    cors = next(f for f in facts if isinstance(f, CorsProbe) and f.origin == APP)
    assert cors.actual is not None and cors.actual.values("Access-Control-Allow-Origin") == ("*", "*")


def test_gin_all_origins_with_credentials(gin: dict[str, int], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{gin['allowall']}/api/orders"
    _, findings, _ = probe(tmp_path, url, "--origin", APP, "--credentials", *JSON_POST)
    wildcard = by_code(findings, "PR044")
    assert {f["location"]["request"] for f in wildcard} == {"preflight"}
    assert "must not be the wildcard '*'" in wildcard[0]["message"]
    assert "PR046" not in codes(findings)  # '*' is never honoured with credentials: not exploitable


def test_gin_middleware_that_never_answers_options(gin: dict[str, int], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{gin['nooptions']}/api/orders"
    _, findings, _ = probe(tmp_path, url, "--origin", APP, *JSON_POST)
    (rejected,) = by_code(findings, "PR040")
    assert rejected["message"].startswith(f"OPTIONS {url} (Origin: {APP}, Access-Control-Request-Method: "
                                          "POST) answers 404 Not Found")
    assert "does not have HTTP ok status" in rejected["message"]
    assert "register the CORS middleware on the engine" in rejected["fix"]
    _, simple, _ = probe(tmp_path, url, "--origin", APP)  # a GET needs no preflight
    assert "PR040" not in codes(simple)


def test_gin_reflecting_any_origin(gin: dict[str, int], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{gin['reflect']}/api/orders"
    _, findings, facts = probe(tmp_path, url, "--origin", APP)
    reflected = by_code(findings, "PR046")
    assert {f["location"]["origin"] for f in reflected} == {"https://deploycheck-probe.invalid", "null"}
    (vary,) = by_code(findings, "PR047")  # one finding for the URL, whatever the origin
    assert vary["location"] == {"url": url, "header": "Vary"}
    kinds = {f.origin_kind for f in facts if isinstance(f, CorsProbe)}
    assert kinds == {OriginKind.CONFIGURED, OriginKind.FOREIGN, OriginKind.NULL}


def test_gin_explicit_origins_are_clean(gin: dict[str, int], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{gin['explicit']}/api/orders"
    _, findings, _ = probe(tmp_path, url, "--origin", APP, "--credentials", "--method", "PUT",
                           "--header", "Content-Type: application/json", "--health", "/healthz",
                           "--metrics", "/metrics")
    assert not [f for f in findings if f["category"] in ("cors", "health", "observability")], findings


def test_starlette_defaults_reject_methods_and_headers(starlette_port: int, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{starlette_port}/api/orders"
    _, findings, _ = probe(tmp_path, url, "--origin", APP, "--method", "PUT", "--health", "/health",
                           "--metrics", "/metrics")
    (method,) = by_code(findings, "PR040")
    assert "400 Bad Request" in method["message"] and "Disallowed CORS method" in method["message"]
    assert "allow_methods" in method["fix"]
    assert not by_code(findings, "PR060") and not by_code(findings, "PR063")
    _, header, _ = probe(tmp_path, url, "--origin", APP, "--header", "X-Token: 1")
    assert "Disallowed CORS headers" in by_code(header, "PR040")[0]["message"]


def test_metrics_served_as_html(gin: dict[str, int], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{gin['explicit']}/"
    _, findings, _ = probe(tmp_path, url, "--metrics", "/spa-metrics", "--health", "/nothere")
    (invalid,) = by_code(findings, "PR063")
    assert "text/html, not the Prometheus text format" in invalid["message"]
    assert invalid["location"]["body_line"] == "1"
    (health,) = by_code(findings, "PR060")
    assert "404 Not Found" in health["message"]


# -- connections --------------------------------------------------------------------------------------


def test_refused_reset_empty_and_timeout(listener: dict[str, MisbehavingListener], tmp_path: Path) -> None:
    refused = f"http://127.0.0.1:{free_port()}/"
    reset = f"http://127.0.0.1:{listener['reset'].port}/"
    empty = f"http://127.0.0.1:{listener['close'].port}/"
    silent = f"http://127.0.0.1:{listener['silent'].port}/"
    _, findings, facts = probe(tmp_path, refused, reset, empty, silent, "--timeout", "0.5")
    where = {f["rule"]: [] for f in findings}  # type: dict[str, list[str]]
    for f in findings:
        where[f["rule"]].append(f["location"]["url"])
    assert where == {"PR001": [refused], "PR002": sorted([reset, empty]), "PR003": [silent]}, findings
    kinds = {f.url: f.first.failure.kind for f in facts if type(f).__name__ == "EndpointProbe"}  # type: ignore[attr-defined]
    assert kinds[reset] is FailureKind.RESET and kinds[empty] is FailureKind.EMPTY_REPLY


def test_wrong_scheme_for_the_port(site: Site, gin: dict[str, int], tmp_path: Path) -> None:
    tls_port_over_http = f"http://localhost:{site.modern}/"
    http_port_over_tls = f"https://127.0.0.1:{gin['explicit']}/"
    _, findings, _ = probe(tmp_path, tls_port_over_http, http_port_over_tls)
    (plain,) = by_code(findings, "PR005")
    assert plain["location"]["url"] == tls_port_over_http
    assert "400 The plain HTTP request was sent to HTTPS port" in plain["message"]
    assert codes(findings) == {"PR005", "PR006"}, findings  # nothing else is judged on such ports
    (tls,) = by_code(findings, "PR006")
    assert tls["location"]["url"] == http_port_over_tls
    assert not by_code(findings, "PR007")


# -- --project -----------------------------------------------------------------------------------------


def test_project_names_urls_origins_and_health(gin: dict[str, int], tmp_path: Path) -> None:
    from probe.apps import GIN_CORS

    project = tmp_path / "shop"
    project.mkdir()
    (project / "main.go").write_text(GIN_CORS)
    (project / "Dockerfile").write_text(
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n"
        "FROM scratch\nCOPY --from=build /app /app\nENV MODE=explicit ADDR=:8080\n"
        'ENTRYPOINT ["/app"]\n')
    (project / "compose.yaml").write_text(
        "services:\n"
        "  api:\n"
        "    build: .\n"
        "    ports:\n"
        f'      - "127.0.0.1:{gin["explicit"]}:8080"\n'
        "    healthcheck:\n"
        '      test: ["CMD", "wget", "-qO-", "http://localhost:8080/healthz"]\n'
        "  db:\n"
        "    image: postgres:16\n"
        "    ports:\n"
        '      - "127.0.0.1:5432:5432"\n')
    _, findings, facts = probe(tmp_path, "--project", str(project))
    url = f"http://127.0.0.1:{gin['explicit']}/"
    pages = [f for f in facts if type(f).__name__ == "EndpointProbe"]
    assert [p.url for p in pages] == [url]  # type: ignore[attr-defined]  # the database port is left alone
    cors = [f for f in facts if isinstance(f, CorsProbe) and f.origin_kind is OriginKind.CONFIGURED]
    assert [(c.origin, c.source.path) for c in cors] == [(APP, "main.go")]
    health = [f for f in facts if type(f).__name__ == "HealthProbe"]
    assert [(h.path, h.source.path, h.exchange.status) for h in health] == [  # type: ignore[attr-defined]
        ("/healthz", "compose.yaml", 200)]
    assert not [f for f in findings if f["category"] in ("cors", "health")], findings
