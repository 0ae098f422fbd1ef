"""Shell text as Docker runs it: RUN lines, shell-form CMD/ENTRYPOINT and healthcheck commands.

A linear scan (no shlex) splits the text into words with quotes removed, and into simple commands
at `&&`, `||`, `;`, `|` and newlines, separating leading `VAR=value` assignments and carrying
`export VAR=value` forward, so that build-fact helpers can read `go build`, `pip install` or
`apt-get install` with the environment they run in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One command of a shell line: its words and the `VAR=value` assignments before it.

    `exported` holds what earlier `export VAR=value` commands in the same RUN put in effect.
    """

    words: tuple[str, ...]
    assigns: tuple[tuple[str, str], ...]
    exported: tuple[tuple[str, str], ...] = ()

    def env(self) -> dict[str, str]:
        out = dict(self.exported)
        out.update(self.assigns)
        return out


def split_commands(text: str) -> tuple[SimpleCommand, ...]:
    """Split shell text into simple commands (at `&&`, `||`, `;`, `|`, newlines), with leading
    `VAR=value` assignments separated out and `export VAR=value` carried forward."""
    out: list[SimpleCommand] = []
    exported: dict[str, str] = {}
    for words in _shell_words(text):
        if not words:
            continue
        assigns: list[tuple[str, str]] = []
        i = 0
        while i < len(words) and _is_assignment(words[i]):
            key, _, value = words[i].partition("=")
            assigns.append((key, value))
            i += 1
        rest = tuple(words[i:])
        if rest and rest[0] == "env":
            j = 1
            while j < len(rest) and (_is_assignment(rest[j]) or rest[j].startswith("-")):
                if _is_assignment(rest[j]):
                    key, _, value = rest[j].partition("=")
                    assigns.append((key, value))
                j += 1
            rest = rest[j:]
        if rest and rest[0] == "export":
            for w in rest[1:]:
                if _is_assignment(w):
                    key, _, value = w.partition("=")
                    exported[key] = value
            continue
        if not rest and assigns:
            # `X=1; go build` sets a shell variable, not an exported one; `X=1` alone then
            # `export X` is rare: treat plain assignment as in effect for later commands.
            exported.update(assigns)
            continue
        if rest:
            out.append(SimpleCommand(rest, tuple(assigns), tuple(exported.items())))
    return tuple(out)


def _is_assignment(word: str) -> bool:
    key, eq, _ = word.partition("=")
    return bool(eq) and key.replace("_", "a").isalnum() and not key[0].isdigit()


# One shell token: a quoted string, an escaped character, a run of plain characters, an
# operator, a comment, or a newline. Adjacent pieces with no blank between form one word.
_TOKEN = re.compile(
    r"""'[^']*'?|"(?:\\.|[^"\\])*"?|\\.|&&|\|\||[;&|()]|\n|#[^\n]*|[ \t\r]+|[^\s'"\\;&|()#]+|."""
)
_OPERATORS = {"&&", "||", ";", "&", "|", "(", ")", "\n"}


def _shell_words(text: str, keep_operators: bool = False) -> Iterator[list[str]]:
    """Simple commands as lists of words, quotes removed (a linear scan, no shlex).
    With `keep_operators`, one list holding everything, operators included."""
    current: list[str] = []
    word: list[str] | None = None
    for match in _TOKEN.finditer(text.replace("\\\n", " ")):
        tok = match.group(0)
        if tok in _OPERATORS or tok[0] in " \t\r" or (tok[0] == "#" and word is None):
            if word is not None:
                current.append("".join(word))
                word = None
            if keep_operators and tok in _OPERATORS and tok != "\n":
                current.append(tok)
            elif tok in _OPERATORS and current:
                yield _drop_keywords(current)
                current = []
            continue
        piece = tok
        if tok[0] == "'":
            piece = tok[1:-1] if len(tok) > 1 and tok.endswith("'") else tok[1:]
        elif tok[0] == '"':
            inner = tok[1:-1] if len(tok) > 1 and tok.endswith('"') else tok[1:]
            piece = re.sub(r'\\([\\"$`])', r"\1", inner)
        elif tok[0] == "\\" and len(tok) == 2:
            piece = tok[1]
        word = (word or []) + [piece]
    if word is not None:
        current.append("".join(word))
    if current:
        yield current if keep_operators else _drop_keywords(current)


_KEYWORDS = {"then", "do", "else", "elif", "if", "while", "until", "!", "{", "}", "fi", "done"}


def _drop_keywords(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) and words[i] in _KEYWORDS:
        i += 1
    return words[i:]


def shell_split(text: str) -> tuple[str, ...]:
    """Split shell text into words like `sh` would (quotes removed); operators such as `&&`
    stay as words of their own."""
    out: list[str] = []
    for words in _shell_words(text, keep_operators=True):
        out.extend(words)
    return tuple(out)
