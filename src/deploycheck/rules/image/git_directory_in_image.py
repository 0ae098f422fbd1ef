from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts


class GitDirectoryInImage(Rule[ImageFacts]):
    """A `.git` folder is in the image: the repository's whole history ships with it.

    ## Why
    `COPY . .` without `.dockerignore` copies `.git`: every past commit (including secrets
    removed long ago), branch names, and remotes — `.git/config` may hold a token in an
    `https://user:token@host` URL. It also bloats the image and busts the build cache on every
    commit (pitfall O8).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/srv/app"]}},
     "layers": [{"created_by": "COPY . /srv",
                 "files": [{"path": "srv/app", "mode": "0755", "elf": {}},
                           {"path": "srv/.git/config", "text": "[core]\\n"},
                           {"path": "srv/.git/HEAD", "text": "ref: refs/heads/main\\n"}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/srv/app"]}},
     "layers": [{"created_by": "COPY . /srv",
                 "files": [{"path": "srv/app", "mode": "0755", "elf": {}},
                           {"path": "srv/.gitignore", "text": "*.log\\n"}]}]}
    ```

    ## Fix
    Add `.git` to `.dockerignore`; pass the commit id as a build argument or label if the app
    needs it.
    """

    code = "IM032"
    name = "git-directory-in-image"
    category = Category.SECURITY
    severity = Severity.WARNING
    target = ImageFacts
    fix = "add .git to .dockerignore"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        for secret in model.secrets:
            if secret.kind != "git":
                continue
            layer = model.layers[secret.layer] if 0 <= secret.layer < len(model.layers) else None
            deleted = " (deleted by a later layer, but its layer still ships it)" if secret.deleted else ""
            added = f", added by {layer.label()}" if layer else ""
            yield Violation(f"{secret.path} is a git repository{added}{deleted}: its {secret.detail} ship "
                            "with the image", model.location(secret.path, secret.layer))
