"""The probe rules on recorded facts: exact places and messages, and the pieces they stand on
(the browser's CORS check, preflight need, HSTS, host matching, redirect outcomes, parsing)."""

from __future__ import annotations

import json
import os
import struct
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.engine.config import Config
from deploycheck.engine.live import run_on_facts
from deploycheck.gatherers.http_probe import chain_outcome, parse_head, reply_failure
from deploycheck.gatherers.metrics import metrics_fact, parse_exposition
from deploycheck.gatherers.tls_probe import (
    WEAK_SUITES,
    classify_verify_error,
    client_hello,
    parse_server_hello,
)
from deploycheck.model import Location, Severity
from deploycheck.model.probe import (
    Certificate,
    CorsProbe,
    EndpointProbe,
    Exchange,
    Failure,
    FailureKind,
    Header,
    OriginKind,
    RedirectOutcome,
    Target,
    TlsProbe,
    TrustKind,
    fact_from_dict,
    fact_to_dict,
    join_path,
    merge_targets,
    needs_preflight,
    normalize_origin,
)
from deploycheck.rules.probe._common import cors_check, hsts_of
from examples_probe import facts_from_json, facts_from_transcript

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "rules")


def fixture(*parts: str) -> str:
    with open(os.path.join(FIXTURES, *parts), encoding="utf-8") as fh:
        return fh.read()


def findings(facts: list[object], code: str, **options: object) -> list[object]:
    cfg = Config(select=(code,), rule_options=((code, tuple(options.items())),) if options else ())
    return list(run_on_facts("probe", "test", facts, cfg).findings)


def transcript(text: str) -> list[object]:
    return facts_from_transcript("t.http", text)


def ex(url: str = "https://api.example.com/x", status: int | None = 200, **headers: str) -> Exchange:
    return Exchange(url, "GET", (), status, "OK",
                    tuple(Header(k.replace("_", "-"), v) for k, v in headers.items()))


# -- CORS -----------------------------------------------------------------------------------------


def test_cors_check_follows_the_fetch_standard() -> None:
    origin = "https://app.example.com"
    assert cors_check(ex(**{"Access_Control_Allow_Origin": "*"}), origin, False) is None
    assert cors_check(ex(**{"Access_Control_Allow_Origin": "*"}), origin, True).kind == "wildcard-credentials"  # type: ignore[union-attr]
    assert cors_check(ex(), origin, False).kind == "missing"  # type: ignore[union-attr]
    assert cors_check(ex(**{"Access_Control_Allow_Origin": origin + "/"}), origin, False).kind == "mismatch"  # type: ignore[union-attr]
    reflected = ex(**{"Access_Control_Allow_Origin": origin})
    assert cors_check(reflected, origin, False) is None
    verdict = cors_check(reflected, origin, True)
    assert verdict is not None and verdict.kind == "credentials-flag"
    assert "is '' which must be 'true'" in verdict.browser_error
    two = Exchange("u", headers=(Header("Access-Control-Allow-Origin", "*"),
                                 Header("access-control-allow-origin", "*")), status=200)
    verdict = cors_check(two, origin, False)
    assert verdict is not None and verdict.kind == "multiple"
    assert "multiple values '*, *'" in verdict.browser_error


@pytest.mark.parametrize(("method", "headers", "needed"), [
    ("GET", [], False),
    ("POST", ["Content-Type: text/plain"], False),
    ("POST", ["Content-Type: application/json"], True),
    ("POST", ["content-type: multipart/form-data; boundary=x"], False),
    ("GET", ["Authorization: Bearer x"], True),
    ("PUT", [], True),
    ("get", ["Accept-Language: de"], False),
])
def test_preflight_need(method: str, headers: list[str], needed: bool) -> None:
    assert needs_preflight(method, headers) is needed


