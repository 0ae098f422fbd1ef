"""go.mod: module path, go and toolchain directives, requires (with `// indirect`) and replaces.

The go.mod grammar is line based (golang.org/x/mod/modfile): a directive is a verb and its
arguments on one line, or a verb followed by a parenthesised block of argument lines. Tokens are
bare words, "interpreted" or `raw` strings, `=>`, and `//` comments. We tokenize each line the same
way, keeping 1-based positions; what cannot be read becomes a `ParseProblem`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.model.golang import GoMod, GoReplace, GoRequire
from deploycheck.parsers import Parsed

_BLOCK_VERBS = frozenset({"require", "replace", "exclude", "retract", "godebug", "tool", "ignore"})


class _Token(NamedTuple):
    text: str
    column: int  # 1-based


_TOKEN = re.compile(
    r"[ \t\r\f\v]+"
    r"|//(?P<comment>.*)"
    r"|(?P<punct>[()]|=>)"
    r"|\"(?P<quoted>(?:[^\"\\]|\\.)*)\""
    r"|`(?P<raw>[^`]*)`"
    r"|(?P<open>[\"`])"
    r"|(?P<word>(?:(?!//|=>)[^ \t\r\f\v()\"`])+)",
    re.DOTALL,
)


def _tokenize(line: str) -> tuple[list[_Token], str, str]:
    """Tokens of one line, its trailing comment text, and an error message ('' if none)."""
    tokens: list[_Token] = []
    for m in _TOKEN.finditer(line):
        kind = m.lastgroup
        if kind is None:
            continue  # blanks
        if kind == "comment":
            return tokens, m.group("comment").strip(), ""
        if kind == "open":
            return tokens, "", "unterminated quoted string"
        text = m.group(kind)
        if kind in ("quoted", "raw"):
            text = text.replace('\\"', '"')
        tokens.append(_Token(text, m.start() + 1))
    return tokens, "", ""


def parse(source: SourceFile) -> Parsed:
    try:
        return _parse(source)
    except Exception as exc:  # a parser never raises; this is a bug, reported as a problem
        return Parsed(
            problems=(ParseProblem(Location.at(source.path), f"could not read go.mod: {exc}", "gomod"),)
        )


def _parse(source: SourceFile) -> Parsed:
    path = source.path
    if "\0" in source.text:
        return Parsed(problems=(ParseProblem(Location.at(path), "go.mod is not a text file", "gomod"),))
    problems: list[ParseProblem] = []
    module = go_version = toolchain = ""
    module_pos = go_pos = toolchain_pos = None
    requires: list[GoRequire] = []
    replaces: list[GoReplace] = []
    block: str = ""  # the verb of the open `verb (` block
    block_pos: Position | None = None

    for number, line in enumerate(source.text.splitlines(), start=1):
        tokens, comment, error = _tokenize(line)
        if error:
            problems.append(ParseProblem(Location.at(path, Position(number, 1)), f"go.mod: {error}", "gomod"))
            continue
        if not tokens:
            continue
        if block:
            if tokens[0].text == ")":
                block = ""
                continue
            verb, args = block, tokens
        else:
            verb, args = tokens[0].text, tokens[1:]
            if verb in _BLOCK_VERBS and args and args[0].text == "(":
                if len(args) > 1 and args[1].text == ")":
                    continue  # `require ()`
                block, block_pos = verb, Position(number, tokens[0].column)
                continue
        pos = Position(number, args[0].column if args else tokens[0].column)
        if verb == "module" and args:
            module, module_pos = args[0].text, pos
        elif verb == "go" and args:
            go_version, go_pos = args[0].text, pos
        elif verb == "toolchain" and args:
            toolchain, toolchain_pos = args[0].text, pos
        elif verb == "require" and len(args) >= 2:
            indirect = comment.split(";")[0].strip() == "indirect" or comment.startswith("indirect;")
            requires.append(GoRequire(args[0].text, args[1].text, indirect, pos))
        elif verb == "replace":
            replace = _replace(args, pos)
            if replace is not None:
                replaces.append(replace)
    if block and block_pos is not None:
        problems.append(
            ParseProblem(
                Location.at(path, block_pos), f"go.mod: the `{block} (` block is never closed", "gomod"
            )
        )
    if not module and source.text.strip():
        problems.append(
            ParseProblem(
                Location.at(path, Position(1, 1)),
                "go.mod has no module directive (`go: error reading go.mod: missing module declaration`)",
                "gomod",
            )
        )
    model = GoMod(
        path,
        module,
        module_pos,
        go_version,
        go_pos,
        toolchain,
        toolchain_pos,
        tuple(requires),
        tuple(replaces),
    )
    return Parsed(models=(model,), problems=tuple(problems))


def _replace(args: list[_Token], pos: Position) -> GoReplace | None:
    texts = [t.text for t in args]
    if "=>" not in texts:
        return None
    arrow = texts.index("=>")
    old, new = texts[:arrow], texts[arrow + 1 :]
    if not old or not new:
        return None
    return GoReplace(old[0], new[0], new[1] if len(new) > 1 else "", pos)
