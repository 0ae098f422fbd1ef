# ruff: noqa: E501 -- kernel tables and log lines are quoted verbatim
"""The gatherers without an engine: finding the engine like the docker CLI, parsing what the
engine and the kernel return, and classifying real TCP connections to real local servers."""

from __future__ import annotations

import hashlib
import json
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.gatherers import docker_engine as de
from deploycheck.gatherers import netns
from deploycheck.gatherers.docker_engine import endpoint as de_endpoint
from deploycheck.model.containers import PublishedPort

# -- finding the engine --------------------------------------------------------------------------


def test_docker_host_wins(tmp_path: Path) -> None:
    ep = de.find_endpoint({"DOCKER_HOST": "unix:///run/user/1000/docker.sock"}, str(tmp_path))
    assert (ep.scheme, ep.address, ep.source, ep.local) == (
        "unix",
        "/run/user/1000/docker.sock",
        "DOCKER_HOST",
        True,
    )
    tcp = de.find_endpoint({"DOCKER_HOST": "tcp://10.0.0.5:2375"}, str(tmp_path))
    assert (tcp.scheme, tcp.address, tcp.local) == ("tcp", "10.0.0.5:2375", False)
    tls = de.find_endpoint(
        {"DOCKER_HOST": "tcp://build.example.com", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/certs"},
        str(tmp_path),
    )
    assert (tls.scheme, tls.address, tls.ca) == ("https", "build.example.com:2376", "/certs/ca.pem")


def test_current_context_from_the_cli_config(tmp_path: Path) -> None:
    config = tmp_path / ".docker"
    digest = hashlib.sha256(b"colima").hexdigest()
    meta = config / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(
        json.dumps(
            {"Name": "colima", "Endpoints": {"docker": {"Host": "unix:///home/u/.colima/docker.sock"}}}
        )
    )
    (config / "config.json").write_text(json.dumps({"currentContext": "colima"}))
    ep = de.find_endpoint({}, str(tmp_path))
    assert (ep.address, ep.source) == ("/home/u/.colima/docker.sock", "docker context 'colima'")
    # DOCKER_CONTEXT beats the config file; `default` means the default socket.
    with pytest.raises(de.EngineError, match="no readable metadata"):
        de.find_endpoint({"DOCKER_CONTEXT": "other"}, str(tmp_path))


def test_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(de.EngineError, match="ssh:// engines are not supported"):
        de.find_endpoint({"DOCKER_HOST": "ssh://me@host"}, str(tmp_path))
    with pytest.raises(de.EngineError, match="is not a Docker host"):
        de.find_endpoint({"DOCKER_HOST": "docker.example.com"}, str(tmp_path))
    # find_endpoint reads DEFAULT_SOCKET from its own module, not from the package's re-export.
    monkeypatch.setattr(de_endpoint, "DEFAULT_SOCKET", str(tmp_path / "nothing.sock"))
    with pytest.raises(de.EngineError, match="no Docker engine: DOCKER_HOST is not set"):
        de.find_endpoint({}, str(tmp_path))


def test_an_engine_that_does_not_answer(tmp_path: Path) -> None:
    client = de.EngineClient(de.Endpoint("unix", str(tmp_path / "gone.sock"), "DOCKER_HOST"), timeout=1)
    with pytest.raises(de.EngineError, match=r"does not answer"):
        client.get_json("/info")


def test_cli_exits_2_without_an_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from deploycheck.cli.main import main

    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
    assert main(["containers"]) == 2
    err = capsys.readouterr().err
    assert "deploycheck: error: the Docker engine at unix://" in err and "does not answer" in err


# -- the engine's JSON ---------------------------------------------------------------------------


def frame(stream: int, payload: bytes) -> bytes:
    return bytes([stream, 0, 0, 0]) + struct.pack(">I", len(payload)) + payload


def test_multiplexed_log_stream() -> None:
    body = (
        frame(1, b"2024-03-02T10:15:01.1Z starting\n2024-03-02T10:15:01.2Z lis")
        + frame(1, b"tening on :8080\n")
        + frame(2, b"2024-03-02T10:15:02.0Z warn: slow\r\n")
    )
    assert de.parse_log_stream(body, tty=False) == [
        ("stdout", "2024-03-02T10:15:01.1Z", "starting"),
        ("stdout", "2024-03-02T10:15:01.2Z", "listening on :8080"),
        ("stderr", "2024-03-02T10:15:02.0Z", "warn: slow"),
    ]
    assert de.parse_log_stream(b"2024-03-02T10:15:01Z a\nb", tty=True) == [
        ("stdout", "2024-03-02T10:15:01Z", "a"),
        ("stdout", "", "b"),
    ]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), st.booleans())
def test_log_stream_never_raises(data: bytes, tty: bool) -> None:
    for stream, _, text in de.parse_log_stream(data, tty):
        assert stream in ("stdout", "stderr", "") and len(text) <= de.LINE_BYTES


