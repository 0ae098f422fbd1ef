from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.compose import ComposeFile
from deploycheck.model.project import Project

_TEMPLATES = (".example", ".sample", ".dist", ".template", ".tmpl", ".default")


class EnvFileMissing(Rule[Project]):
    """An `env_file` that does not exist: `docker compose up` stops before starting anything.

    ## Why
    Every file listed under `env_file:` must exist unless it is marked `required: false`;
    otherwise Compose stops with `env file /srv/app/.env not found: stat /srv/app/.env: no such
    file or directory` and starts nothing (O10). This often happens on a fresh checkout or a
    server, because `.env` is (rightly) git-ignored and only `.env.example` is committed. Paths
    are resolved against the compose file's folder; paths that use variables, absolute paths and
    paths outside the checked tree are not judged.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        env_file: config/api.env
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        env_file:
          - path: config/api.env
            required: false
    ```

    ## Fix
    Create the file (for example by copying `.env.example`), fix the path, or mark it optional
    with the long syntax `env_file: [{path: .env, required: false}]` (Compose 2.24+).
    """

    code = "DC211"
    name = "env-file-missing"
    category = Category.CONFIG
    severity = Severity.ERROR
    target = Project
    fix = "create the file, fix the path, or mark it `required: false`"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        reported: set[tuple[str, int, int]] = set()
        for compose in model.of(ComposeFile):
            for svc in compose.services:
                for ref in svc.env_files:
                    if not ref.required or ref.interpolated or not ref.file:
                        continue
                    if ref.file.startswith(("/", "../")) or ref.file == ".." or "~" in ref.raw:
                        continue
                    if model.has_file(ref.file):
                        continue
                    key = (ref.path, ref.pos.line, ref.pos.column)
                    if key in reported:
                        continue
                    reported.add(key)
                    template = next((ref.file + t for t in _TEMPLATES
                                     if model.has_file(ref.file + t)), "")
                    related = (Related(Location.at(template), "the committed template"),) \
                        if template else ()
                    yield Violation(
                        f"service `{svc.name}` reads env_file `{ref.raw}` ({ref.file}), which does "
                        f"not exist, so `docker compose up` stops with `env file {ref.file} not "
                        "found: no such file or directory`",
                        Location.at(ref.path, ref.pos),
                        related=related,
                        fix=(f"copy {template} to {ref.file} and fill it in" if template else
                             f"create {ref.file}, fix the path") +
                            ", or make it optional with `- path: " + ref.raw + "` and "
                            "`required: false`",
                    )
