"""Words of a command line: the `_Tok` record (a word, the argv token it came from, and whether
it went through shell expansion) and the patterns every stage classifies words with: variable
assignments (`_ASSIGN`), variable references (`_VAR`), Python interpreters (`_PYTHON`) and the
program name of a path (`_base`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    index: int  # token of the original argv this word came from
    expanded: bool  # went through shell expansion


_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_PYTHON = re.compile(r"^(python|pypy)(\d+(\.\d+)*)?$")


def _base(word: str) -> str:
    return word.rstrip("/").rpartition("/")[2]