def test_preflight_rejected_message_names_the_request_and_the_browser_error() -> None:
    facts = facts_from_json("x.probe.json", "[]") + transcript(fixture("PR040", "bad", "api.http"))
    (found,) = findings(facts, "PR040")
    want = (("url", "http://api.example.com/api/orders"), ("origin", "https://app.example.com"),
            ("request", "preflight"))
    assert found.location == Location(extra=want)  # type: ignore[attr-defined]
    assert found.message == (  # type: ignore[attr-defined]
        "OPTIONS http://api.example.com/api/orders (Origin: https://app.example.com, "
        "Access-Control-Request-Method: POST) answers 404 Not Found (\"404 page not found\"): browsers say "
        "'Response to preflight request doesn't pass access control check: It does not have HTTP ok "
        "status.' and never send the POST request")
    assert found.severity is Severity.ERROR  # type: ignore[attr-defined]
    assert "register the CORS middleware on the engine" in found.fix  # type: ignore[attr-defined]


def test_origin_source_from_the_project_becomes_related() -> None:
    source = Location("main.go", 14, 22)
    probe = CorsProbe("https://api.example.com/", "https://app.example.com", OriginKind.CONFIGURED, "GET",
                      actual=ex("https://api.example.com/"), source=source)
    (found,) = findings([probe], "PR042")
    assert [(r.location, r.message) for r in found.related] == [  # type: ignore[attr-defined]
        (source, "the origin https://app.example.com comes from here")]


def test_duplicate_wildcards_are_reported_once_per_url() -> None:
    text = "\n###\n".join(
        f"GET /api HTTP/1.1\nHost: a.example.com\nOrigin: {o}\n\nHTTP/1.1 200 OK\n"
        "Access-Control-Allow-Origin: *\nAccess-Control-Allow-Origin: *\n\n[]"
        for o in ("https://app.example.com", "https://deploycheck-probe.invalid", "null"))
    found = findings(transcript(text), "PR043")
    assert len(found) == 1


def test_reflection_without_vary_is_one_finding_per_url() -> None:
    bad = fixture("PR047", "bad", "api.http")
    (found,) = findings(transcript(bad), "PR047")
    assert found.location == Location(extra=(("url", "http://api.example.com/api/catalog"),  # type: ignore[attr-defined]
                                             ("header", "Vary")))
    assert "https://admin.example.com got 'https://admin.example.com'" in found.message  # type: ignore[attr-defined]


def test_foreign_origin_needs_credentials_to_matter() -> None:
    base = ("GET /me HTTP/1.1\nHost: a.example.com\nOrigin: https://deploycheck-probe.invalid\n\n"
            "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://deploycheck-probe.invalid\n")
    assert not findings(transcript(base + "\n{}"), "PR046")
    (found,) = findings(transcript(base + "Access-Control-Allow-Credentials: true\n\n{}"), "PR046")
    assert "any website can read" in found.message  # type: ignore[attr-defined]


def test_header_not_allowed_lists_every_missing_header() -> None:
    probe = CorsProbe("https://api.example.com/", "https://app.example.com", OriginKind.CONFIGURED, "POST",
                      ("Authorization: Bearer t", "X-Trace: 1", "Content-Type: application/json"),
                      preflight=ex("https://api.example.com/", 204, Access_Control_Allow_Origin="https://app.example.com",
                                   Access_Control_Allow_Headers="*"))
    (found,) = findings([probe], "PR049")
    # '*' covers X-Trace and Content-Type without credentials, never Authorization.
    assert "Request header field authorization is not allowed" in found.message  # type: ignore[attr-defined]
    assert "also" not in found.message  # type: ignore[attr-defined]


# -- TLS --------------------------------------------------------------------------------------------


def cert(**fields: object) -> Certificate:
    base: dict[str, object] = {
        "subject": "CN=example.com", "issuer": "CN=CA", "not_before": "2025-01-01T00:00:00+00:00",
        "not_after": "2026-01-01T00:00:00+00:00", "common_name": "example.com",
        "sans": ("DNS:example.com",), "key_type": "EC", "key_bits": 256}
    base.update(fields)
    return Certificate(**base)  # type: ignore[arg-type]


