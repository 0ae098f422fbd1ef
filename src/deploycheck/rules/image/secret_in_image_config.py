from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import KEY_SHAPES, ImageFacts, secret_value

# `docker history` shows build args used by a RUN as `|2 NPM_TOKEN=abc OTHER=x /bin/sh -c ...`
_ARGS = re.compile(r"^\|\d+\s+(.*?)\s+/bin/(?:ba)?sh -c", re.S)


class SecretInImageConfig(Rule[ImageFacts]):
    """The image config carries a credential: an ENV value, a label, or a build argument that
    the history records.

    ## Why
    `docker inspect` prints every ENV and label, and `docker history --no-trunc` prints each
    RUN with the build arguments it used (`|1 NPM_TOKEN=... /bin/sh -c npm ci`). Whoever can pull
    the image has them; they also reach every process and crash report of the container
    (pitfalls O8, O10).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"],
                           "Env": ["STRIPE_API_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc"]},
                "history": [{"created_by": "COPY app /app"}]},
     "layers": [{"created_by": "COPY app /app", "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"], "Env": ["STRIPE_API_KEY_FILE=/run/secrets/stripe"]},
                "history": [{"created_by": "COPY app /app"}]},
     "layers": [{"created_by": "COPY app /app", "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Pass secrets at run time (orchestrator secrets, `--env-file` outside the image, mounted
    files), use `RUN --mount=type=secret` for build-time secrets, and rotate what shipped.
    """

    code = "IM031"
    name = "secret-in-image-config"
    category = Category.SECURITY
    severity = Severity.ERROR
    target = ImageFacts
    fix = "pass secrets at run time or with RUN --mount=type=secret, and rotate what shipped"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        config = model.config
        for name, value in config.env:
            why = secret_value(name, value)
            if why:
                yield Violation(f"ENV {name} holds {why} in the image config: `docker inspect` shows it "
                                "to anyone who can pull the image", model.location())
        for name, value in config.labels:
            why = secret_value(name.replace(".", "_").replace("-", "_"), value)
            if why:
                yield Violation(f"label {name} holds {why}: `docker inspect` shows it to anyone who can "
                                "pull the image", model.location())
        for step in config.history:
            text = step.created_by
            match = _ARGS.match(text)
            if match:
                for pair in match.group(1).split():
                    key, sep, value = pair.partition("=")
                    why = secret_value(key, value) if sep else ""
                    if why:
                        yield Violation(f"build argument {key} holds {why}, and the image history records "
                                        f"it with the RUN that used it (`docker history --no-trunc`)",
                                        model.location())
                continue
            for what, shape in KEY_SHAPES:
                if shape.search(text):
                    yield Violation(f"a build step holds {what} in its command, which the image history "
                                    "records (`docker history --no-trunc`)", model.location())
                    break
