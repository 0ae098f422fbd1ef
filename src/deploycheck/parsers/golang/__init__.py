"""Go source: deployment facts read from the syntax tree (tree-sitter with its Go grammar).

One tree-sitter query collects the nodes that matter (calls, composite literals, assignments,
if statements, functions, struct fields, comments, imports) in C; Python then looks only at those.
Nothing is executed and no regular expression reads Go code. Values are followed through string
literals, constants, package-level variables, locals assigned once (plus the
`if x == "" { x = "8080" }` fallback), `+`, `fmt.Sprintf`, `net.JoinHostPort`, `cmp.Or`,
`os.Getenv`/`LookupEnv`, getEnv-style helpers and `flag` defaults; what stays unknown is kept as
an "ident"/"call" part for `model.golang.assemble` to finish with the other files of the package.

The package: `reader` runs the passes and hands each node to the mixin of its concern: `calls`
(built on `packages`, which uses `routers` and `outputs`), `literals`, `statements` and `cors`.
They rest on `values` (expressions resolved to `ValuePart`s), which rests on `assignments` and
`envtags`, which rest on `base` (the reader's state and basic questions about nodes). `syntax`
holds the tree-sitter query and node helpers, `tables` the name tables and text helpers,
`records` the working records.
"""

from __future__ import annotations

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.parsers import Parsed
from deploycheck.parsers.golang.reader import _Reader
from deploycheck.parsers.golang.syntax import _first_error, _tools, go_string
from deploycheck.parsers.golang.tables import (
    ACAC,
    ACAO,
    FATAL_NAMES,
    GIN,
    GIN_PROMETHEUS,
    RESPOND_NAMES,
    ROUTE_METHODS,
)

__all__ = [
    "ACAC",
    "ACAO",
    "FATAL_NAMES",
    "GIN",
    "GIN_PROMETHEUS",
    "RESPOND_NAMES",
    "ROUTE_METHODS",
    "go_string",
    "parse",
]


def parse(source: SourceFile) -> Parsed:
    try:
        return _parse(source)
    except RecursionError:
        return Parsed(
            problems=(ParseProblem(Location.at(source.path), "Go source nested too deeply to read", "go"),)
        )
    except Exception as exc:  # a parser never raises; this is a bug, reported as a problem
        return Parsed(
            problems=(ParseProblem(Location.at(source.path), f"could not read Go source: {exc}", "go"),)
        )


def _parse(source: SourceFile) -> Parsed:
    from tree_sitter import QueryCursor

    parser, query = _tools()
    data = source.text.encode("utf-8", "replace")
    tree = parser.parse(data)
    captures = QueryCursor(query).captures(tree.root_node)
    reader = _Reader(
        source.path, data, {k: sorted(v, key=lambda n: n.start_byte) for k, v in captures.items()}
    )
    problems: list[ParseProblem] = []
    if tree.root_node.has_error:
        bad = _first_error(tree.root_node)
        where = reader.pos(bad) if bad is not None else Position(1, 1)
        problems.append(
            ParseProblem(
                Location.at(source.path, where),
                "Go syntax error: facts from this file may be incomplete",
                "go",
            )
        )
    if not reader.package:
        return Parsed(
            problems=(
                *problems,
                ParseProblem(Location.at(source.path), "no package clause: not a Go source file", "go"),
            )
        )
    return Parsed(models=(reader.read(),), problems=tuple(problems))
