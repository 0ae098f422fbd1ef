from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.dockerfile import CopySpec, Dockerfile, Stage, resolve_path
from deploycheck.model.golang import RuntimeFile
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_image import (
    chain_copies,
    context_path,
    from_related,
    image_groups,
    mounted_at,
    working_dir,
)

_GLOB = "*?["
_SERVES = frozenset({"Static", "StaticFS", "StaticFile", "http.Dir", "gin.Dir"})


class RuntimeFilesNotInImage(Rule[Project]):
    """Files the Go app opens by relative path at run time are not in its image.

    ## Why
    `r.LoadHTMLGlob("templates/*")`, `r.Static("/static", "./static")` and
    `os.ReadFile("config.yaml")` resolve against the working directory of the running process.
    A multi-stage build usually copies only the binary into the final stage, so the folder the
    app needs is not there: Gin panics at start with
    `` panic: html/template: pattern matches no files: `templates/*` ``, static files answer
    404, and config reads fail with `open config.yaml: no such file or directory`
    (pitfalls D7, D8; bscott/subtrackr#20, mtlynch/picoshare#4).
    deploycheck reports this only for files that exist in the build context and that no COPY
    (nor a volume mount in compose or Kubernetes) puts where the app looks.

    ## Bad
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM gcr.io/distroless/static
    WORKDIR /app
    COPY --from=build /out/app /app/app
    ENTRYPOINT ["/app/app"]
    ```

    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.New()
        r.LoadHTMLGlob("templates/*")
        r.Run(":8080")
    }
    ```

    ```templates/index.html
    <h1>Hello</h1>
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM gcr.io/distroless/static
    WORKDIR /app
    COPY --from=build /out/app /app/app
    COPY templates ./templates
    ENTRYPOINT ["/app/app"]
    ```

    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.New()
        r.LoadHTMLGlob("templates/*")
        r.Run(":8080")
    }
    ```

    ```templates/index.html
    <h1>Hello</h1>
    ```

    ## Fix
    Copy the folder to where the app looks (`COPY templates ./templates` after `WORKDIR /app`;
    copying `templates/` into `./` would flatten it), or embed the files in the binary with
    `//go:embed templates` and `embed.FS`.
    """

    code = "DC724"
    name = "runtime-files-not-in-image"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = Project
    fix = "COPY the files into the final stage where the app looks for them, or embed them with go:embed"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for df, final, deps in image_groups(model):
            if not _known_base(final):
                continue  # a custom base image may already hold the files
            dep0 = next((d for d in deps if d.go is not None), None)
            if dep0 is None or dep0.go is None:
                continue
            seen: set[tuple[str, int]] = set()
            for rf in dep0.go.runtime_files:
                key = (rf.path, rf.pos.line)
                if key in seen or not _candidate(rf):
                    continue
                seen.add(key)
                violation = self._file(model, df, final, deps, rf)
                if violation is not None:
                    yield violation

    def _file(self, model: Project, df: Dockerfile, final: Stage, deps: Sequence[Deployment],
              rf: RuntimeFile) -> Violation | None:
        rel = _base(rf.file)
        if not rel:
            return None
        missing: list[tuple[Deployment, str, str, Location | None]] = []
        for dep in deps:
            if dep.go is None:
                continue
            if not _in_context(model, dep, rel):
                return None  # not a project file: it comes from elsewhere (a mount, a secret)
            wd, wd_loc = working_dir(dep)
            target = resolve_path(wd, rel).rstrip("/") or "/"
            if mounted_at(dep, target) is not None or _provided(model, dep, final, target):
                continue
            missing.append((dep, target, wd, wd_loc))
        if not missing:
            return None
        dep, target, wd, wd_loc = missing[0]
        related = [from_related(df, final, f"stage {final.label} ({final.root_image}) is what runs")]
        if wd_loc is not None:
            related.append(Related(wd_loc, f"the working directory is set to {wd}"))
        copies = [c for _, c in chain_copies(final)]
        if copies:
            related.append(Related(Location.at(df.path, copies[0].pos),
                                   f"the final stage copies only {_listing(copies)}"))
        scope = ""
        if len(missing) < len([d for d in deps if d.go is not None]):
            scope = f" in {dep.label}"
        return Violation(
            f'{rf.path}:{rf.pos.line}: {_call(rf)} looks in {target} at run time '
            f"(working directory {wd}), but nothing in stage "
            f"{final.label} of {df.path} puts {rel} there{scope}, so "
            f"{_consequence(rf, rel)}",
            Location.at(rf.path, rf.pos),
            tuple(related),
            fix=f"add `COPY {rel} {target}` to the final stage of {df.path} (or `COPY --from=<build "
                f"stage> <its copy of {rel}> {target}`), or embed it with go:embed",
        )


