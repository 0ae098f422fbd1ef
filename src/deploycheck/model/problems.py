"""What parsing and discovery report besides models: malformed and skipped files."""

from __future__ import annotations

from dataclasses import dataclass

from deploycheck.model.location import Location


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A file (or part of one) that could not be understood. Becomes a `malformed-file` finding."""

    location: Location
    message: str
    kind: str = ""


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file discovery passed over on purpose (binary, too large, a link leaving the tree)."""

    location: Location
    reason: str


@dataclass(frozen=True, slots=True)
class UnusedSuppression:
    """An inline suppression that matched no finding (made by the engine after the rules ran)."""

    location: Location
    codes: tuple[str, ...]
    unknown: tuple[str, ...] = ()  # codes that name no rule at all
