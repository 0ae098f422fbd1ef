"""Real servers on loopback for the probe tests: certificates, nginx, Gin apps, uvicorn, and
sockets that refuse, reset or never answer. Everything listens on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# -- ports ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """`count` distinct free ports: all held open at once, so none is handed out twice."""
    held = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            held.append(s)
        return [int(s.getsockname()[1]) for s in held]
    finally:
        for s in held:
            s.close()


def wait_port(port: int, timeout: float = 15.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


# -- certificates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pem:
    cert: Path
    key: Path


@dataclass(frozen=True)
class Pki:
    """A root CA, an intermediate, and leaves for every certificate state the tests need."""

    root: Path  # the trust anchor (--ca-file)
    fullchain: Pem  # leaf for localhost + intermediate
    leaf_only: Pem  # same leaf, without the intermediate
    expired: Pem  # expired leaf + intermediate
    wrong_host: Pem  # for www.example.test + intermediate
    self_signed: Pem
    other_ca_chain: Pem  # leaf + intermediate of a root nobody trusts
    weak: Pem  # RSA 1024, SHA-1 signed, with intermediate


def make_pki(folder: Path) -> Pki:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "deploycheck tests"),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def build(subject: str, issuer_name: x509.Name, issuer_key: object, key: object, *, ca: bool,
              sans: tuple[str, ...] = (), start: dt.datetime | None = None, days: int = 365,
              algorithm: hashes.HashAlgorithm | None = None) -> x509.Certificate:
        begin = start or (now - dt.timedelta(days=1))
        pub = key.public_key()  # type: ignore[attr-defined]
        builder = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(issuer_name)
                   .public_key(pub).serial_number(x509.random_serial_number())
                   .not_valid_before(begin).not_valid_after(begin + dt.timedelta(days=days))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False))
        if ca:
            builder = builder.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False), critical=True)
        else:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                                            critical=False)
        if issuer_key is not key:
            builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer_key.public_key()), critical=False)  # type: ignore[attr-defined]
        if sans:
            entries: list[x509.GeneralName] = []
            for s in sans:
                if s[0].isdigit():
                    import ipaddress
                    entries.append(x509.IPAddress(ipaddress.ip_address(s)))
                else:
                    entries.append(x509.DNSName(s))
            builder = builder.add_extension(x509.SubjectAlternativeName(entries), critical=False)
        return builder.sign(issuer_key, algorithm or hashes.SHA256())  # type: ignore[arg-type]

    def pem(cert: x509.Certificate) -> bytes:
        return cert.public_bytes(serialization.Encoding.PEM)

    def write(stem: str, certs: list[x509.Certificate], key: object) -> Pem:
        cert_path, key_path = folder / f"{stem}.crt", folder / f"{stem}.key"
        cert_path.write_bytes(b"".join(pem(c) for c in certs))
        key_path.write_bytes(key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        return Pem(cert_path, key_path)

    root_key = ec.generate_private_key(ec.SECP256R1())
    root = build("deploycheck test root", name("deploycheck test root"), root_key, root_key, ca=True,
                 days=3650)
    inter_key = ec.generate_private_key(ec.SECP256R1())
    inter = build("deploycheck test intermediate", root.subject, root_key, inter_key, ca=True, days=1825)
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    local = ("localhost", "127.0.0.1", "::1")
    leaf = build("localhost", inter.subject, inter_key, leaf_key, ca=False, sans=local)
    expired = build("localhost", inter.subject, inter_key, leaf_key, ca=False, sans=local,
                    start=now - dt.timedelta(days=400), days=30)
    wrong = build("www.example.test", inter.subject, inter_key, leaf_key, ca=False,
                  sans=("www.example.test",))
    self_key = ec.generate_private_key(ec.SECP256R1())
    selfie = build("localhost", name("localhost"), self_key, self_key, ca=False, sans=local)
    other_root_key = ec.generate_private_key(ec.SECP256R1())
    other_root = build("someone else's root", name("someone else's root"), other_root_key,
                       other_root_key, ca=True, days=3650)
    other_inter_key = ec.generate_private_key(ec.SECP256R1())
    other_inter = build("someone else's intermediate", other_root.subject, other_root_key,
                        other_inter_key, ca=True)
    other_leaf = build("localhost", other_inter.subject, other_inter_key, leaf_key, ca=False, sans=local)
    inter_pem = write("intermediate", [inter], inter_key)
    root_path = folder / "root.pem"
    root_path.write_bytes(pem(root))
    return Pki(
        root=root_path,
        fullchain=write("fullchain", [leaf, inter], leaf_key),
        leaf_only=write("leaf-only", [leaf], leaf_key),
        expired=write("expired", [expired, inter], leaf_key),
        wrong_host=write("wrong-host", [wrong, inter], leaf_key),
        self_signed=write("self-signed", [selfie], self_key),
        other_ca_chain=write("other-ca", [other_leaf, other_inter], leaf_key),
        weak=_weak_leaf(folder, inter_pem),
    )


def _weak_leaf(folder: Path, issuer: Pem) -> Pem:
    """RSA 1024 signed with SHA-1: `cryptography` refuses to make one, the openssl CLI does not."""
    key, csr, cert = folder / "weak.key", folder / "weak.csr", folder / "weak-leaf.crt"
    ext = folder / "weak.ext"
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n")
    run = lambda *a: subprocess.run(list(a), check=True, capture_output=True, timeout=60)  # noqa: E731
    run("openssl", "genrsa", "-out", str(key), "1024")
    run("openssl", "req", "-new", "-key", str(key), "-subj", "/O=deploycheck tests/CN=localhost",
        "-out", str(csr))
    run("openssl", "x509", "-req", "-in", str(csr), "-CA", str(issuer.cert), "-CAkey", str(issuer.key),
        "-CAcreateserial", "-days", "365", "-sha1", "-extfile", str(ext), "-out", str(cert))
    chain = folder / "weak.crt"
    chain.write_bytes(cert.read_bytes() + issuer.cert.read_bytes())
    return Pem(chain, key)


# -- nginx -----------------------------------------------------------------------------------------


def require_nginx() -> str:
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs nginx (Debian package nginx-light)")
        pytest.skip("nginx is not installed (Debian package nginx-light)")
    return path


@contextlib.contextmanager
def run_nginx(folder: Path, servers: str, ports: list[int], workers: int = 1) -> Iterator[Path]:
    """nginx in the foreground with `servers` as the body of its http block. Yields the folder."""
    binary = require_nginx()
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("logs", "tmp"):
        (folder / sub).mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(f"""
