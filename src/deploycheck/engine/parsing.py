"""Read and parse files, in worker processes when there are many.

Each worker returns plain frozen records (models, problems, suppressions) that pickle cheaply;
text stays in the worker.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from deploycheck.discovery import FoundFile, read_text
from deploycheck.engine.kinds import BY_NAME
from deploycheck.engine.suppression import Suppression, scan
from deploycheck.model import Location, ParseProblem, SkippedFile, SourceFile
from deploycheck.parsers import Parsed

PARALLEL_THRESHOLD = 150
CHUNK = 64
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


def _parse_chunk(chunk: Sequence[FoundFile]) -> list[FileResult]:
    # Parsing allocates many small, long-lived objects and frees few: the cyclic collector
    # would rescan them again and again for nothing (a third of the time on large trees).
    gc.disable()
    try:
        return [parse_file(f) for f in chunk]
    finally:
        gc.enable()


def parse_all(files: Sequence[FoundFile], jobs: int,
              progress: Callable[[int, int], None] | None = None) -> list[FileResult]:
    """Parse every file, keeping discovery order. `jobs` 0 means one process per core."""
    workers = jobs or (os.cpu_count() or 1)
    total = len(files)
    # The Dockerfile parser is Go code: once its runtime is loaded in this process (an earlier
    # check in the same process, or --fix re-checking), forked children that call into it can
    # hang, so such a process parses on its own. A fresh CLI run never has it loaded here.
    go_loaded = "dockerfile" in sys.modules
    if workers <= 1 or total < PARALLEL_THRESHOLD or go_loaded:
        out = []
        gc.disable()
        try:
            for index, found in enumerate(files, 1):
                out.append(parse_file(found))
                if progress and index % 50 == 0:
                    progress(index, total)
        finally:
            gc.enable()
        return out
    # Workers take the kinds whose parsing costs much more than sending the result back
    # (Go source, manifests, Dockerfiles, nginx); this process parses the rest meanwhile, while
    # the results of the workers arrive. Sending back a model costs about as much as making it
    # for compose and env files, so those stay here.
    remote = [i for i, f in enumerate(files) if f.kind in REMOTE_KINDS]
    local = [i for i, f in enumerate(files) if f.kind not in REMOTE_KINDS]
    chunks = [remote[i: i + CHUNK] for i in range(0, len(remote), CHUNK)]
    slots: list[FileResult | None] = [None] * total
    done = 0
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [(chunk, pool.submit(_parse_chunk, [files[i] for i in chunk])) for chunk in chunks]
        gc.disable()
        try:
            for index in local:
                slots[index] = parse_file(files[index])
                done += 1
                if progress and done % 200 == 0:
                    progress(done, total)
            for chunk, future in futures:
                for index, result in zip(chunk, future.result(), strict=True):
                    slots[index] = result
                done += len(chunk)
                if progress:
                    progress(done, total)
        finally:
            gc.enable()
    return [r for r in slots if r is not None]
