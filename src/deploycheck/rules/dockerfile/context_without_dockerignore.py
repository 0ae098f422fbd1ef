from __future__ import annotations

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
from deploycheck.model.dockerfile import CopySpec, Dockerfile
from deploycheck.model.dockerignore import DockerIgnore, ignore_file_for
from deploycheck.model.project import Project
from deploycheck.rules.dockerfile._common import at

# Folders that never belong in an image and make the context huge.
HEAVY_DIRS = (".git", "node_modules", ".venv", "venv", "__pycache__")


class ContextWithoutDockerignore(Rule[Project]):
    """`COPY . .` with no .dockerignore, or one that lets .git / node_modules through.

    ## Why
    The build sends the whole context folder to the builder, and `COPY . .` bakes all of it into
    the image: the `.git` history (with every secret ever committed), local `node_modules` or
    virtualenvs built for the host's platform, caches. Builds get slow, images big, and
    host-built dependencies can shadow the ones installed in the image (pitfall O8;
    google/mcp-security#192).

    ## Bad
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    CMD ["python", "-u", "app.py"]
    ```

    ## Good
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    CMD ["python", "-u", "app.py"]
    ```
    ```.dockerignore
    .git
    .env*
    node_modules
    .venv
    __pycache__
    ```

    ## Fix
    Add a `.dockerignore` next to the Dockerfile (at the root of the build context) listing
    `.git`, `.env*`, `node_modules`, virtualenvs and build output; or copy only what the image
    needs.
    """

    code = "DC114"
    name = "context-without-dockerignore"
    category = Category.BUILD
    severity = Severity.WARNING
    target = Project
    fix = "add a .dockerignore to the build context (.git, .env*, node_modules, .venv)"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        ignores = model.of(DockerIgnore)
        for df in model.of(Dockerfile):
            copy = _first_whole_copy(df)
            if copy is None:
                continue
            context = df.directory
            ignore = ignore_file_for(df.path, context, ignores)
            label = f"{context}/" if context else "the root folder"
            present = [d for d in HEAVY_DIRS if _has_dir(model, context, d)]
            if ignore is None:
                also = f", including {', '.join(present)}," if present else ""
                yield Violation(
                    f"{copy.keyword} . copies the whole build context ({label}){also} into the "
                    f"image, and {label} has no .dockerignore: everything in it is sent to the "
                    "builder and baked into the image",
                    at(df, copy.pos),
                    edits=(_new_ignore_file(context),),
                    # a build that copies one of those files by name would break
                    safe_fix=not _copies_excluded(df),
                )
                continue
            missed = [d for d in present if not ignore.ignores(d)]
            if missed:
                yield Violation(
                    f"{copy.keyword} . copies the whole build context into the image, and "
                    f"{ignore.path} does not exclude {', '.join(missed)}, which "
                    f"{'is' if len(missed) == 1 else 'are'} there",
                    at(df, copy.pos),
                    (Related(Location.at(ignore.path, None), "the .dockerignore in effect"),),
                    fix=f"add {', '.join(missed)} to {ignore.path}",
                    edits=_prepend(ignore, missed),
                )


# What a new .dockerignore leaves out: version control, local environments and caches built for
# the host, and local secrets (DC115 is the error when those reach the image).
_NEW_IGNORE = (
    "# Kept out of the build context and the image (written by deploycheck --fix, DC114).\n"
    ".git\n.gitignore\n.dockerignore\n"
    ".env\n.env.*\n"
    "node_modules\n.venv\nvenv\n__pycache__\n*.pyc\n.pytest_cache\n.mypy_cache\n"
)


def _copies_excluded(df: Dockerfile) -> bool:
    names = {line for line in _NEW_IGNORE.splitlines() if line and not line.startswith("#")}
    for stage in df.stages:
        for copy in stage.copies:
            for src in copy.sources if copy.from_context else ():
                base = src.rstrip("/").rpartition("/")[2]
                if base in names or base.startswith(".env") or base.endswith(".pyc"):
                    return True
    return False


def _new_ignore_file(context: str) -> TextEdit:
    path = f"{context}/.dockerignore" if context else ".dockerignore"
    return TextEdit(path, 1, 1, 1, 1, _NEW_IGNORE)


def _prepend(ignore: DockerIgnore, missed: list[str]) -> tuple[TextEdit, ...]:
    """The missing folders at the top of the file, so the file's own `!` exceptions below
    still win; none when the file deliberately re-includes one of them."""
    if any(p.negated and p.match(d) for p in ignore.patterns for d in missed):
        return ()
    return (TextEdit(ignore.path, 1, 1, 1, 1, "".join(d + "\n" for d in missed)),)


def _first_whole_copy(df: Dockerfile) -> CopySpec | None:
    for stage in df.stages:
        for copy in stage.copies:
            if copy.copies_whole_context:
                return copy
    return None


def _has_dir(project: Project, context: str, name: str) -> bool:
    path = f"{context}/{name}" if context else name
    return project.has_dir(path) or project.has_file(path + "/")


