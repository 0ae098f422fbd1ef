"""Python source → `PyModule` facts, read with `ast` only: the project's code is never imported or run.

One pass collects imports (for qualified names), module constants (evaluated in order, so later
code can see `HOST = "0.0.0.0"`), and every call, decorator, subscript and dict with the context
it runs in (module level, under `if __name__ == "__main__":`, or inside a function). The
`_Evaluator` resolves expressions through literals, constants and environment-read defaults,
recording which variables a value depends on. Hostile input (deep nesting, NUL bytes, syntax
errors) becomes a `ParseProblem`; the evaluator caps its own recursion.

The package: `reader` walks the tree and hands each node to mixins of one concern each
(`servers`, `cors`, `routes`, `settings`, `runtime`), all built on `evaluate` (expressions and
environment reads) over `names` (the reader's state, imports and qualified names); `values`,
`syntax` and `tables` hold the records, helpers and name tables they share.
"""

from __future__ import annotations

import ast

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.parsers import Parsed
from deploycheck.parsers.python.evaluate import MAX_EVAL_DEPTH
from deploycheck.parsers.python.reader import _Reader

__all__ = ["MAX_EVAL_DEPTH", "parse"]


def parse(source: SourceFile) -> Parsed:
    try:
        tree = ast.parse(source.text, filename=source.path)
    except SyntaxError as exc:
        pos = Position(max(exc.lineno or 1, 1), max(exc.offset or 1, 1))
        return _problem(source, pos, f"Python syntax error: {exc.msg}")
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        why = "source contains NUL bytes" if "null" in str(exc).lower() else f"cannot parse: {exc!s:.80}"
        return _problem(source, Position(1, 1), f"Python {why}")
    try:
        return Parsed(models=(_Reader(source, tree).read(),))
    except RecursionError:
        return _problem(source, Position(1, 1), "Python source nested too deeply to analyse")


def _problem(source: SourceFile, pos: Position, message: str) -> Parsed:
    return Parsed(problems=(ParseProblem(Location.at(source.path, pos), message, "python"),))
