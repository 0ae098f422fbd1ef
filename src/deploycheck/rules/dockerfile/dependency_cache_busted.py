from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import (
    Category,
    Location,
    NoOptions,
    Related,
    Rule,
    Severity,
    TextEdit,
    Violation,
)
from deploycheck.model.dockerfile import CopySpec, Dockerfile, RunStep, Stage
from deploycheck.rules.dockerfile._common import at, short

# Dependency steps whose result only depends on manifest files.
_DEP_STEP = re.compile(
    r"\bgo\s+mod\s+download\b|\bpip3?\s+install\b[^\n]*\s(-r|--requirement)[\s=]"
    r"|\buv\s+sync\b|\bpoetry\s+install\b|\bpipenv\s+install\b|\bnpm\s+(ci|install)\b"
    r"|\byarn\s+install\b|\bpnpm\s+install\b"
)


class DependencyCacheBusted(Rule[Dockerfile]):
    """The whole context is copied before the dependency download step.

    ## Why
    Docker reuses a layer only while everything before it is unchanged. With `COPY . .` before
    `RUN go mod download` (or `pip install -r requirements.txt`), any edit to any source file
    invalidates the copy, so every build downloads and installs all dependencies again: minutes
    per build in CI (pitfall O9; kubernetes-sigs/kubebuilder#755).

    ## Bad
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN go mod download
    RUN CGO_ENABLED=0 go build -o /out/server .
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY go.mod go.sum ./
    RUN go mod download
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/server .
    ```

    ## Fix
    Copy only the dependency manifests first (`go.mod go.sum`, `requirements.txt`,
    `package.json package-lock.json`), run the download or install, then `COPY . .`. BuildKit
    cache mounts (`RUN --mount=type=cache,target=/go/pkg/mod`) also help.
    """

    code = "DC106"
    name = "dependency-cache-busted"
    category = Category.BUILD
    severity = Severity.INFO
    target = Dockerfile
    fix = "copy the dependency manifests first, install, then COPY . ."

    def check(self, model: Dockerfile, options: NoOptions) -> Iterator[Violation]:
        for stage in model.stages:
            whole = [c for c in stage.copies if c.copies_whole_context]
            if not whole:
                continue
            first = whole[0]
            for run in stage.runs:
                if run.pos.line < first.pos.line:
                    continue
                if any("type=cache" in m for m in run.mounts):
                    continue
                match = _DEP_STEP.search(run.text)
                if match is None:
                    continue
                step = match.group(0).strip()
                earlier = any(r.pos.line < first.pos.line and _DEP_STEP.search(r.text)
                              for r in stage.runs)
                if earlier:
                    continue
                yield Violation(
                    f"{first.keyword} {' '.join(first.sources)} {first.dest} copies the whole "
                    f"build context before {short(step)} (line {run.pos.line}), so any source "
                    "change re-runs the dependency download on every build",
                    at(model, first.pos),
                    (Related(Location.at(model.path, run.pos), f"{step} runs here"),),
                    edits=_manifests_first(model, stage, first, run),
                    safe_fix=False,  # a manifest that includes other files needs those too
                )
                break


_PLAIN_WORD = re.compile(r"[A-Za-z0-9_./:=,@%+<>~-]+")


def _manifests_first(model: Dockerfile, stage: Stage, whole: CopySpec,
                     run: RunStep) -> tuple[TextEdit, ...]:
    """Copy the manifests and run the download before `COPY . .`, for Go modules and pip
    requirements files, when `COPY . .` lands in the working directory the step runs in."""
    workdir = stage.workdir_at(whole.pos.line)
    if whole.dest_path.rstrip("/") != workdir.rstrip("/") or stage.workdir_at(run.pos.line) != workdir:
        return ()
    lines: list[str] = []
    for command in run.commands():
        words = command.words
        if words[:3] == ("go", "mod", "download"):
            lines = ["COPY go.mod go.sum* ./", "RUN go mod download"]
            break
        pips = [p for p in stage.pip_installs() if p.pos == run.pos and p.requirements]
        if pips and "install" in words and any(w in ("-r", "--requirement") or
                                               w.startswith(("-r", "--requirement="))
                                               for w in words):
            reqs = pips[0].requirements
            if not all(_PLAIN_WORD.fullmatch(w) for w in (*words, *reqs)) or command.assigns:
                return ()
            lines = [f"COPY {' '.join(reqs)} ./" if all("/" not in r for r in reqs)
                     else "\n".join(f"COPY {r} {r}" for r in reqs), "RUN " + " ".join(words)]
            break
    if not lines:
        return ()
    line = whole.pos.line
    return (TextEdit(model.path, line, 1, line, 1, "\n".join(lines) + "\n"),)