def _call(rf: RuntimeFile) -> str:
    if rf.call in ("Static", "StaticFS", "StaticFile"):
        return f'{rf.call}(..., "{rf.file}")'
    return f'{rf.call}("{rf.file}")'


def _candidate(rf: RuntimeFile) -> bool:
    if not rf.is_relative or rf.error_ignored or "$" in rf.file:
        return False
    return not rf.call.startswith("godotenv")


def _base(file: str) -> str:
    """The part of a path before its first glob: `./templates/*.html` → `templates`."""
    parts = []
    for part in file.split("/"):
        if any(c in part for c in _GLOB):
            break
        parts.append(part)
    return posixpath.normpath("/".join(parts)).lstrip("/") if parts else ""


def _known_base(final: Stage) -> bool:
    return final.traits.known


def _in_context(model: Project, dep: Deployment, rel: str) -> bool:
    path = context_path(dep, rel)
    return bool(path) and (model.has_file(path) or model.has_dir(path))


def _provided(model: Project, dep: Deployment, final: Stage, target: str) -> bool:
    for st in final.chain():
        for run in st.runs:
            # mkdir, git clone, a generator...: the file may be made in the image
            if posixpath.basename(target) in run.text:
                return True
    return any(_copy_provides(model, dep, copy, target) for _, copy in chain_copies(final))


def _copy_provides(model: Project, dep: Deployment, copy: CopySpec, target: str) -> bool:
    dest = copy.dest_path.rstrip("/") or "/"
    for src in copy.sources:
        if any(c in src for c in _GLOB + "$") or src.startswith(("http://", "https://", "git@")):
            if _within(target, dest) or _within(dest, target):
                return True
            continue
        if not copy.from_context:
            landing = copy.dest_for(src).rstrip("/") or "/"
            if _within(landing, target) or _within(target, landing) or _within(target, dest):
                return True
            continue
        rel = posixpath.normpath(src).lstrip("/")
        rel = "" if rel == "." else rel
        path = context_path(dep, rel)
        is_dir = rel == "" or model.has_dir(path)
        if is_dir:
            # A folder's contents land in dest: src/x → dest/x.
            if target == dest:
                return True
            if _within(target, dest):
                sub = target[len(dest.rstrip("/")) + 1:]
                inner = context_path(dep, posixpath.join(rel, sub) if rel else sub)
                if model.has_file(inner) or model.has_dir(inner):
                    return True
            continue
        landing = copy.dest_for(src).rstrip("/") or "/"
        if landing == target or _within(landing, target):
            return True
    return False


def _within(path: str, folder: str) -> bool:
    """`path` is `folder` or inside it."""
    folder = folder.rstrip("/")
    return path == folder or path.startswith(folder + "/") or folder == ""


def _listing(copies: Sequence[CopySpec]) -> str:
    names = []
    for copy in copies[:3]:
        srcs = " ".join(copy.sources)
        names.append(f"{srcs} → {copy.dest_path}")
    more = f" and {len(copies) - 3} more" if len(copies) > 3 else ""
    return "; ".join(names) + more


def _consequence(rf: RuntimeFile, rel: str) -> str:
    if rf.call == "LoadHTMLGlob":
        return f"Gin panics at start: panic: html/template: pattern matches no files: `{rf.file}`"
    if rf.call == "LoadHTMLFiles":
        return f"Gin panics at start: `panic: open {rf.file}: no such file or directory`"
    if rf.call in _SERVES:
        return f"every request for these files answers 404 (`{rel}` is missing)"
    return f"the call fails with `open {rf.file}: no such file or directory`"



