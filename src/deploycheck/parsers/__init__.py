"""Parsers: one module per input kind, each `parse(source) -> Parsed`. They import only `model`.

A parser never raises on bad input: what it cannot read becomes a `ParseProblem` with a location,
and the engine reports it as a `malformed-file` finding. Positions are 1-based and set here, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model import ParseProblem


@dataclass(frozen=True, slots=True)
class Parsed:
    """What one file yielded: typed models (any number) and problems."""

    models: tuple[object, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