def tls(*certs: Certificate, at: str = "2025-06-01T00:00:00+00:00", host: str = "example.com",
        **fields: object) -> TlsProbe:
    return TlsProbe(f"https://{host}/", host, 443, at, certificates=certs, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("sans", "host", "matches"), [
    (("DNS:*.example.com",), "api.example.com", True),
    (("DNS:*.example.com",), "example.com", False),
    (("DNS:*.example.com",), "a.b.example.com", False),
    (("DNS:Example.COM",), "example.com.", True),
    (("IP:127.0.0.1",), "127.0.0.1", True),
    (("DNS:127.0.0.1",), "127.0.0.1", False),
    (("IP:::1",), "[::1]", True),
    ((), "example.com", True),  # no SANs: the common name, as old clients do
])
def test_hostname_matching(sans: tuple[str, ...], host: str, matches: bool) -> None:
    assert cert(sans=sans).matches_host(host) is matches


def test_expiry_uses_the_time_of_the_check_and_the_warning_period() -> None:
    soon = tls(cert(not_after="2025-06-20T00:00:00+00:00"))
    assert not findings([soon], "PR010")
    (warned,) = findings([soon], "PR011")
    assert "in 19 day(s) (warning at 30)" in warned.message  # type: ignore[attr-defined]
    assert warned.location.extra == (("url", "https://example.com/"), ("certificate", "leaf"),  # type: ignore[attr-defined]
                                     ("field", "notAfter"))
    assert not findings([soon], "PR011", **{"warn-days": 10})
    gone = tls(cert(not_after="2025-05-01T00:00:00+00:00"))
    (expired,) = findings([gone], "PR010")
    assert "expired on 2025-05-01, 31 day(s) before this check" in expired.message  # type: ignore[attr-defined]
    early = tls(cert(not_before="2025-07-01T00:00:00+00:00"))
    (future,) = findings([early], "PR010")
    assert "not yet valid" in future.message and future.location.extra[-1] == ("field", "notBefore")  # type: ignore[attr-defined]


def test_failed_tls_probe_stays_quiet() -> None:
    failed = tls(cert(not_after="2020-01-01T00:00:00+00:00", key_bits=512),
                 failure=Failure(FailureKind.REFUSED, "Connection refused"))
    for code in ("PR010", "PR013", "PR016", "PR017", "PR020", "PR021", "PR022"):
        assert not findings([failed], code), code


def test_verify_codes_are_classified_as_curl_reports_them() -> None:
    leaf, intermediate = cert(), cert(subject="CN=CA", issuer="CN=Root", is_ca=True)
    assert classify_verify_error(20, "x", [leaf]).kind is TrustKind.INCOMPLETE_CHAIN
    assert classify_verify_error(20, "x", [leaf, intermediate]).kind is TrustKind.UNKNOWN_CA
    assert classify_verify_error(19, "x", [leaf, intermediate]).kind is TrustKind.UNKNOWN_CA
    assert classify_verify_error(18, "x", [leaf]).kind is TrustKind.SELF_SIGNED
    assert classify_verify_error(10, "x", [leaf]).kind is TrustKind.EXPIRED
    assert classify_verify_error(62, "x", [leaf]).kind is TrustKind.HOSTNAME
    assert classify_verify_error(26, "unsupported certificate purpose", [leaf]).kind is TrustKind.OTHER


def test_skipped_http_checks_are_said_unless_insecure() -> None:
    probe = tls(cert(), trust=__import__("deploycheck.model.probe", fromlist=["TrustResult"]).TrustResult(
        TrustKind.INCOMPLETE_CHAIN, 20, "unable to get local issuer certificate"))
    (found,) = findings([probe], "PR013")
    assert "HTTP checks of this URL were skipped" in found.message  # type: ignore[attr-defined]
    from dataclasses import replace

    (insecure,) = findings([replace(probe, insecure=True)], "PR013")
    assert "--insecure: the HTTP checks ran anyway" in insecure.message  # type: ignore[attr-defined]


