"""Discovery: what is read, what is skipped and why (DC003), and that links never escape."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deploycheck import check
from deploycheck.discovery import classify, discover
from deploycheck.engine.config import Config


@pytest.mark.parametrize("path,kind", [
    ("Dockerfile", "dockerfile"), ("api/Dockerfile.prod", "dockerfile"),
    ("build/app.Dockerfile", "dockerfile"),
    ("Containerfile", "dockerfile"), (".dockerignore", "dockerignore"),
    ("Dockerfile.dockerignore", "dockerignore"), ("compose.yaml", "compose"),
    ("docker-compose.override.yml", "compose"), ("k8s/deploy.yaml", "yaml"), (".env", "env"),
    (".env.production", "env"), ("prod.env", "env"), (".env.example", ""), ("nginx/nginx.conf", "nginx"),
    ("sites-enabled/shop.example.com", "nginx"), ("nginx/certs/fullchain.pem", ""),
    ("go.mod", "gomod"), ("cmd/api/main.go", "go"), ("main_test.go", ""), ("app/main.py", "python"),
    ("requirements-dev.txt", "requirements"), ("requirements/base.txt", "requirements"),
    ("pyproject.toml", "pyproject"), ("Procfile", "procfile"), ("README.md", ""),
])
def test_classify(path: str, kind: str) -> None:
    assert classify(path) == kind


def _skipped(tmp: Path) -> dict[str, str]:
    result = check([str(tmp)], Config(jobs=1, select=("DC003",)))
    return {f.location.path: f.message for f in result.findings}


def test_binary_utf16_and_oversized_files_are_reported_not_read(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"\x7fELF\x00\x00binary")
    (tmp_path / "Dockerfile.win").write_bytes("FROM scratch\n".encode("utf-16"))
    (tmp_path / "compose.yaml").write_text("x: " + "a" * 5_000_000)
    skipped = _skipped(tmp_path)
    assert "binary" in skipped["Dockerfile"]
    assert "UTF-8" in skipped["Dockerfile.win"] or "binary" in skipped["Dockerfile.win"]
    assert "limit" in skipped["compose.yaml"]


def test_max_file_size_is_configurable(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services: {}\n" + "#" * 2000 + "\n")
    result = check([str(tmp_path)], Config(jobs=1, select=("DC003",), max_file_size=1000))
    assert [f.location.path for f in result.findings] == ["compose.yaml"]


def test_links_out_of_the_tree_and_loops_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n")
    tree = tmp_path / "tree"
    (tree / "k8s").mkdir(parents=True)
    os.symlink(outside / "secret.yaml", tree / "k8s" / "linked.yaml")
    os.symlink(tree / "k8s" / "b.yaml", tree / "k8s" / "a.yaml")
    os.symlink(tree / "k8s" / "a.yaml", tree / "k8s" / "b.yaml")
    os.symlink(tree, tree / "k8s" / "loop")  # a directory link back up: never followed
    skipped = _skipped(tree)
    assert "outside" in skipped["k8s/linked.yaml"]
    assert "looping" in skipped["k8s/a.yaml"]
    found = discover(str(tree))
    assert all(not f.path.startswith("k8s/loop/") for f in found.files)


def test_vendor_and_git_folders_are_not_walked(tmp_path: Path) -> None:
    for folder in (".git", "node_modules", "vendor/github.com/x", "svc"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "Dockerfile").write_text("FROM scratch\n")
    assert [f.path for f in discover(str(tmp_path)).files] == ["svc/Dockerfile"]


def test_deploycheck_never_writes_to_the_checked_tree(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nCMD python app.py\n")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    build: .\n    ports: ['8000:8000']\n")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    check([str(tmp_path)], Config(jobs=1))
    after = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    assert before == after
