"""deploycheck's TLS verdicts beside testssl.sh's on the same nginx: they must agree on the
protocol versions accepted and on the certificate's state."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from deploycheck.gatherers.tls_probe import TlsSettings, probe_tls
from deploycheck.model.probe import TlsProbe, TrustKind
from probe.conftest import Site

pytestmark = [pytest.mark.server, pytest.mark.slow]

ENDPOINTS = ("modern", "legacy", "expired", "wrong_host", "self_signed", "other_ca")
PROTOCOL_IDS = {"TLS1": "TLSv1", "TLS1_1": "TLSv1.1", "TLS1_2": "TLSv1.2", "TLS1_3": "TLSv1.3"}


def find_testssl() -> str:
    found = shutil.which("testssl") or shutil.which("testssl.sh")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs testssl.sh (Debian package testssl.sh)")
        pytest.skip("testssl.sh is not installed (Debian package testssl.sh)")
    return found


def run_testssl(binary: str, port: int, ca: Path, out: Path) -> dict[str, dict[str, Any]]:
    """Protocols (-p) and server defaults with the certificate (-S), on loopback only: no DNS."""
    argv = [binary, "--quiet", "--color", "0", "--warnings", "off", "--nodns", "none", "--ip", "127.0.0.1",
            "--connect-timeout", "5", "--openssl-timeout", "5", "--add-ca", str(ca), "-p", "-S",
            "--jsonfile", str(out), f"localhost:{port}"]
    subprocess.run(argv, capture_output=True, timeout=240, check=False)
    return {item["id"]: item for item in json.loads(out.read_text())}


def accepted_by_testssl(result: dict[str, dict[str, Any]]) -> tuple[str, ...]:
    return tuple(ours for theirs, ours in PROTOCOL_IDS.items()
                 if theirs in result and result[theirs]["finding"].startswith("offered"))


def certificate_state(result: dict[str, dict[str, Any]]) -> TrustKind:
    """testssl's words, mapped to deploycheck's classes."""
    if "expired" in result["cert_expirationStatus"]["finding"].lower():
        return TrustKind.EXPIRED
    if "does not match" in result["cert_trust"]["finding"].lower():
        return TrustKind.HOSTNAME
    chain = result["cert_chain_of_trust"]["finding"].lower()
    if result["cert_chain_of_trust"]["severity"] == "OK":
        return TrustKind.OK
    if "chain incomplete" in chain:
        return TrustKind.INCOMPLETE_CHAIN
    if "self signed ca in chain" in chain:
        return TrustKind.UNKNOWN_CA
    if "self signed" in chain:
        return TrustKind.SELF_SIGNED
    return TrustKind.UNKNOWN_CA if "failed" in chain else TrustKind.OTHER


_ISSUER_NOT_FOUND = frozenset({TrustKind.INCOMPLETE_CHAIN, TrustKind.UNKNOWN_CA})


def _same_state(mine: TrustKind, theirs: TrustKind) -> bool:
    return mine is theirs or (mine in _ISSUER_NOT_FOUND and theirs in _ISSUER_NOT_FOUND)


def ours(site: Site, port: int) -> TlsProbe:
    return probe_tls(f"https://localhost:{port}/", TlsSettings(ca_file=str(site.root), timeout=5))


def test_protocols_and_certificate_state_agree_with_testssl(site: Site, tmp_path: Path) -> None:
    binary = find_testssl()
    ports = {name: getattr(site, name) for name in ENDPOINTS}
    with ThreadPoolExecutor(max_workers=len(ports)) as pool:
        theirs = dict(zip(ports, pool.map(
            lambda item: run_testssl(binary, item[1], site.root, tmp_path / f"{item[0]}.json"),
            ports.items()), strict=True))
    disagreements = []
    for name, port in ports.items():
        mine = ours(site, port)
        if mine.accepted_versions() != accepted_by_testssl(theirs[name]):
            disagreements.append(f"{name}: protocols {mine.accepted_versions()} vs testssl "
                                 f"{accepted_by_testssl(theirs[name])}")
        state = certificate_state(theirs[name])
        # testssl calls every "issuer not found" (OpenSSL error 20) "chain incomplete"; deploycheck
        # splits it by what was sent: only the leaf (incomplete chain) or leaf and intermediates
        # ending at a root nobody trusts (unknown CA). Both say the chain of trust fails.
        if _same_state(mine.trust.kind, state) is False:
            disagreements.append(f"{name}: certificate {mine.trust.kind.value} vs testssl {state.value} "
                                 f"({theirs[name]['cert_chain_of_trust']['finding']})")
    assert not disagreements, "\n".join(disagreements)
