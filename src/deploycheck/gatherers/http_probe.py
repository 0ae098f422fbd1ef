"""HTTP/1.1 over sockets and `ssl`, recorded faithfully: the network side of `deploycheck probe`.

Why our own client: the checks need what libraries hide — every header line as sent (two
`Access-Control-Allow-Origin` lines must stay two), each redirect as its own exchange, the
exact way a connection fails (refused, reset after accept, empty reply, timeout, plain HTTP on a
TLS port). Every request is bounded: one deadline for connect + TLS + reply, a cap on the
header block and on the body. One request per connection (`Connection: close`).

Traffic goes only to the URLs given; redirects are followed by hand and only on the same host
(another host is recorded, not contacted). Nothing here sends a state-changing request: CORS
"actual" requests are GETs with the same Origin and headers.
"""

from __future__ import annotations

import contextlib
import errno
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from deploycheck import __version__
from deploycheck.model.location import Location
from deploycheck.model.probe import (
    FOREIGN_ORIGIN,
    NOWHERE,
    CorsProbe,
    EndpointProbe,
    Exchange,
    Failure,
    FailureKind,
    Header,
    HealthProbe,
    MetricsProbe,
    OriginKind,
    RedirectOutcome,
    Target,
    TlsProbe,
    TrustKind,
    host_of,
    join_path,
    needs_preflight,
    resolve_url,
    scheme_of,
    with_peers,
)

Resolver = Callable[[str, int], Sequence[tuple[Any, ...]]]

MAX_HEAD = 64 * 1024
MAX_HEADER_LINES = 256
KEEP_BODY = 16 * 1024  # what an Exchange keeps of a body (the metrics parser sees up to max_body)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def system_resolver(host: str, port: int) -> Sequence[tuple[Any, ...]]:
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """Bounds and trust for every request. `resolver` is passed in so tests can fail DNS
    without the network; `ca_file` adds a trust anchor (like curl --cacert)."""

    timeout: float = 5.0
    max_body: int = 4 * 1024 * 1024
    max_redirects: int = 20
    insecure: bool = False
    ca_file: str = ""
    user_agent: str = f"deploycheck/{__version__} (probe)"
    resolver: Resolver = system_resolver


