"""Which parser reads which kind of file, and which assembler builds derived models.

This list is kept by hand on purpose: a new input kind is a deliberate design change. Rules, on
the other hand, are found by walking `deploycheck.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    parser: str  # module with `parse(source: SourceFile) -> Parsed`
    assembler: str = ""  # "module:function" taking the kind's models, returning derived models


KINDS: tuple[Kind, ...] = (
    Kind("dockerfile", "deploycheck.parsers.dockerfile"),
    Kind("dockerignore", "deploycheck.parsers.dockerignore"),
    Kind("compose", "deploycheck.parsers.compose", "deploycheck.model.compose:assemble"),
    Kind("env", "deploycheck.parsers.envfile"),
    Kind("yaml", "deploycheck.parsers.kubernetes", "deploycheck.model.kubernetes:assemble"),
    Kind("nginx", "deploycheck.parsers.nginx", "deploycheck.model.nginx:assemble"),
    Kind("gomod", "deploycheck.parsers.gomod"),
    Kind("go", "deploycheck.parsers.golang", "deploycheck.model.golang:assemble"),
    Kind("python", "deploycheck.parsers.python", "deploycheck.model.python:assemble"),
    Kind("requirements", "deploycheck.parsers.pydeps"),
    Kind("pyproject", "deploycheck.parsers.pydeps"),
    Kind("procfile", "deploycheck.parsers.procfile"),
)

BY_NAME = {kind.name: kind for kind in KINDS}
