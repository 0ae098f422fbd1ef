"""What a container's network really does, seen from the host, needing nothing in the image.

- Listening sockets: the kernel's tables `/proc/PID/net/tcp`, `tcp6`, `udp`, `udp6` of the
  container's main process list every socket of its network namespace (what `ss -ltn` would
  show inside it), so a scratch image without `ss` or `netstat` is no obstacle. Reading them
  needs the engine on this machine and permission to read the process's /proc entry; the PID
  is checked against the container's cgroup so that a PID from another PID namespace (Docker
  Desktop's VM) is never mistaken for the container.
- Connections: a real TCP connection from the host to each published port on loopback,
  classified as refused, reset (accepted then closed before any byte: Docker's proxy finding
  nothing behind the port), timeout or answered (with the first line of the answer).
"""

from __future__ import annotations

import errno
import os
import socket
import time
from collections.abc import Iterable, Mapping

from deploycheck.model.containers import Connection, ListeningSocket, PublishedPort, SocketTable

_TCP_LISTEN = "0A"
_UDP_UNCONN = "07"
# Ports whose protocol waits for the client's first message and would log an HTTP request as
# garbage: only the connection itself is tested there.
_CLIENT_FIRST = frozenset(
    {
        5432,
        3306,
        6379,
        27017,
        5672,
        9092,
        11211,
        2181,
        9042,
        1433,
        1521,
        4222,
        6380,
        5433,
        26257,
        7687,
        9200,
        9300,
        8086,
    }
)


def _hex_address(text: str) -> str:
    """`0100007F` -> 127.0.0.1; `00000000000000000000000000000000` -> ::; mapped IPv4 kept."""
    raw = bytes.fromhex(text)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # /proc prints IPv6 as four host-order 32-bit words.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)


def parse_proc_net(text: str, protocol: str) -> list[ListeningSocket]:
    """Listening sockets of one /proc/net table (`protocol` "tcp" or "udp"). Never raises."""
    out: list[ListeningSocket] = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 4:
            continue
        local, state = fields[1], fields[3]
        if (protocol == "tcp" and state != _TCP_LISTEN) or (protocol == "udp" and state != _UDP_UNCONN):
            continue
        host, _, port = local.rpartition(":")
        try:
            address = _hex_address(host)
            number = int(port, 16)
        except (ValueError, OSError):
            continue
        out.append(ListeningSocket(protocol, address, number))
    return out


def socket_table(tables: Mapping[str, str], source: str) -> SocketTable:
    """A table from the raw texts of `tcp`, `tcp6`, `udp`, `udp6` (any subset)."""
    found: dict[tuple[str, str, int], ListeningSocket] = {}
    for name, text in sorted(tables.items()):
        for sock in parse_proc_net(text, "udp" if name.startswith("udp") else "tcp"):
            found.setdefault((sock.protocol, sock.address, sock.port), sock)
    return SocketTable(tuple(sorted(found.values(), key=lambda s: (s.protocol, s.port, s.address))), source)


def _is_container_pid(pid: int, container_id: str, proc: str) -> bool:
    """Whether PID (as the engine reports it) is this container's process in *our* /proc."""
    try:
        with open(f"{proc}/{pid}/cgroup", encoding="utf-8", errors="replace") as fh:
            if container_id in fh.read():
                return True
    except OSError:
        return False
    try:
        # cgroup namespaces or unusual drivers: a network namespace other than ours is the
        # next best proof that this is not a process of the host's own network.
        return os.readlink(f"{proc}/{pid}/ns/net") != os.readlink(f"{proc}/self/ns/net")
    except OSError:
        return False


