"""Read and parse files, shared with forked children when there are many (`forking`).

A child sends back plain frozen records (models, problems, suppressions); text stays there.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from deploycheck.discovery import FoundFile, read_text
from deploycheck.engine import forking
from deploycheck.engine.kinds import BY_NAME
from deploycheck.engine.suppression import Suppression, scan
from deploycheck.model import Location, ParseProblem, SkippedFile, SourceFile
from deploycheck.parsers import Parsed

PARALLEL_THRESHOLD = 150
CHUNK = 32
REMOTE_KINDS = frozenset({"go", "yaml", "dockerfile", "nginx", "gomod", "python"})


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    kind: str
    parsed: Parsed
    suppressions: tuple[Suppression, ...]
    skipped: SkippedFile | None = None


@cache
def _parser(kind: str) -> ModuleType:
    return importlib.import_module(BY_NAME[kind].parser)


def parse_source(source: SourceFile) -> Parsed:
    """Parse one decoded file with its kind's parser; a parser bug becomes a located problem."""
    try:
        parsed: Parsed = _parser(source.kind).parse(source)
    except RecursionError:
        parsed = Parsed(problems=(ParseProblem(Location(source.path, 1, 1),
                                               "nesting too deep to read safely", source.kind),))
    except Exception as exc:  # a parser bug must not hide the other files' findings
        if os.environ.get("DEPLOYCHECK_DEBUG"):
            raise
        parsed = Parsed(problems=(ParseProblem(
            Location(source.path, 1, 1),
            f"deploycheck could not read this file (internal error {type(exc).__name__}: {exc}); "
            "please report it", source.kind),))
    return parsed


def parse_file(found: FoundFile) -> FileResult:
    text, why = read_text(found)
    if text is None:
        return FileResult(found.path, found.kind, Parsed(), (), SkippedFile(Location(found.path), why))
    source = SourceFile.of(found.path, text, found.kind)
    return FileResult(found.path, found.kind, parse_source(source), scan(found.path, text))


def parse_all(files: Sequence[FoundFile], jobs: int,
              progress: Callable[[int, int], None] | None = None,
              meanwhile: Callable[[], None] | None = None) -> list[FileResult]:
    """Parse every file, keeping discovery order. `jobs` counts processes (this one included);
    0 means one per core. `meanwhile` runs in this process while children parse."""
    processes = jobs or (os.cpu_count() or 1)
    total = len(files)
    if total < PARALLEL_THRESHOLD or not forking.usable():
        processes = 1
    # Chunks of files of the kinds worth parsing elsewhere (Go source, manifests, Dockerfiles,
    # nginx) are shared; compose and env files cost as much to send back as to read, so they
    # are read here. The Dockerfile parser is Go code: once its runtime is loaded in this
    # process (an earlier check in the same process, or --fix re-checking), a forked child that
    # calls into it can hang, so Dockerfiles are then read here too.
    go_loaded = "dockerfile" in sys.modules
    shared = [i for i, f in enumerate(files)
              if f.kind in REMOTE_KINDS and not (go_loaded and f.kind == "dockerfile")]
    taken = set(shared)
    local = [i for i in range(total) if i not in taken]
    size = max(CHUNK, -(-len(shared) // forking.MAX_JOBS))
    chunks = [shared[i: i + size] for i in range(0, len(shared), size)]
    anywhere = range(len(chunks))
    chunks += [local[i: i + size] for i in range(0, len(local), size)]
    here_only = range(len(anywhere), len(chunks))
    if processes > 1:
        for kind in {f.kind for f in files}:
            _parser(kind)  # imported once, before the children are forked

    def parse_chunk(number: int) -> list[FileResult]:
        return [parse_file(files[i]) for i in chunks[number]]

    slots: list[FileResult | None] = [None] * total
    done = 0
    with forking.paused_gc():
        for number, results in forking.run(anywhere, parse_chunk, processes=processes,
                                           here_only=here_only, meanwhile=meanwhile):
            for index, result in zip(chunks[number], results, strict=True):
                slots[index] = result
            done += len(results)
            if progress:
                progress(done, total)
    return [r for r in slots if r is not None]
