"""Read Docker Compose files (`compose*.yaml`, `docker-compose*.yml`) into `ComposeFile` models.

YAML goes through `yamlnodes` (positions, `<<` merge keys, bounds on aliases and depth); the
positioned tree is copied into the model's own `RawMap` and interpreted by
`deploycheck.model.compose.read_compose` with no variables set. `assemble` re-reads it with the
folder's `.env` when building the project.
"""

from __future__ import annotations

from dataclasses import replace

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.model.compose import (
    ComposeFile,
    RawMap,
    RawNode,
    RawScalar,
    RawSeq,
    read_compose,
    uses_env,
)
from deploycheck.parsers import Parsed
from deploycheck.parsers.yamlnodes import YMap, YNode, YScalar, YSeq, load


def _tag(tag: str) -> str:
    # "tag:yaml.org,2002:int" → "int"; local tags such as Compose's `!reset` stay as written.
    return tag.rsplit(":", 1)[1] if tag.startswith("tag:yaml.org,2002:") else tag


def _scalar(node: YScalar) -> RawScalar:
    return RawScalar(node.value, _tag(node.tag), node.pos, node.plain)


def _local_tag(lines: tuple[str, ...], pos: Position) -> str:
    """`!reset`/`!override` on a list or mapping (yamlnodes keeps tags of scalars only).

    A tagged node starts at its tag, so the text at the node's position shows it.
    """
    if 0 < pos.line <= len(lines):
        text = lines[pos.line - 1][pos.column - 1 : pos.column + 9]
        for tag in ("!reset", "!override"):
            if text.startswith(tag):
                return tag
    return ""


def _convert(node: YNode, lines: tuple[str, ...]) -> RawNode:
    # Depth is bounded by yamlnodes.MAX_DEPTH, so recursion here is safe.
    if isinstance(node, YScalar):
        return _scalar(node)
    if isinstance(node, YSeq):
        return RawSeq(tuple(_convert(item, lines) for item in node.items), node.pos,
                      _local_tag(lines, node.pos))
    return RawMap(tuple((_scalar(k), _convert(v, lines)) for k, v in node.pairs), node.pos,
                  _local_tag(lines, node.pos))


def parse(source: SourceFile) -> Parsed:
    try:
        return _parse(source)
    except Exception as exc:  # a last resort: a parser reports, never raises
        return Parsed(problems=(ParseProblem(Location.at(source.path, Position(1, 1)),
                                             f"could not read compose file: {exc}", "compose"),))


def _parse(source: SourceFile) -> Parsed:
    docs, problems = load(source.path, source.text)
    roots = [doc for doc in docs if doc.root is not None]
    if problems:
        return Parsed(models=(ComposeFile(source.path),), problems=tuple(problems))
    if not roots:
        return Parsed(models=(ComposeFile(source.path),))
    root = roots[0].root
    if len(roots) > 1:
        problems.append(ParseProblem(Location.at(source.path, roots[1].pos),
                                     "Compose reads only one YAML document per file; the documents "
                                     "after the first are ignored", "compose"))
    if not isinstance(root, YMap):
        problems.append(ParseProblem(Location.at(source.path, roots[0].pos),
                                     "a compose file must be a mapping (with a `services:` key)",
                                     "compose"))
        return Parsed(models=(ComposeFile(source.path),), problems=tuple(problems))
    tree = _convert(root, source.lines or tuple(source.text.splitlines()))
    assert isinstance(tree, RawMap)
    model, more = read_compose(source.path, tree)
    if not uses_env(model):
        # The tree is kept only to re-read the file with its folder's .env; without variables
        # there is nothing to re-read, and it would only weigh on the trip back from a worker.
        model = replace(model, tree=None)
    return Parsed(models=(model,), problems=tuple(problems + more))
