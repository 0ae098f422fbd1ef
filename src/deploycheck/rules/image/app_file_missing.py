from __future__ import annotations

import posixpath
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts, glob_match
from deploycheck.rules.image._common import project_related

_GLOB = set("*?[")


class AppFileMissing(Rule[ImageFacts]):
    """A file or folder the app opens by a relative path (templates, static files, config) is not
    in the image under WORKDIR. Needs `--project`.

    ## Why
    Relative paths resolve against the working directory, which is the image's `WORKDIR`. A
    multi-stage build that copies only the binary, a flattening `COPY templates/ web/ ./`, or a
    different `WORKDIR` leave Gin's `LoadHTMLGlob("templates/*")` with nothing: the app panics at
    start with ``html/template: pattern matches no files: `templates/*` ``; a config file gives
    `open config.yaml: no such file or directory` (pitfalls D7, D8).

    ## Bad
    ```image.json
    {"image": "shop/web:1.0",
     "config": {"config": {"Entrypoint": ["/srv/web"], "WorkingDir": "/srv"}},
     "app": {"deployment": "compose service 'web'", "location": "compose.yaml:2",
             "files": [["templates/*", "LoadHTMLGlob", "main.go:14"]]},
     "layers": [{"created_by": "COPY --from=build /out/web /srv/web",
                 "files": [{"path": "srv/web", "mode": "0755", "elf": {}}]}]}
    ```
    ```main.go
    package main
    ```
    ```compose.yaml
    services:
      web:
        image: shop/web:1.0
    ```

    ## Good
    ```image.json
    {"image": "shop/web:1.0",
     "config": {"config": {"Entrypoint": ["/srv/web"], "WorkingDir": "/srv"}},
     "app": {"deployment": "compose service 'web'", "location": "compose.yaml:2",
             "files": [["templates/*", "LoadHTMLGlob", "main.go:14"]]},
     "layers": [{"created_by": "COPY --from=build /out/web /srv/web",
                 "files": [{"path": "srv/web", "mode": "0755", "elf": {}}]},
                {"created_by": "COPY templates ./templates",
                 "files": [{"path": "srv/templates/index.html", "text": "<h1>hi</h1>"}]}]}
    ```
    ```main.go
    package main
    ```
    ```compose.yaml
    services:
      web:
        image: shop/web:1.0
    ```

    ## Fix
    Copy the files into the final stage at the path the app expects relative to WORKDIR
    (`COPY templates ./templates`), or embed them (`//go:embed templates`).
    """

    code = "IM022"
    name = "app-file-missing"
    category = Category.CONFIG
    severity = Severity.ERROR
    target = ImageFacts
    fix = "copy the files into the final stage under WORKDIR (COPY templates ./templates), or embed them"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        if model.app is None or not model.complete:
            return
        workdir = model.workdir
        for pattern, call, where in model.app.files:
            if pattern.startswith("/") or any(glob_match(e, pattern) or pattern.startswith(e.rstrip("*/"))
                                              for e in model.app.embedded if e):
                continue
            full = posixpath.normpath(posixpath.join(workdir, pattern))
            if _GLOB & set(pattern):
                if any(glob_match(full, p) for p in model.files):
                    continue
                error = f"html/template: pattern matches no files: `{pattern}`" if "HTML" in call or \
                    "template" in call.lower() else f"no files match {pattern}"
            else:
                if model.exists(full):
                    continue
                error = f"open {pattern}: no such file or directory"
            yield Violation(
                f"the app opens {pattern} relative to its working directory ({call} at {where.short()}); "
                f"WORKDIR is {workdir}, and the image has no {full}: the app fails at run time with "
                f"`{error}`",
                model.location(_plain_prefix(full)),
                (Related(where, f"{call}({pattern!r})"), *project_related(model)),
                fix=f"COPY {pattern.split('/')[0] if '/' in pattern else pattern} into {workdir} in "
                    "the final stage, or embed it with //go:embed")


def _plain_prefix(path: str) -> str:
    """`/srv/templates/*.html` → `/srv/templates` (the part without glob characters)."""
    parts = []
    for part in path.split("/"):
        if _GLOB & set(part):
            break
        parts.append(part)
    return "/".join(parts) or "/"
