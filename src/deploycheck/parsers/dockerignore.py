"""`.dockerignore` reader, following moby/patternmatcher `ignorefile.ReadAll` line by line."""

from __future__ import annotations

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.model.dockerignore import (
    DockerIgnore,
    IgnorePattern,
    go_clean,
    go_match_syntax_error,
)
from deploycheck.parsers import Parsed


def parse(source: SourceFile) -> Parsed:
    patterns: list[IgnorePattern] = []
    problems: list[ParseProblem] = []
    text = source.text.removeprefix("\ufeff")
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        # Comments are recognised before trimming, exactly like ReadAll: " # x" is a pattern.
        if line.startswith("#"):
            continue
        stripped = line.strip()
        if not stripped:
            continue
        column = len(line) - len(line.lstrip()) + 1
        pos = Position(number, column)
        negated = stripped.startswith("!")
        body = stripped[1:].strip() if negated else stripped
        if negated and not body:
            problems.append(ParseProblem(
                Location.at(source.path, pos),
                'illegal exclusion pattern: "!" (docker build refuses this .dockerignore)',
                "dockerignore",
            ))
            continue
        pattern = go_clean(body)
        if len(pattern) > 1 and pattern.startswith("/"):
            pattern = pattern[1:]
        if go_match_syntax_error(pattern):
            problems.append(ParseProblem(
                Location.at(source.path, pos),
                f"syntax error in pattern {body!r} (docker build refuses this .dockerignore)",
                "dockerignore",
            ))
            continue
        patterns.append(IgnorePattern.build(stripped, pattern, negated, pos))
    name = source.name
    for_dockerfile = name[: -len(".dockerignore")] if name != ".dockerignore" else ""
    model = DockerIgnore(source.path, source.directory, tuple(patterns), for_dockerfile)
    return Parsed(models=(model,), problems=tuple(problems))
