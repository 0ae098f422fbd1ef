from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.dockerfile import CopySpec, Dockerfile, ImageFamily, Stage
from deploycheck.rules.dockerfile._common import at, short

# Names people give build stages; none is an official image, so BuildKit's fallback (pull an
# image of that name) cannot be what was meant.
STAGE_LIKE = frozenset({
    "build", "builder", "build-env", "base", "deps", "dependencies", "compile", "compiler",
    "runtime", "runner", "development", "dev", "prod", "production", "test", "tests", "final",
    "release", "assets", "frontend", "backend", "installer", "modules", "go-builder",
    "gobuild", "go-build", "python-deps", "venv", "wheels", "stage", "app-build",
})


class CopyFromMissingStage(Rule[Dockerfile]):
    """COPY --from names a stage that is not defined before it, or a file that stage never has.

    ## Why
    `--from=<name>` that matches no earlier stage is taken as an image name, so BuildKit tries
    to pull `docker.io/library/<name>:latest` and the build stops with `pull access denied,
    repository does not exist or may require authorization` (or `failed to resolve source
    metadata`). A stage index that is not an earlier stage fails the same way. When the source
    stage starts from `scratch`, it holds only what was copied into it, so asking it for another
    path fails with `failed to compute cache key: "/app/config.yaml": not found` (D7, D8).

    ## Bad
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/server .

    FROM gcr.io/distroless/static-debian12
    COPY --from=builder /out/server /server
    ENTRYPOINT ["/server"]
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/server .

    FROM gcr.io/distroless/static-debian12
    COPY --from=build /out/server /server
    ENTRYPOINT ["/server"]
    ```

    ## Fix
    Name a stage defined above the COPY (names are case-insensitive), or copy a path the source
    stage really contains.
    """

    code = "DC102"
    name = "copy-from-missing-stage"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = Dockerfile
    fix = "make --from name a stage defined earlier in this Dockerfile"

    def check(self, model: Dockerfile, options: NoOptions) -> Iterator[Violation]:
        names = [s.name for s in model.stages if s.name]
        for stage in model.stages:
            for copy in stage.copies:
                if copy.from_ref is None or "$" in copy.from_ref:
                    continue
                if copy.from_stage is not None:
                    yield from self._index(model, stage, copy)
                    continue
                ref = copy.from_ref
                if any(c in ref for c in "/:@."):
                    continue
                close = [n for n in names if _distance(n.lower(), ref.lower()) <= 2]
                if not close and ref.lower() not in STAGE_LIKE:
                    continue
                hint = f"; did you mean --from={close[0]}?" if close else ""
                defined = ", ".join(names) if names else "none are named"
                yield Violation(
                    f"COPY --from={ref} names no stage (stages: {defined}), so docker build "
                    f"tries to pull the image docker.io/library/{ref.lower()}:latest and fails "
                    f"with `pull access denied, repository does not exist`{hint}",
                    at(model, copy.pos),
                    fix=f"use --from={close[0]}" if close else self.fix,
                )

    def _index(self, model: Dockerfile, stage: Stage, copy: CopySpec) -> Iterator[Violation]:
        index = copy.from_stage
        assert index is not None
        if index >= stage.index:
            what = "this stage itself" if index == stage.index else (
                f"stage #{index}, defined later" if index < len(model.stages)
                else f"stage #{index}, which does not exist")
            yield Violation(
                f"COPY --from={copy.from_ref} refers to {what}; --from must name an earlier "
                "stage, so docker build fails", at(model, copy.pos))
            return
        source = model.stages[index]
        yield from self._missing_paths(model, stage, copy, source)

    def _missing_paths(self, model: Dockerfile, stage: Stage, copy: CopySpec,
                       source: Stage) -> Iterator[Violation]:
        chain = source.chain()
        if classify_root(source) is not ImageFamily.SCRATCH:
            return
        if any(s.runs for s in chain):
            return
        produced: list[tuple[str, CopySpec]] = []
        for s in chain:
            for c in s.copies:
                produced.append((c.dest_path.rstrip("/") or "/", c))
        for i, src in enumerate(copy.sources):
            if any(ch in src for ch in "*?[$") or src.startswith("<<"):
                continue
            path = "/" + src.strip("/") if src.strip("/") else "/"
            if path == "/" or any(_related_path(path, dest) for dest, _ in produced):
                continue
            copied = ", ".join(short(d, 40) for d, _ in produced) or "nothing"
            yield Violation(
                f"COPY --from={copy.from_ref} {src}: stage {source.label} starts from scratch "
                f"and only receives {copied}, so {path} is not there and docker build fails "
                f'with `"{path}": not found`',
                at(model, copy.source_pos(i)),
                tuple(Related(Location.at(model.path, c.pos), f"copies into {d}")
                      for d, c in produced[:5]),
                fix=f"copy {path} into stage {source.label} first, or copy it from the stage "
                    "that builds it",
            )


def classify_root(stage: Stage) -> ImageFamily:
    return stage.chain()[-1].base_traits.family


def _related_path(path: str, dest: str) -> bool:
    return path == dest or path.startswith(dest + "/") or dest.startswith(path + "/")


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, enough for telling a typo from another name."""
    if abs(len(a) - len(b)) > 2:
        return 3
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]
