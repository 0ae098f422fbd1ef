"""The go.mod parser: directives with positions, blocks, comments, and no crash on any input."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.model import Position, SourceFile
from deploycheck.model.golang import GoMod
from deploycheck.parsers.gomod import parse

REAL = """\
// Module comment
module github.com/acme/shop/v2 // trailing

go 1.22.1

toolchain go1.23.4

require (
\tgithub.com/gin-gonic/gin v1.10.0
\tgithub.com/mattn/go-sqlite3 v1.14.22
\tgolang.org/x/net v0.25.0 // indirect
\t"github.com/quoted/mod" v0.1.0 // indirect; reason
)

require github.com/joho/godotenv v1.5.1

replace github.com/acme/lib => ../lib

replace (
\tgolang.org/x/text v0.3.0 => golang.org/x/text v0.3.8
)

exclude golang.org/x/crypto v0.1.0

retract [v2.0.0, v2.0.5] // broken
"""


def mod(text: str, path: str = "go.mod") -> GoMod:
    result = parse(SourceFile.of(path, text))
    assert not result.problems, result.problems
    (model,) = result.models
    assert isinstance(model, GoMod)
    return model


def test_directives_and_positions() -> None:
    m = mod(REAL)
    assert (m.module, m.module_pos) == ("github.com/acme/shop/v2", Position(2, 8))
    assert (m.go_version, m.go_pos) == ("1.22.1", Position(4, 4))
    assert (m.toolchain, m.toolchain_pos) == ("go1.23.4", Position(6, 11))
    assert [(r.module, r.version, r.indirect, r.pos) for r in m.requires] == [
        ("github.com/gin-gonic/gin", "v1.10.0", False, Position(9, 2)),
        ("github.com/mattn/go-sqlite3", "v1.14.22", False, Position(10, 2)),
        ("golang.org/x/net", "v0.25.0", True, Position(11, 2)),
        ("github.com/quoted/mod", "v0.1.0", True, Position(12, 2)),
        ("github.com/joho/godotenv", "v1.5.1", False, Position(15, 9)),
    ]
    assert [(r.old, r.new, r.new_version, r.is_local) for r in m.replaces] == [
        ("github.com/acme/lib", "../lib", "", True),
        ("golang.org/x/text", "golang.org/x/text", "v0.3.8", False),
    ]


def test_helpers() -> None:
    m = mod(REAL, "services/shop/go.mod")
    assert m.directory == "services/shop"
    assert m.require("golang.org/x/net") is not None and m.require("nope") is None
    assert [r.module for r in m.cgo_requires()] == ["github.com/mattn/go-sqlite3"]


def test_minimal_and_windows_line_endings() -> None:
    m = mod("module example.com/app\r\n\r\ngo 1.21\r\n")
    assert m.module == "example.com/app" and m.go_version == "1.21" and m.requires == ()
    assert m.toolchain == "" and m.toolchain_pos is None


def test_problems_are_reported_with_locations() -> None:
    unclosed = parse(SourceFile.of("go.mod", "module a\n\nrequire (\n\tb v1.0.0\n"))
    assert unclosed.problems[0].location.line == 3 and "never closed" in unclosed.problems[0].message
    assert isinstance(unclosed.models[0], GoMod) and unclosed.models[0].requires[0].module == "b"
    quote = parse(SourceFile.of("go.mod", 'module "a\n'))
    assert quote.problems[0].location.line == 1
    nomodule = parse(SourceFile.of("go.mod", "go 1.22\n"))
    assert "missing module declaration" in nomodule.problems[0].message
    binary = parse(SourceFile.of("go.mod", "\0\x01\x02"))
    assert binary.problems and not binary.models
    assert parse(SourceFile.of("go.mod", "")).problems == ()


def test_large_file_is_fast() -> None:
    text = "module a\n\nrequire (\n" + "".join(f"\texample.com/m{i} v1.0.{i}\n" for i in range(20000)) + ")\n"
    start = time.perf_counter()
    m = mod(text)
    assert time.perf_counter() - start < 3 and len(m.requires) == 20000


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("module require replace go ()=>/\"`\n\tv1.2 // indirect")),
               max_size=300))
def test_never_raises(text: str) -> None:
    result = parse(SourceFile.of("go.mod", text))
    assert result.models or result.problems


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    parse(SourceFile.of("go.mod", text))
