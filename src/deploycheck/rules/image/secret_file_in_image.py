from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts


class SecretFileInImage(Rule[ImageFacts]):
    """A layer holds a file that carries a credential (.env with passwords, a private key, cloud
    or registry credentials, an .npmrc token) — even when a later layer deletes it.

    ## Why
    Anyone who can pull the image can read every layer: `docker save` and a tar tool are enough.
    `RUN rm .env` in a later layer hides the file from the running container, but the layer that
    added it still ships it. `COPY . .` without a `.dockerignore` is the usual way in (pitfall
    O8: real API keys leaked from public images this way).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/srv/app"]}},
     "layers": [{"created_by": "COPY . /srv",
                 "files": [{"path": "srv/app", "mode": "0755", "elf": {}},
                           {"path": "srv/.env", "text": "DATABASE_PASSWORD=pr0d-s3cret-pw\\n"}]},
                {"created_by": "RUN rm /srv/.env",
                 "files": [{"path": "srv/.env", "whiteout": true}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/srv/app"]}},
     "layers": [{"created_by": "COPY . /srv",
                 "files": [{"path": "srv/app", "mode": "0755", "elf": {}},
                           {"path": "srv/.env.example", "text": "DATABASE_PASSWORD=changeme\\n"}]}]}
    ```

    ## Fix
    Keep secrets out of the build context (`.dockerignore` with `.env*`, `*.pem`, `.git`,
    `.npmrc`), pass build-time secrets with `RUN --mount=type=secret`, provide run-time secrets
    through the environment or mounted files — and rotate every credential that shipped.
    """

    code = "IM030"
    name = "secret-file-in-image"
    category = Category.SECURITY
    severity = Severity.ERROR
    target = ImageFacts
    fix = ("keep it out of the build context (.dockerignore), use RUN --mount=type=secret for build "
           "secrets, and rotate the credential")

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        for secret in model.secrets:
            if secret.kind != "secret":
                continue
            layer = model.layers[secret.layer] if 0 <= secret.layer < len(model.layers) else None
            added = f", added by {layer.label()}" if layer else ""
            if secret.deleted:
                tail = (" and deleted or replaced by a later layer: the running container does not see "
                        "it, but its layer still ships it, and anyone who pulls the image extracts it "
                        "with `docker save`")
            else:
                tail = ": anyone who can pull the image can read it"
            yield Violation(
                f"{secret.path} holds {secret.what} ({secret.detail}){added}{tail}",
                model.location(secret.path, secret.layer))
