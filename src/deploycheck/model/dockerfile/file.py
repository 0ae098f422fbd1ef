"""A parsed Dockerfile as a whole: its stages, global ARGs, and COPY --from between stages.

Finds a stage by name or index, the stages built FROM a stage, and where a file built in one
stage ends up by following `COPY --from` lines from stage to stage.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from deploycheck.model.dockerfile.instructions import ArgDecl, CopySpec, Instruction
from deploycheck.model.dockerfile.stage import Stage


@dataclass(frozen=True, slots=True)
class Dockerfile:
    """A parsed Dockerfile. `directory` is its folder relative to the root (the default build
    context). `global_args` are the ARGs before the first FROM."""

    path: str
    directory: str
    stages: tuple[Stage, ...]
    global_args: tuple[ArgDecl, ...] = ()
    instructions: tuple[Instruction, ...] = ()

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    def stage(self, ref: str | int) -> Stage | None:
        """A stage by name (case-insensitive) or index."""
        if isinstance(ref, int) or ref.isdigit():
            i = int(ref)
            return self.stages[i] if 0 <= i < len(self.stages) else None
        low = ref.lower()
        for stage in self.stages:
            if stage.name is not None and stage.name.lower() == low:
                return stage
        return None

    def descendants(self, stage: Stage) -> tuple[Stage, ...]:
        """Stages built FROM `stage`, directly or through other stages (including itself)."""
        return tuple(s for s in self.stages if any(c.index == stage.index for c in s.chain()))

    def copies_from(self, stage: Stage) -> Iterator[tuple[Stage, CopySpec]]:
        """Every `COPY --from` that reads from `stage` (or a stage built FROM it)."""
        sources = {s.index for s in self.descendants(stage)}
        for target in self.stages:
            for copy in target.copies:
                if copy.from_stage is not None and copy.from_stage in sources:
                    yield target, copy

    def copies_pulling(self, stage: Stage, path: str) -> tuple[tuple[Stage, CopySpec], ...]:
        """The COPY --from lines (with their stage) that take `path` out of `stage`."""
        return tuple((t, c) for t, c in self.copies_from(stage) if c.pulls(path))

    def runtime_stages_of(self, stage: Stage, path: str) -> tuple[tuple[Stage, CopySpec], ...]:
        """Where a file built in `stage` ends up: copies of it into other stages, following
        further copies out of those stages. The stage itself is not included."""
        out: list[tuple[Stage, CopySpec]] = []
        todo = [(stage, path)]
        seen: set[tuple[int, str]] = set()
        while todo and len(seen) < 200:
            src, p = todo.pop()
            if (src.index, p) in seen:
                continue
            seen.add((src.index, p))
            for target, copy in self.copies_pulling(src, p):
                if target.index == src.index:
                    continue
                out.append((target, copy))
                todo.append((target, copy.dest_for(p)))
        return tuple(out)