def test_memory_stats_v1_and_v2() -> None:
    v1 = {
        "memory_stats": {
            "usage": 100_000_000,
            "max_usage": 120_000_000,
            "limit": 268435456,
            "stats": {"total_inactive_file": 20_000_000},
        }
    }
    v2 = {"memory_stats": {"usage": 100_000_000, "limit": 268435456, "stats": {"inactive_file": 30_000_000}}}
    assert de.memory_from_stats(v1) == de.MemoryUsage(80_000_000, 268435456, 120_000_000)
    assert de.memory_from_stats(v2) == de.MemoryUsage(70_000_000, 268435456, 0)
    assert de.memory_from_stats({}) is None and de.memory_from_stats(None) is None


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
        max_leaves=30,
    )
)
def test_inspect_builder_never_raises(value: object) -> None:
    inspect = value if isinstance(value, dict) else {"State": value, "Config": value}
    container = de.container_from_inspect(inspect)
    assert isinstance(container.name, str)


def test_record_must_be_a_container() -> None:
    with pytest.raises(ValueError, match="not a container record"):
        de.facts_from_record('{"logs": []}')


def test_secrets_are_redacted_in_saved_records() -> None:
    raw = de.Raw(
        {"Id": "x", "Config": {"Env": ["DB_PASSWORD=hunter2", "API_TOKEN=t", "PORT=8080", "EMPTY_KEY="]}}
    )
    env = raw.record(de.Engine())["inspect"]["Config"]["Env"]
    assert env == ["DB_PASSWORD=<redacted>", "API_TOKEN=<redacted>", "PORT=8080", "EMPTY_KEY="]


# -- /proc/net -----------------------------------------------------------------------------------

TCP = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 114555 1 0 100 0 0 10 0
   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 114556 1 0 100 0 0 10 0
   2: 020012AC:D431 030012AC:1538 01 00000000:00000000 00:00000000 00000000     0        0 114557 1 0 20 4 30 10 -1
"""
TCP6 = """  sl  local_address                         remote_address                        st tx_queue
   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000
   1: 00000000000000000000000001000000:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000
   2: 0000000000000000FFFF00000100007F:1F93 00000000000000000000000000000000:0000 0A 00000000:00000000
"""


def test_proc_net_tables() -> None:
    table = netns.socket_table(
        {"tcp": TCP, "tcp6": TCP6, "udp": "  sl\n   0: 00000000:0035 00000000:0000 07 0\n"}, "/proc/1/net/*"
    )
    assert [s.label() for s in table.sockets] == [
        "0.0.0.0:80/tcp",
        "127.0.0.1:8080/tcp",
        "[::]:8081/tcp",
        "[::1]:8082/tcp",
        "[::ffff:127.0.0.1]:8083/tcp",
        "0.0.0.0:53/udp",
    ]
    assert [s.loopback for s in table.sockets] == [False, True, False, True, True, False]
    assert (
        table.reachable_on(80)
        and not table.reachable_on(8080)
        and table.ports() == (80, 8080, 8081, 8082, 8083)
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_proc_net_never_raises(text: str) -> None:
    netns.parse_proc_net(text, "tcp")


def test_proc_tables_of_this_process() -> None:
    """Our own PID is in our own network namespace: refused as a container PID unless its cgroup names the id."""
    import os

    tables, _, note = netns.read_proc_tables(os.getpid(), "0123456789abcdef")
    assert not tables and "not this container's process" in note


# -- real connections ----------------------------------------------------------------------------


class Server:
    """A loopback TCP server with a behaviour: answer HTTP, close at once, or stay silent."""

    def __init__(self, behaviour: str) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.behaviour = behaviour
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        self.sock.settimeout(0.2)
        held = []
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            if self.behaviour == "close":
                conn.close()
            elif self.behaviour == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            elif self.behaviour == "http":
                conn.settimeout(2)
                try:
                    conn.recv(1024)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                finally:
                    conn.close()
            else:
                held.append(conn)
        for conn in held:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    srv = Server(request.param)
    yield srv
    srv.close()


@pytest.mark.parametrize(
    ("server", "outcome", "detail"),
    [
        ("http", "answered", "HTTP/1.1 200 OK"),
        ("close", "reset", "closed by the peer before any byte"),
        ("reset", "reset", "reset by the peer before any byte"),
        ("silent", "timeout", "connected, but no answer to an HTTP request within 1.5 s"),
    ],
    indirect=["server"],
)
def test_connection_outcomes(server: Server, outcome: str, detail: str) -> None:
    result = netns.connect(PublishedPort(8080, "tcp", "127.0.0.1", server.port))
    assert result is not None
    assert (result.outcome, result.detail, result.target) == (outcome, detail, f"127.0.0.1:{server.port}")


def test_refused_and_untested_bindings() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    result = netns.connect(PublishedPort(8080, "tcp", "0.0.0.0", closed))
    assert result is not None and result.outcome == "refused"
    assert netns.connect(PublishedPort(8080, "tcp", "192.0.2.10", 8080)) is None  # not ours to probe
    assert netns.connect(PublishedPort(53, "udp", "127.0.0.1", 5353)) is None
    assert netns.connect(PublishedPort(8080, "tcp", "127.0.0.1", 0)) is None


@pytest.mark.parametrize("server", ["silent"], indirect=True)
def test_database_ports_are_not_sent_http(server: Server) -> None:
    result = netns.connect(PublishedPort(5432, "tcp", "127.0.0.1", server.port))
    assert result is not None and result.outcome == "answered" and "held open" in result.detail
