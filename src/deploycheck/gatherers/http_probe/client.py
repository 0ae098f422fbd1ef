"""`HttpClient`: one request per connection (`Connection: close`), under one deadline for connect,
TLS and reply, turned into an `Exchange` whatever happens — DNS through the passed-in resolver,
each address tried in turn, a TLS context that only has to get through (certificates are the TLS
probe's business), the request head as sent, and the reply read by `wire`, with every failure
named by `failures`."""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from deploycheck.gatherers.http_probe.failures import (
    _classify_os,
    _not_http,
    _os_text,
    classify_tls_error,
    reply_failure,
)
from deploycheck.gatherers.http_probe.settings import KEEP_BODY, MAX_HEAD, ClientSettings
from deploycheck.gatherers.http_probe.wire import _Malformed, _Reader, parse_head
from deploycheck.model.probe import Exchange, Failure, FailureKind, Header

_DEFAULT_PORTS = {"http": 80, "https": 443}


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


def _addr(address: tuple[Any, ...]) -> str:
    host, port = address[0], address[1]
    return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"


def _host_header(host: str, port: int, scheme: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if _DEFAULT_PORTS.get(scheme) == port else f"{shown}:{port}"


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 1)
