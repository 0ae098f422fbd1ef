"""The layering the style guide promises, checked by reading the imports of every module."""

from __future__ import annotations

import ast
import os

import pytest

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src", "deploycheck")

# package → packages of deploycheck it must not import
FORBIDDEN = {
    "model": {"parsers", "rules", "engine", "gatherers", "reporters", "cli", "discovery"},
    "parsers": {"rules", "engine", "gatherers", "reporters", "cli", "discovery"},
    "rules": {"engine", "gatherers", "reporters", "cli", "discovery"},
    "reporters": {"parsers", "rules", "engine", "gatherers", "cli", "discovery"},
}


def _modules() -> list[tuple[str, str]]:
    out = []
    for folder, _, names in os.walk(SRC):
        for name in names:
            if name.endswith(".py"):
                full = os.path.join(folder, name)
                out.append((os.path.relpath(full, SRC).split(os.sep)[0], full))
    return out


@pytest.mark.parametrize("package,path", [m for m in _modules() if m[0] in FORBIDDEN],
                         ids=lambda v: os.path.relpath(v, SRC) if os.sep in str(v) else str(v))
def test_layering(package: str, path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "deploycheck" and len(parts) > 1:
                assert parts[1] not in FORBIDDEN[package], f"{package} imports {name}"
