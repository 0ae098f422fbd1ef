"""Session-wide real servers for the probe tests, all on 127.0.0.1: Gin in four CORS setups,
a Starlette app under uvicorn, and one nginx with a server block per TLS and redirect case."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from probe.apps import GIN_CORS, STARLETTE_APP
from probe.servers import (
    MisbehavingListener,
    Pki,
    free_ports,
    make_pki,
    require_nginx,
    run_nginx,
    run_process,
    uvicorn_argv,
)

GIN_MODES = ("explicit", "allowall", "nooptions", "reflect")


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def gin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    """Port of the Gin app in each CORS mode."""
    from infra.goapps import build_go

    binary = build_go(GIN_CORS)
    ports = dict(zip(GIN_MODES, free_ports(len(GIN_MODES)), strict=True))
    stack: list[object] = []
    try:
        for mode, port in ports.items():
            ctx = run_process([str(binary)], port, {"MODE": mode, "ADDR": f"127.0.0.1:{port}"})
            ctx.__enter__()
            stack.append(ctx)
        yield ports
    finally:
        for ctx in reversed(stack):
            ctx.__exit__(None, None, None)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def starlette_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    import importlib.util
    import os

    missing = [m for m in ("uvicorn", "starlette") if importlib.util.find_spec(m) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (pip install -e '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(f"CI needs {message}")
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("asgi")
    (folder / "corsapp.py").write_text(STARLETTE_APP)
    (port,) = free_ports(1)
    with run_process(uvicorn_argv("corsapp:app", port, folder), port):
        yield port


@dataclass(frozen=True)
class Site:
    """Ports of the nginx server blocks."""

    modern: int  # TLS 1.2/1.3, full chain, HSTS, in front of Gin (explicit origins)
    legacy: int  # TLS 1.0-1.2, leaf only, no HSTS, in front of Gin (explicit origins)
    http_redirect: int  # plain HTTP, 301 to https://localhost:{modern}
    http_plain: int  # plain HTTP, no redirect, in front of Gin (explicit origins)
    loop: int  # TLS, redirects to itself
    downgrade: int  # TLS, 302 to http://localhost:{http_plain}
    dup_acao: int  # TLS, add_header ACAO * in front of Gin allowall (which sends * too)
    expired: int
    wrong_host: int
    self_signed: int
    other_ca: int
    weak: int  # RSA 1024, SHA-1
    null_cipher: int  # accepts ECDHE-RSA-NULL-SHA
    root: Path  # the trust anchor for --ca-file


@pytest.fixture(scope="session")
def site(pki: Pki, gin: dict[str, int], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_nginx()
    names = ("modern", "legacy", "http_redirect", "http_plain", "loop", "downgrade", "dup_acao", "expired",
             "wrong_host", "self_signed", "other_ca", "weak", "null_cipher")
    p = dict(zip(names, free_ports(len(names)), strict=True))

    def tls(name: str, pem: object, extra: str = "", protocols: str = "TLSv1.2 TLSv1.3",
            ciphers: str = "") -> str:
        cipher_line = f'ssl_ciphers "{ciphers}";' if ciphers else ""
        return f"""
    server {{
        listen 127.0.0.1:{p[name]} ssl;
        server_name localhost;
        ssl_certificate {pem.cert};  # type: ignore
        ssl_certificate_key {pem.key};
        ssl_protocols {protocols};
        {cipher_line}
        {extra}
    }}"""

    to_gin = f"location / {{ proxy_pass http://127.0.0.1:{gin['explicit']}; }}"
    servers = "".join([
        tls("modern", pki.fullchain, f"""
        server_tokens off;
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        add_header X-Content-Type-Options nosniff always;
        {to_gin}"""),
        tls("legacy", pki.leaf_only, to_gin, "TLSv1 TLSv1.1 TLSv1.2", "DEFAULT:@SECLEVEL=0"),
        f"""
    server {{ listen 127.0.0.1:{p['http_redirect']};
              return 301 https://localhost:{p['modern']}$request_uri; }}
    server {{ listen 127.0.0.1:{p['http_plain']}; {to_gin} }}""",
        tls("loop", pki.fullchain, f"location / {{ return 301 https://localhost:{p['loop']}$request_uri; }}"),
        tls("downgrade", pki.fullchain,
            f"location / {{ return 302 http://localhost:{p['http_plain']}$request_uri; }}"),
        tls("dup_acao", pki.fullchain, f"""
        add_header Access-Control-Allow-Origin * always;
        location / {{ proxy_pass http://127.0.0.1:{gin['allowall']}; }}"""),
        tls("expired", pki.expired, 'location / { return 200 "ok"; }'),
        tls("wrong_host", pki.wrong_host, 'location / { return 200 "ok"; }'),
        tls("self_signed", pki.self_signed, 'location / { return 200 "ok"; }'),
        tls("other_ca", pki.other_ca_chain, 'location / { return 200 "ok"; }'),
        tls("weak", pki.weak, 'location / { return 200 "ok"; }', ciphers="DEFAULT:@SECLEVEL=0"),
        tls("null_cipher", pki.fullchain, 'location / { return 200 "ok"; }', "TLSv1.2",
            "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-NULL-SHA:@SECLEVEL=0"),
    ])
    with run_nginx(tmp_path_factory.mktemp("nginx"), servers, list(p.values())):
        yield Site(**p, root=pki.root)


@pytest.fixture()
def listener() -> Iterator[dict[str, MisbehavingListener]]:
    made = {mode: MisbehavingListener(mode) for mode in ("reset", "close", "silent")}
    try:
        yield made
    finally:
        for item in made.values():
            item.close()