worker_processes {workers};
error_log {folder}/logs/error.log warn;
pid {folder}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    default_type text/plain;
{servers}
}}
""")
    test = subprocess.run([binary, "-t", "-c", str(conf), "-p", str(folder)], capture_output=True,
                          text=True, timeout=30)
    if test.returncode != 0:
        raise AssertionError(f"nginx -t failed:\n{test.stderr}\n{conf.read_text()}")
    proc = subprocess.Popen([binary, "-c", str(conf), "-p", str(folder), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for port in ports:
            wait_port(port, proc=proc)
        yield folder
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- processes -------------------------------------------------------------------------------------


@contextlib.contextmanager
def run_process(argv: list[str], port: int,
                env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_port(port, proc=proc)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def uvicorn_argv(app: str, port: int, app_dir: Path) -> list[str]:
    return [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
            "--app-dir", str(app_dir), "--log-level", "warning", "--no-access-log"]


# -- sockets that misbehave -------------------------------------------------------------------------


class MisbehavingListener:
    """Accepts on 127.0.0.1 and then resets (SO_LINGER 0), reads the request and closes (an
    empty reply), or never answers."""

    def __init__(self, mode: str) -> None:
        assert mode in ("reset", "close", "silent")
        self.mode = mode
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = int(self.sock.getsockname()[1])
        self.held: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            if self.mode == "reset":
                time.sleep(0.02)  # let the request arrive, as docker-proxy does before it gives up
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            elif self.mode == "close":
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    conn.recv(65536)  # read the request, then close cleanly: an empty reply
                conn.close()
            else:
                self.held.append(conn)

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=2)
        for conn in self.held:
            conn.close()
        self.sock.close()