def test_client_hello_is_a_tls_record_and_server_hello_is_read() -> None:
    hello = client_hello(0x0303, list(WEAK_SUITES), "localhost")
    assert hello[:3] == b"\x16\x03\x01" and struct.unpack("!H", hello[3:5])[0] == len(hello) - 5
    assert hello[5] == 0x01  # ClientHello
    assert b"localhost" in hello
    assert client_hello(0x0303, [0x000A], None).count(b"localhost") == 0
    body = b"\x03\x03" + b"r" * 32 + b"\x20" + b"s" * 32 + b"\x00\x0a" + b"\x00"
    handshake = b"\x02" + struct.pack("!I", len(body))[1:] + body
    record = b"\x16\x03\x03" + struct.pack("!H", len(handshake)) + handshake
    assert parse_server_hello(record) == (0x0303, 0x000A)
    assert parse_server_hello(b"\x15\x03\x03\x00\x02\x02\x28") is None  # alert: handshake_failure
    assert parse_server_hello(b"") is None


# -- HSTS and redirects -----------------------------------------------------------------------------


def test_hsts_parsing() -> None:
    got = hsts_of(ex(Strict_Transport_Security='max-age="600"; includeSubDomains; preload'))
    assert got is not None and got.max_age == 600 and got.include_subdomains
    assert hsts_of(ex(Strict_Transport_Security="includeSubDomains")).max_age is None  # type: ignore[union-attr]
    assert hsts_of(ex()) is None


def test_short_max_age_option() -> None:
    hop = ex("https://e.example/", Strict_Transport_Security="max-age=86400")
    page = EndpointProbe("https://e.example/", (hop,))
    (short,) = findings([page], "PR031")
    assert "max-age=86400 (1.0 days" in short.message  # type: ignore[attr-defined]
    assert not findings([page], "PR031", **{"min-max-age": 3600})


def test_chain_outcomes() -> None:
    def hop(url: str, location: str | None, cookie: bool = False) -> Exchange:
        headers = ((Header("Location", location),) if location else ()) + (
            (Header("Set-Cookie", "s=1"),) if cookie else ())
        return Exchange(url, status=302 if location else 200, headers=headers)

    assert chain_outcome([hop("https://a/", "/")], 20) is RedirectOutcome.LOOP
    assert chain_outcome([hop("https://a/", "/", cookie=True)], 20) is RedirectOutcome.DONE
    assert chain_outcome([hop("https://a/", "https://b/")], 20) is RedirectOutcome.OFF_HOST
    many = [hop(f"https://a/{i}", f"/{i + 1}") for i in range(4)]
    assert chain_outcome(many, 3) is RedirectOutcome.TOO_MANY
    failed = [hop("https://a/", "/x"), Exchange("https://a/x", failure=Failure(FailureKind.RESET))]
    assert chain_outcome(failed, 20) is RedirectOutcome.FAILED


def test_downgrade_points_at_the_redirecting_hop() -> None:
    bad = fixture("PR035", "bad", "api.http")
    (found,) = findings(transcript(bad), "PR035")
    assert found.location.extra == (("url", "https://api.example.com/items"), ("header", "Location"))  # type: ignore[attr-defined]
    assert "answers 307 with Location: http://api.example.com/items/" in found.message  # type: ignore[attr-defined]


# -- parsing ------------------------------------------------------------------------------------------


def test_parse_head_keeps_duplicates_in_order_and_folds() -> None:
    parsed = parse_head(b"HTTP/1.1 200 OK\r\nA: 1\r\nB: x\r\n  y\r\na: 2\r\nbroken line\r\n")
    assert parsed is not None
    version, status, reason, headers = parsed
    assert (version, status, reason) == ("HTTP/1.1", 200, "OK")
    assert headers == (Header("A", "1"), Header("B", "x y"), Header("a", "2"))
    assert parse_head(b"SSH-2.0-OpenSSH_9.2p1") is None
    assert parse_head(b"HTTP/1.1 2000 OK") is None


