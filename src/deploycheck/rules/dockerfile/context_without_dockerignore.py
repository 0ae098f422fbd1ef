from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
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
                )


def _first_whole_copy(df: Dockerfile) -> CopySpec | None:
    for stage in df.stages:
        for copy in stage.copies:
            if copy.copies_whole_context:
                return copy
    return None


def _has_dir(project: Project, context: str, name: str) -> bool:
    path = f"{context}/{name}" if context else name
    return project.has_dir(path) or project.has_file(path + "/")