class HttpClient:
    """Sends one request per connection and turns what happens into an `Exchange`."""

    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        # Certificates are the TLS probe's business: this context only has to get through, so it
        # also reaches servers stuck on TLS 1.0 (their problem is reported once, by the TLS rules).
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        ctx.set_alpn_protocols(["http/1.1"])
        self.tls = ctx

    def request(self, url: str, method: str = "GET", headers: Sequence[tuple[str, str]] = (),
                ) -> tuple[Exchange, bytes]:
        """The exchange, and the body bytes read (at most `max_body`)."""
        started = time.perf_counter()
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        try:
            port = parts.port or _DEFAULT_PORTS.get(scheme, 80)
        except ValueError:
            return self._failed(url, method, (), FailureKind.OTHER, "invalid port in URL", started), b""
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host_header = _host_header(host, port, scheme)
        sent = [("Host", host_header), ("User-Agent", self.settings.user_agent), ("Accept", "*/*"),
                ("Accept-Encoding", "identity"), ("Connection", "close")]
        lower = {name.lower() for name, _ in headers}
        sent = [(n, v) for n, v in sent if n.lower() not in lower or n == "Host"] + [
            (n, v) for n, v in headers if n.lower() != "host"]
        if method in ("POST", "PUT", "PATCH") and "content-length" not in lower:
            sent.append(("Content-Length", "0"))
        request_headers = tuple(Header(n, v) for n, v in sent)
        if scheme not in ("http", "https") or not host:
            return self._failed(url, method, request_headers, FailureKind.OTHER,
                                f"not an http(s) URL: {url!r}", started), b""
        deadline = started + self.settings.timeout
        sock, failure = self._connect(host, port, deadline)
        if sock is None:
            assert failure is not None
            return self._done(url, method, request_headers, failure, started), b""
        try:
            if scheme == "https":
                wrapped, failure = self._handshake(sock, host, deadline)
                if wrapped is None:
                    assert failure is not None
                    return self._done(url, method, request_headers, failure, started), b""
                sock = wrapped
            head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in sent) + "\r\n"
            try:
                sock.settimeout(max(0.001, deadline - time.perf_counter()))
                sock.sendall(head.encode("latin-1", "replace"))
            except (ConnectionResetError, BrokenPipeError) as exc:
                return self._done(url, method, request_headers,
                                  Failure(FailureKind.RESET, _os_text(exc)), started), b""
            except TimeoutError:
                return self._done(url, method, request_headers,
                                  Failure(FailureKind.READ_TIMEOUT, "timed out sending the request"),
                                  started), b""
            except OSError as exc:
                return self._done(url, method, request_headers, _classify_os(exc), started), b""
            return self._read_response(sock, url, method, request_headers, deadline, started)
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    # -- connection ------------------------------------------------------------------------------

    def _connect(self, host: str, port: int, deadline: float) -> tuple[socket.socket | None, Failure | None]:
        try:
            infos = self.settings.resolver(host, port)
        except socket.gaierror as exc:
            return None, Failure(FailureKind.DNS, f"{host}: {exc.strerror or exc}")
        except UnicodeError as exc:
            return None, Failure(FailureKind.DNS, f"{host}: {exc}")
        failure: Failure | None = Failure(FailureKind.DNS, f"{host}: no address")
        for family, kind, proto, _, address in infos:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return None, Failure(FailureKind.CONNECT_TIMEOUT, "timed out before connecting")
            sock = socket.socket(family, kind, proto)
            sock.settimeout(remaining)
            try:
                sock.connect(address)
            except ConnectionRefusedError as exc:
                sock.close()
                failure = Failure(FailureKind.REFUSED, f"{_addr(address)}: {_os_text(exc)}")
                continue
            except TimeoutError:
                sock.close()
                failure = Failure(FailureKind.CONNECT_TIMEOUT,
                                  f"{_addr(address)}: no answer to the connection request within "
                                  f"{self.settings.timeout:g} s")
                continue
            except OSError as exc:
                sock.close()
                failure = _classify_os(exc, _addr(address))
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock, None
        return None, failure

    def _handshake(self, sock: socket.socket, host: str, deadline: float,
                   ) -> tuple[socket.socket | None, Failure | None]:
        sock.settimeout(max(0.001, deadline - time.perf_counter()))
        try:
            wrapped = self.tls.wrap_socket(sock, server_hostname=host)
        except ssl.SSLError as exc:
            sock.close()
            return None, classify_tls_error(exc)
        except (ConnectionResetError, BrokenPipeError) as exc:
            sock.close()
            return None, Failure(FailureKind.RESET, f"during the TLS handshake: {_os_text(exc)}")
        except TimeoutError:
            sock.close()
            return None, Failure(FailureKind.READ_TIMEOUT, "the TLS handshake did not finish in time")
        except OSError as exc:
            sock.close()
            return None, _classify_os(exc)
        return wrapped, None

    # -- response --------------------------------------------------------------------------------

    def _read_response(self, sock: socket.socket, url: str, method: str,
                       request_headers: tuple[Header, ...], deadline: float, started: float,
                       ) -> tuple[Exchange, bytes]:
        reader = _Reader(sock, deadline)
        try:
            while True:
                head = reader.read_head(MAX_HEAD)
                if head is None:
                    if not reader.buffer:
                        failure = Failure(FailureKind.EMPTY_REPLY,
                                          "the server accepted the connection and closed it without a reply")
                    else:
                        failure = _not_http(reader.buffer)
                    return self._done(url, method, request_headers, failure, started), b""
                parsed = parse_head(head)
                if parsed is None:
                    return self._done(url, method, request_headers, _not_http(head), started), b""
                version, status, reason, headers = parsed
                if 100 <= status < 200 and status != 101:
                    continue  # interim responses (100 Continue, 103 Early Hints)
                break
            body, truncated = b"", False
            if method != "HEAD" and status not in (204, 304) and not 100 <= status < 200:
                body, truncated = reader.read_body(headers, self.settings.max_body)
        except ConnectionResetError as exc:
            failure = Failure(FailureKind.RESET, _os_text(exc) + (
                " (after part of the reply)" if reader.received else " (before any reply)"))
            return self._done(url, method, request_headers, failure, started), b""
        except TimeoutError:
            what = "the reply stopped" if reader.received else "no reply"
            failure = Failure(FailureKind.READ_TIMEOUT,
                              f"{what} within {self.settings.timeout:g} s of sending the request")
            return self._done(url, method, request_headers, failure, started), b""
        except ssl.SSLError as exc:
            return self._done(url, method, request_headers, classify_tls_error(exc), started), b""
        except OSError as exc:
            return self._done(url, method, request_headers, _classify_os(exc), started), b""
        except _Malformed as exc:
            failure = Failure(FailureKind.MALFORMED, str(exc))
            return self._done(url, method, request_headers, failure, started), b""
        text = body[:KEEP_BODY].decode("utf-8", "replace")
        failure_on_reply = reply_failure(status, text)
        exchange = Exchange(url, method, request_headers, status, reason, headers, text, len(body),
                            truncated or len(body) > KEEP_BODY, _ms(started), failure_on_reply, version)
        return exchange, body

    def _failed(self, url: str, method: str, request_headers: tuple[Header, ...], kind: FailureKind,
                detail: str, started: float) -> Exchange:
        return self._done(url, method, request_headers, Failure(kind, detail), started)

    @staticmethod
    def _done(url: str, method: str, request_headers: tuple[Header, ...], failure: Failure,
              started: float) -> Exchange:
        return Exchange(url, method, request_headers, elapsed_ms=_ms(started), failure=failure)