def test_plain_http_on_a_tls_port_is_recognised() -> None:
    nginx = "<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n"
    failure = reply_failure(400, nginx)
    assert failure is not None and failure.detail == "400 The plain HTTP request was sent to HTTPS port"
    assert reply_failure(400, "Client sent an HTTP request to an HTTPS server.\n") is not None
    assert reply_failure(200, nginx) is None and reply_failure(400, "bad json") is None


def test_metrics_parser_names_the_first_bad_line() -> None:
    _, _, error, line = parse_exposition(
        "# HELP a_total x\n# TYPE a_total counter\na_total 1\nb{x=\"1\" 2\n")
    assert error and line == 4
    assert parse_exposition("# TYPE up gauge\nup 1\nup{job=\"x\"} 0\n")[:3] == (1, 2, "")
    page = Exchange("http://h/metrics", status=200, headers=(Header("Content-Type", "application/json"),))
    fact = metrics_fact("http://h/", "/metrics", page, b'{"requests": 3}')
    assert fact.error.startswith("the body is application/json, not the Prometheus text format")
    missing = Exchange("http://h/metrics", status=404)
    assert metrics_fact("http://h/", "/metrics", missing, b"x").error == ""


def test_targets_merge_and_paths_join() -> None:
    a = Target("http://h:1/", health=(), metrics=())
    merged = merge_targets([a, Target("http://h:1/", (), ()), Target("http://h:2/")])
    assert [t.url for t in merged] == ["http://h:1/", "http://h:2/"]
    assert join_path("https://h:8443/api/orders?x=1", "/healthz") == "https://h:8443/healthz"
    assert normalize_origin("HTTPS://App.Example.com/") == "https://app.example.com"
    assert normalize_origin("null") == "null"


# -- the JSON form ------------------------------------------------------------------------------------


def test_every_fixture_loads_and_round_trips() -> None:
    for code in sorted(os.listdir(FIXTURES)):
        if not code.startswith("PR"):
            continue
        for folder, _, names in os.walk(os.path.join(FIXTURES, code)):
            for name in names:
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    text = fh.read()
                facts = facts_from_json(name, text) if name.endswith(".probe.json") else transcript(text)
                assert facts, f"{code}/{name} holds no fact"
                for fact in facts:
                    assert fact_from_dict(json.loads(json.dumps(fact_to_dict(fact)))) == fact


def test_unknown_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown fact type"):
        fact_from_dict({"Nope": {}})
    with pytest.raises(ValueError, match="unknown field"):
        fact_from_dict({"HealthProbe": {"url": "u", "path": "/", "exchange": {"url": "u"}, "bogus": 1}})


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
_headers = st.lists(st.builds(Header, _text, _text), max_size=4).map(tuple)
_exchanges = st.builds(
    Exchange, _text, st.sampled_from(["GET", "OPTIONS"]), _headers, st.none() | st.integers(100, 599),
    _text, _headers, _text, st.integers(0, 10**6), st.booleans(), st.floats(0, 1e5, allow_nan=False),
    st.none() | st.builds(Failure, st.sampled_from(list(FailureKind)), _text))


@settings(max_examples=60, deadline=None)
@given(_exchanges, st.sampled_from(list(OriginKind)), st.booleans())
def test_json_round_trip_property(exchange: Exchange, kind: OriginKind, credentials: bool) -> None:
    probe = CorsProbe(exchange.url, "https://o.example", kind, "PUT", ("X-A: 1",), credentials, exchange,
                      exchange, (("null", "*"),), Location("compose.yaml", 3, 7))
    assert fact_from_dict(json.loads(json.dumps(fact_to_dict(probe)))) == probe


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_transcript_loader_never_crashes_unexpectedly(text: str) -> None:
    try:
        facts = transcript(text)
    except ValueError:
        return  # a transcript whose response is not HTTP is refused with a message
    for fact in facts:
        for code in ("PR001", "PR030", "PR040", "PR043", "PR047", "PR060", "PR063", "PR072"):
            findings([fact], code)


def test_time_is_parsed_with_a_zone() -> None:
    probe = tls(cert(), at="2025-06-01T00:00:00Z")
    assert probe.at == datetime(2025, 6, 1, tzinfo=UTC)
