"""The HTTP client against canned servers on 127.0.0.1: what arrives is recorded faithfully, and
every request is bounded in time and size."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from deploycheck.gatherers.http_probe import ClientSettings, HttpClient, cors_probe, fetch_chain
from deploycheck.model.probe import FailureKind, OriginKind, RedirectOutcome

pytestmark = pytest.mark.server

Reply = Callable[[socket.socket, bytes], None]


@contextlib.contextmanager
def canned(reply: Reply) -> Iterator[int]:
    """A server that reads one request head per connection and answers with `reply`."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(3)
                data = b""
                with contextlib.suppress(OSError):
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                with contextlib.suppress(OSError):
                    reply(conn, data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()


def send(raw: bytes) -> Reply:
    return lambda conn, _: conn.sendall(raw)


def client(**kw: object) -> HttpClient:
    return HttpClient(ClientSettings(**{"timeout": 2.0, **kw}))  # type: ignore[arg-type]


def test_duplicate_headers_are_kept_as_separate_lines() -> None:
    raw = (b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\naccess-control-allow-origin: *\r\n"
           b"Vary: Origin\r\nContent-Length: 2\r\n\r\n[]")
    with canned(send(raw)) as port:
        exchange, body = client().request(f"http://127.0.0.1:{port}/x", "GET", [("Origin", "https://a.example")])
    assert exchange.values("Access-Control-Allow-Origin") == ("*", "*")
    assert body == b"[]" and exchange.body == "[]" and not exchange.truncated
    assert exchange.request_value("origin") == "https://a.example"
    assert exchange.request_value("host") == f"127.0.0.1:{port}"


def test_request_carries_what_a_browser_sends_for_cors() -> None:
    seen: list[bytes] = []

    def record(conn: socket.socket, request: bytes) -> None:
        seen.append(request)
        conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")

    with canned(record) as port:
        probe = cors_probe(client(), f"http://127.0.0.1:{port}/api", "https://app.example.com",
                           OriginKind.CONFIGURED, "put",
                           [("Content-Type", "application/json"), ("X-Trace", "1")], credentials=True)
    preflight, actual = seen
    assert preflight.startswith(b"OPTIONS /api HTTP/1.1\r\n")
    assert b"\r\nAccess-Control-Request-Method: PUT\r\n" in preflight
    assert b"\r\nAccess-Control-Request-Headers: content-type,x-trace\r\n" in preflight
    assert b"X-Trace" not in preflight.split(b"Access-Control-Request-Headers")[0]
    assert actual.startswith(b"GET /api HTTP/1.1\r\n")  # never the state-changing method itself
    assert b"\r\nX-Trace: 1\r\n" in actual
    assert probe.preflight_required and probe.method == "PUT"


def test_chunked_body_with_extensions() -> None:
    raw = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"4;ext=1\r\nup 1\r\n1\r\n\n\r\n0\r\n\r\n")
    with canned(send(raw)) as port:
        exchange, body = client().request(f"http://127.0.0.1:{port}/metrics")
    assert body == b"up 1\n" and exchange.body_bytes == 5


def test_interim_responses_are_skipped() -> None:
    raw = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    with canned(send(raw)) as port:
        exchange, _ = client().request(f"http://127.0.0.1:{port}/")
    assert exchange.status == 200 and exchange.body == "ok"


def test_body_is_bounded() -> None:
    big = b"x" * (8 * 1024 * 1024)
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(big) + big
    with canned(send(raw)) as port:
        started = time.perf_counter()
        exchange, body = client(max_body=65536).request(f"http://127.0.0.1:{port}/")
    assert len(body) == 65536 and exchange.truncated
    assert len(exchange.body) <= 16 * 1024
    assert time.perf_counter() - started < 2


def test_endless_body_without_length_is_bounded() -> None:
    def flood(conn: socket.socket, _: bytes) -> None:
        conn.sendall(b"HTTP/1.0 200 OK\r\n\r\n")
        for _ in range(2000):
            conn.sendall(b"y" * 65536)

    with canned(flood) as port:
        exchange, body = client(max_body=100_000).request(f"http://127.0.0.1:{port}/")
    assert len(body) == 100_000 and exchange.truncated


def test_huge_header_block_is_refused() -> None:
    raw = b"HTTP/1.1 200 OK\r\n" + b"X-Pad: " + b"p" * 100_000 + b"\r\n\r\n"
    with canned(send(raw)) as port:
        exchange, _ = client().request(f"http://127.0.0.1:{port}/")
    assert exchange.failure is not None and exchange.failure.kind is FailureKind.MALFORMED
    assert "64 KiB" in exchange.failure.detail


def test_a_reply_that_stops_hits_the_deadline() -> None:
    def drip(conn: socket.socket, _: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
        time.sleep(1.5)

    with canned(drip) as port:
        started = time.perf_counter()
        exchange, _ = client(timeout=0.5).request(f"http://127.0.0.1:{port}/")
        elapsed = time.perf_counter() - started
    assert exchange.failure is not None and exchange.failure.kind is FailureKind.READ_TIMEOUT
    assert "the reply stopped" in exchange.failure.detail
    assert elapsed < 1.2


def test_other_protocols_are_named() -> None:
    with canned(send(b"SSH-2.0-OpenSSH_9.2p1 Debian\r\n")) as port:
        exchange, _ = client().request(f"http://127.0.0.1:{port}/")
    assert exchange.failure is not None and exchange.failure.kind is FailureKind.MALFORMED
    assert "SSH-2.0" in exchange.failure.detail


def test_dns_failure_comes_from_the_resolver_passed_in() -> None:
    def no_such_host(host: str, port: int) -> list[tuple[object, ...]]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    exchange, _ = client(resolver=no_such_host).request("https://api.example.invalid/")
    assert exchange.failure is not None and exchange.failure.kind is FailureKind.DNS
    assert exchange.failure.detail == "api.example.invalid: Name or service not known"


def test_connect_timeout_when_the_backlog_is_full() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)  # never accepted: once the queue is full, further SYNs are dropped
    port = int(server.getsockname()[1])
    fillers = []
    try:
        for _ in range(8):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            fillers.append(s)
        time.sleep(0.1)
        exchange, _ = client(timeout=0.5).request(f"http://127.0.0.1:{port}/")
    finally:
        for s in fillers:
            s.close()
        server.close()
    assert exchange.failure is not None
    assert exchange.failure.kind in (FailureKind.CONNECT_TIMEOUT, FailureKind.READ_TIMEOUT)


def test_redirects_to_other_hosts_are_not_followed() -> None:
    with canned(send(b"HTTP/1.1 302 Found\r\nLocation: https://elsewhere.example/\r\n\r\n")) as port:
        chain = fetch_chain(client(), f"http://127.0.0.1:{port}/")
    assert chain.outcome is RedirectOutcome.OFF_HOST and len(chain.hops) == 1


def test_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    server = socket.socket(socket.AF_INET6)
    try:
        server.bind(("::1", 0))
    except OSError:
        pytest.skip("::1 is not configured")
    server.listen(1)
    port = server.getsockname()[1]

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nv6")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        exchange, _ = client().request(f"http://[::1]:{port}/")
    finally:
        thread.join(timeout=2)
        server.close()
    assert exchange.status == 200 and exchange.request_value("host") == f"[::1]:{port}"