class _Malformed(Exception):
    pass


class _Reader:
    """Buffered reads from a socket under one deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self.buffer = b""
        self.received = 0
        self.eof = False

    def fill(self) -> bool:
        if self.eof:
            return False
        remaining = self.deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except ssl.SSLZeroReturnError:
            chunk = b""
        except ssl.SSLEOFError:
            chunk = b""  # servers that drop the connection without close_notify
        if not chunk:
            self.eof = True
            return False
        self.buffer += chunk
        self.received += len(chunk)
        return True

    def read_head(self, limit: int) -> bytes | None:
        while True:
            for sep in (b"\r\n\r\n", b"\n\n"):
                index = self.buffer.find(sep)
                if index > limit:
                    raise _Malformed(f"the response header block exceeds {limit // 1024} KiB")
                if index >= 0:
                    head = self.buffer[:index]
                    self.buffer = self.buffer[index + len(sep):]
                    return head
            if len(self.buffer) > limit:
                raise _Malformed(f"the response header block exceeds {limit // 1024} KiB")
            if self.buffer and not self.buffer[:5].upper().startswith(b"HTTP/"[:len(self.buffer[:5])]):
                return None
            if not self.fill():
                return None

    def read_body(self, headers: tuple[Header, ...], limit: int) -> tuple[bytes, bool]:
        encoding = ",".join(h.value for h in headers if h.name.lower() == "transfer-encoding").lower()
        if "chunked" in encoding:
            return self._chunked(limit)
        lengths = {h.value.strip() for h in headers if h.name.lower() == "content-length"}
        if len(lengths) == 1:
            value = next(iter(lengths))
            if not value.isdigit():
                raise _Malformed(f"Content-Length is not a number: {value!r}")
            return self._exact(int(value), limit)
        if len(lengths) > 1:
            raise _Malformed(f"conflicting Content-Length headers: {', '.join(sorted(lengths))}")
        while len(self.buffer) <= limit and self.fill():
            pass
        return self.buffer[:limit], len(self.buffer) > limit

    def _exact(self, length: int, limit: int) -> tuple[bytes, bool]:
        want = min(length, limit + 1)
        while len(self.buffer) < want and self.fill():
            pass
        if len(self.buffer) < min(length, limit):
            raise _Malformed(f"the body ended after {len(self.buffer)} of {length} bytes")
        return self.buffer[:min(length, limit)], length > limit

    def _chunked(self, limit: int) -> tuple[bytes, bool]:
        out = bytearray()
        while True:
            while b"\n" not in self.buffer:
                if len(self.buffer) > 4096:
                    raise _Malformed("a chunk-size line is too long")
                if not self.fill():
                    raise _Malformed("the chunked body ended early")
            line, _, self.buffer = self.buffer.partition(b"\n")
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise _Malformed(f"bad chunk size {size_text[:20]!r}") from None
            if size == 0:
                return bytes(out), False
            while len(self.buffer) < size + 2 and self.fill():
                if len(out) + len(self.buffer) > limit:
                    break
            piece = self.buffer[:size]
            out += piece
            if len(out) > limit:
                return bytes(out[:limit]), True
            if len(piece) < size:
                raise _Malformed("the chunked body ended early")
            self.buffer = self.buffer[size:].removeprefix(b"\r\n").removeprefix(b"\n")


def parse_head(head: bytes) -> tuple[str, int, str, tuple[Header, ...]] | None:
    """Status line and header lines of a response head (CRLF or LF), duplicates kept in order.
    None when it is not an HTTP/1.x response. Shared by the live client and recorded transcripts."""
    lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
    status_line = lines[0].strip()
    version, _, rest = status_line.partition(" ")
    code, _, reason = rest.strip().partition(" ")
    if not version.upper().startswith("HTTP/") or not (code.isdigit() and len(code) == 3):
        return None
    headers: list[Header] = []
    for line in lines[1:]:
        if not line.strip():
            continue
        if line[0] in " \t" and headers:  # obsolete line folding
            last = headers[-1]
            headers[-1] = Header(last.name, f"{last.value} {line.strip()}")
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        headers.append(Header(name.strip(), value.strip()))
        if len(headers) > MAX_HEADER_LINES:
            break
    return version.upper(), int(code), reason.strip(), tuple(headers)


def reply_failure(status: int, body: str) -> Failure | None:
    """nginx and Go answer plain HTTP on a TLS port with a 400 that says so."""
    if status != 400:
        return None
    for line in body.splitlines():
        low = line.lower()
        if "plain http request was sent to https port" in low or "http request to an https server" in low:
            text = re.sub(r"<[^>]+>", " ", line)
            return Failure(FailureKind.HTTP_TO_TLS_PORT, " ".join(text.split())[:200])
    return None


def _not_http(data: bytes) -> Failure:
    if data[:1] in (b"\x15", b"\x16") and data[1:2] == b"\x03":
        return Failure(FailureKind.HTTP_TO_TLS_PORT, "the server answered with a TLS record")
    preview = data[:40].decode("latin-1").encode("unicode_escape").decode("ascii")
    return Failure(FailureKind.MALFORMED, f"not an HTTP/1.x reply: {preview!r}")


def classify_tls_error(exc: ssl.SSLError) -> Failure:
    """Sort OpenSSL's handshake errors the way a person reading curl's output would."""
    reason = (getattr(exc, "reason", None) or "").upper()
    text = str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Failure(FailureKind.TLS_CERTIFICATE, exc.verify_message or text)
    if reason in ("WRONG_VERSION_NUMBER", "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE"):
        return Failure(FailureKind.TLS_TO_HTTP_PORT,
                       f"the server did not answer the TLS handshake with TLS ({reason.lower()})")
    if isinstance(exc, ssl.SSLEOFError) or reason in ("UNEXPECTED_EOF_WHILE_READING",):
        return Failure(FailureKind.EMPTY_REPLY, "the server closed the connection during the TLS handshake")
    if reason in ("UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION", "NO_PROTOCOLS_AVAILABLE",
                  "SSLV3_ALERT_HANDSHAKE_FAILURE", "NO_SHARED_CIPHER", "NO_CIPHERS_AVAILABLE",
                  "TLSV1_ALERT_INSUFFICIENT_SECURITY", "VERSION_TOO_LOW"):
        return Failure(FailureKind.TLS_PROTOCOL, f"no TLS version or cipher in common ({reason.lower()})")
    return Failure(FailureKind.TLS_OTHER, text)


def _classify_os(exc: OSError, where: str = "") -> Failure:
    prefix = f"{where}: " if where else ""
    if exc.errno == errno.ECONNRESET:
        return Failure(FailureKind.RESET, prefix + _os_text(exc))
    if exc.errno == errno.ECONNREFUSED:
        return Failure(FailureKind.REFUSED, prefix + _os_text(exc))
    if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EADDRNOTAVAIL):
        return Failure(FailureKind.UNREACHABLE, prefix + _os_text(exc))
    if exc.errno == errno.ETIMEDOUT:
        return Failure(FailureKind.CONNECT_TIMEOUT, prefix + _os_text(exc))
    return Failure(FailureKind.OTHER, prefix + _os_text(exc))


def _os_text(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _addr(address: tuple[Any, ...]) -> str:
    host, port = address[0], address[1]
    return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"


def _host_header(host: str, port: int, scheme: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if _DEFAULT_PORTS.get(scheme) == port else f"{shown}:{port}"


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 1)


# -- the probes ------------------------------------------------------------------------------------


def fetch_chain(client: HttpClient, url: str, https_url: str = "", source: Location = NOWHERE,
                ) -> EndpointProbe:
    """GET `url` and follow redirects by hand on the same host, recording every hop."""
    hops: list[Exchange] = []
    cookies: dict[str, str] = {}
    current = url
    while True:
        headers = [("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))] if cookies else []
        exchange, _ = client.request(current, "GET", headers)
        hops.append(exchange)
        for value in exchange.values("set-cookie"):
            name, sep, rest = value.partition("=")
            if sep:
                cookies[name.strip()] = rest.split(";", 1)[0].strip()
        outcome = chain_outcome(hops, client.settings.max_redirects)
        target = exchange.redirect_target()
        if outcome is not RedirectOutcome.DONE or target is None or exchange.status is None:
            break
        current = target
    return EndpointProbe(url, tuple(hops), outcome, https_url, source)


def chain_outcome(hops: Sequence[Exchange], max_redirects: int) -> RedirectOutcome:
    """How a chain of hops ends. DONE also means "go on" while the last hop redirects to a new
    URL on the same host within the limit. A URL that comes back is a loop unless the hop set a
    cookie (login flows redirect to themselves once with a new cookie)."""
    last = hops[-1]
    if last.status is None:
        return RedirectOutcome.DONE if len(hops) == 1 else RedirectOutcome.FAILED
    target = last.redirect_target()
    if target is None:
        return RedirectOutcome.DONE
    if host_of(target) != host_of(hops[0].url):
        return RedirectOutcome.OFF_HOST
    if target in {h.url for h in hops} and not last.values("set-cookie"):
        return RedirectOutcome.LOOP
    if len(hops) > max_redirects:
        return RedirectOutcome.TOO_MANY
    return RedirectOutcome.DONE


def cors_probe(client: HttpClient, url: str, origin: str, kind: OriginKind, method: str,
               headers: Sequence[tuple[str, str]], credentials: bool,
               source: Location = NOWHERE) -> CorsProbe:
    """What a browser sends for a cross-origin `method` with `headers` from `origin`: the
    preflight, then the request itself (sent as a GET, so nothing changes on the server)."""
    header_names = [f"{n}: {v}" for n, v in headers]
    requested = sorted({n.lower() for n, v in headers if needs_preflight("GET", [f"{n}: {v}"])})
    pre_headers = [("Origin", origin), ("Access-Control-Request-Method", method.upper())]
    if requested:
        pre_headers.append(("Access-Control-Request-Headers", ",".join(requested)))
    preflight, _ = client.request(url, "OPTIONS", pre_headers)
    actual_headers = [("Origin", origin), *[(n, v) for n, v in headers if n.lower() != "origin"]]
    actual, _ = client.request(url, "GET", actual_headers)
    return CorsProbe(url, origin, kind, method.upper(), tuple(header_names), credentials, preflight,
                     actual, source=source)


def health_probe(client: HttpClient, url: str, path: str, source: Location = NOWHERE) -> HealthProbe:
    exchange, _ = client.request(join_path(url, path), "GET")
    return HealthProbe(url, path, exchange, source)


def metrics_probe(client: HttpClient, url: str, path: str, source: Location = NOWHERE) -> MetricsProbe:
    from deploycheck.gatherers.metrics import metrics_fact

    exchange, body = client.request(join_path(url, path), "GET",
                                    [("Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1")])
    return metrics_fact(url, path, exchange, body, source)


# -- a whole run -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProbeOptions:
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    concurrency: int = 8
    client: ClientSettings = field(default_factory=ClientSettings)
    tls: bool = True
    cors: bool = True


def probe_targets(targets: Sequence[Target], options: ProbeOptions,
                  progress: Callable[[str, int, int], None] | None = None) -> list[object]:
    """Probe every target: TLS once per https host and port, then each URL's HTTP checks.
    Facts come back in target order, whatever order the work finished in."""
    from deploycheck.gatherers.tls_probe import TlsSettings, probe_tls

    client = HttpClient(options.client)
    workers = max(1, min(options.concurrency, 256))
    https_by_host: dict[str, str] = {}
    for t in targets:
        if scheme_of(t.url) == "https":
            https_by_host.setdefault(host_of(t.url), t.url)
    tls_keys: dict[tuple[str, int], Target] = {}
    for t in targets:
        if scheme_of(t.url) == "https" and options.tls:
            parts = urlsplit(t.url)
            try:
                tls_keys.setdefault(((parts.hostname or "").lower(), parts.port or 443), t)
            except ValueError:
                continue
    tls_settings = TlsSettings(timeout=options.client.timeout, ca_file=options.client.ca_file,
                               insecure=options.client.insecure, resolver=options.client.resolver)
    total = len(tls_keys) + len(targets)
    done = 0
    tls_results: dict[tuple[str, int], TlsProbe] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="probe") as pool:
        futures = {key: pool.submit(probe_tls, t.url, tls_settings, t.source)
                   for key, t in tls_keys.items()}
        for key, future in futures.items():
            tls_results[key] = future.result()
            done += 1
            if progress:
                progress("probe", done, total)
        http_futures: list[Future[list[object]]] = [
            pool.submit(_probe_one, client, t, options, https_by_host.get(host_of(t.url), ""),
                        _tls_for(t.url, tls_results)) for t in targets]
        facts: list[object] = list(tls_results.values())
        for http_future in http_futures:
            facts.extend(http_future.result())
            done += 1
            if progress:
                progress("probe", done, total)
    return facts


def _tls_for(url: str, results: dict[tuple[str, int], TlsProbe]) -> TlsProbe | None:
    parts = urlsplit(url)
    try:
        return results.get(((parts.hostname or "").lower(), parts.port or 443))
    except ValueError:
        return None


def _probe_one(client: HttpClient, target: Target, options: ProbeOptions, https_url: str,
               tls: TlsProbe | None) -> list[object]:
    url = target.url
    if (tls is not None and not client.settings.insecure
            and tls.trust.kind not in (TrustKind.OK, TrustKind.NOT_CHECKED)):
        # A verifying client stops here, and so do we unless --insecure: the TLS rules say why.
        stopped = Exchange(url, "GET", failure=Failure(
            FailureKind.TLS_CERTIFICATE, f"{tls.trust.detail}; HTTP checks skipped (--insecure runs them)"))
        return [EndpointProbe(url, (stopped,), RedirectOutcome.DONE, https_url, target.source)]
    facts: list[object] = []
    page = fetch_chain(client, url, https_url if scheme_of(url) == "http" else "", target.source)
    facts.append(page)
    if page.first.failure is not None:
        return facts  # no usable answer: one finding about the connection says it all
    if options.cors:
        facts.extend(with_peers(list(_cors_all(client, target, options))))
    for ref in target.health:
        facts.append(health_probe(client, url, ref.path, ref.source))
    for ref in target.metrics:
        facts.append(metrics_probe(client, url, ref.path, ref.source))
    return facts


def _cors_all(client: HttpClient, target: Target, options: ProbeOptions) -> Iterator[CorsProbe]:
    tried: set[str] = set()
    for origin in target.origins:
        if origin.value in tried:
            continue
        tried.add(origin.value)
        yield cors_probe(client, target.url, origin.value, OriginKind.CONFIGURED, options.method,
                         options.headers, options.credentials, origin.source)
    yield cors_probe(client, target.url, FOREIGN_ORIGIN, OriginKind.FOREIGN, options.method,
                     options.headers, True)
    yield cors_probe(client, target.url, "null", OriginKind.NULL, options.method, options.headers, True)


__all__ = ["ClientSettings", "HttpClient", "ProbeOptions", "chain_outcome", "classify_tls_error",
           "cors_probe", "fetch_chain", "health_probe", "metrics_probe", "parse_head", "probe_targets",
           "reply_failure",
           "resolve_url"]
