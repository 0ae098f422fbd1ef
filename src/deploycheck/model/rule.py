"""The rule base: one class per rule, found by walking `deploycheck.rules`.

A rule declares its code, kebab-case name, category, default severity, the model type it reads
(`target`) and a default `fix`. Its docstring is its page: a one-line summary, then `## Why`,
`## Bad`, `## Good` and `## Fix` sections. Fenced blocks under Bad/Good name the file they stand
for in their info string (```` ```Dockerfile ````, ```` ```compose.yaml ````), and a test checks
the rule fires on Bad and stays quiet on Good.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from deploycheck.model.finding import Violation
from deploycheck.model.severity import Category, Severity

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NoOptions:
    """The options of a rule that has none."""


class Rule(Generic[T]):
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    target: ClassVar[type[Any]]
    fix: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    Options: ClassVar[type[Any]] = NoOptions

    def check(self, model: T, options: Any) -> Iterator[Violation]:
        raise NotImplementedError

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.doc().split("\n", 1)[0].strip()
