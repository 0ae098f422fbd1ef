from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts
from deploycheck.rules.image._common import SHELL_BUILTINS, argv_text, first_word, start


class HealthcheckBinaryMissing(Rule[ImageFacts]):
    """The image's HEALTHCHECK runs a program (curl, wget, ...) the image does not have.

    ## Why
    The check runs inside the container. Slim, distroless and scratch images have no curl, so
    every probe fails with `exec: "curl": executable file not found in $PATH` or `/bin/sh: 1:
    curl: not found`; the container stays `unhealthy` forever, dependents with
    `condition: service_healthy` never start and orchestrators restart it (pitfall D11).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"],
                           "Healthcheck": {"Test": ["CMD", "curl", "-f", "http://localhost:8080/healthz"]}}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"],
                           "Healthcheck": {"Test": ["CMD", "/app", "healthcheck"]}}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Check health with what the image has: a `healthcheck` subcommand of your own binary, or
    install the tool in the final stage.
    """

    code = "IM025"
    name = "healthcheck-binary-missing"
    category = Category.HEALTH
    severity = Severity.ERROR
    target = ImageFacts
    fix = "use a health subcommand of your own binary, or install the tool in the final stage"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        test = model.config.healthcheck
        if not test or test[0] == "NONE" or not model.complete:
            return
        if test[0] == "CMD-SHELL":
            script = " ".join(test[1:])
            argv: tuple[str, ...] = ("/bin/sh", "-c", script)
            if model.exists("/bin/sh"):
                word = first_word(script)
                if not word or word in SHELL_BUILTINS:
                    return
                argv = (word,)
        elif test[0] == "CMD":
            argv = tuple(test[1:])
        else:
            argv = tuple(test)
        failure = start(model, argv, "the HEALTHCHECK")
        if failure is None:
            return
        message = failure.message.replace("the start fails with", "each probe fails with")
        yield Violation(
            f"{message}; every health probe ({argv_text(tuple(test[1:]))}) fails, so the "
            "container stays unhealthy", model.location(failure.path if failure.path.startswith("/") else ""),
            failure.related, fix=failure.fix if failure.kind not in ("missing", "no-shell") else self.fix)