def read_proc_tables(pid: int, container_id: str, proc: str = "/proc") -> tuple[dict[str, str], str, str]:
    """The raw socket tables of the container's namespace: (tables, source, note when none)."""
    if pid <= 0:
        return {}, "", "the container has no running process"
    if not os.path.isdir(proc):
        return {}, "", f"{proc} is not available on this machine (the engine runs elsewhere)"
    if not _is_container_pid(pid, container_id, proc):
        return (
            {},
            "",
            (
                f"PID {pid} from the engine is not this container's process here (the engine "
                "runs in a VM or another PID namespace)"
            ),
        )
    tables: dict[str, str] = {}
    names = []
    for name in ("tcp", "tcp6", "udp", "udp6"):
        path = f"{proc}/{pid}/net/{name}"
        try:
            with open(path, encoding="ascii", errors="replace") as fh:
                tables[name] = fh.read()
            names.append(path)
        except FileNotFoundError:
            continue  # no IPv6 in the kernel
        except OSError as exc:
            return (
                {},
                "",
                f"cannot read {path}: {exc.strerror or exc} (run as root, or as the containers' user)",
            )
    if not tables:
        return {}, "", f"no socket tables under {proc}/{pid}/net"
    return tables, ", ".join(names), ""


# -- connections -------------------------------------------------------------------------------


def _loopback_target(port: PublishedPort) -> tuple[str, int] | None:
    """Where on this machine the published port answers, or None for bindings we must not
    test (a specific non-loopback host address)."""
    ip = port.host_ip
    if port.protocol != "tcp" or not port.host_port:
        return None
    if ip in ("", "0.0.0.0") or ip.startswith("127."):
        return ("127.0.0.1" if not ip.startswith("127.") else ip), port.host_port
    if ip in ("::", "::1"):
        return "::1", port.host_port
    return None


def _first_line(data: bytes) -> str:
    text = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    return text[:120]


def connect(
    port: PublishedPort, connect_timeout: float = 1.0, read_timeout: float = 1.5
) -> Connection | None:
    """Open one TCP connection to the published port on loopback and classify what happens."""
    target = _loopback_target(port)
    if target is None:
        return None
    host, number = target
    label = f"[{host}]:{number}" if ":" in host else f"{host}:{number}"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    started = time.monotonic()

    def done(outcome: str, detail: str = "") -> Connection:
        return Connection(port, label, outcome, detail, int((time.monotonic() - started) * 1000))

    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(connect_timeout)
        try:
            sock.connect((host, number))
        except ConnectionRefusedError:
            return done("refused")
        except ConnectionResetError:
            # The listener accepted and reset at once, before connect() returned (a race on
            # loopback): the same outcome as a reset right after the handshake.
            return done("reset", "reset by the peer before any byte")
        except TimeoutError:
            return done("timeout", f"connect did not complete within {connect_timeout:g} s")
        except OSError as exc:
            return done("error", exc.strerror or str(exc))
        # Servers that speak first (SSH, SMTP, MySQL) answer now; Docker's proxy closes now
        # when nothing listens behind it.
        sock.settimeout(0.3)
        try:
            data = sock.recv(256)
            return (
                done("answered", _first_line(data))
                if data
                else done("reset", "closed by the peer before any byte")
            )
        except TimeoutError:
            pass
        except ConnectionResetError:
            return done("reset", "reset by the peer before any byte")
        except OSError as exc:
            return done("error", exc.strerror or str(exc))
        if port.container_port in _CLIENT_FIRST:
            return done("answered", "connection accepted and held open (the protocol waits for the client)")
        sock.settimeout(read_timeout)
        try:
            sock.sendall(
                b"HEAD / HTTP/1.0\r\nHost: " + host.encode() + b"\r\nUser-Agent: deploycheck\r\n\r\n"
            )
            data = sock.recv(256)
        except TimeoutError:
            return done("timeout", f"connected, but no answer to an HTTP request within {read_timeout:g} s")
        except OSError as exc:
            if exc.errno in (errno.ECONNRESET, errno.EPIPE):
                return done("reset", "reset by the peer before any byte")
            return done("error", exc.strerror or str(exc))
        return (
            done("answered", _first_line(data))
            if data
            else done("reset", "closed by the peer before any byte")
        )
    finally:
        sock.close()


def connect_all(ports: Iterable[PublishedPort]) -> tuple[Connection, ...]:
    out = []
    for port in ports:
        result = connect(port)
        if result is not None:
            out.append(result)
    return tuple(out)
