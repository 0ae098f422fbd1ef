from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.dockerfile import Dockerfile, ImageRef, Stage
from deploycheck.rules.dockerfile._common import at, image_desc

_PRIVILEGE_DROPPERS = ("gosu", "su-exec", "setpriv", "chroot --userspec", "runuser", "s6-")


class FinalStageRunsAsRoot(Rule[Dockerfile]):
    """The final stage sets no non-root USER, so the app runs as root.

    ## Why
    Without `USER`, the process runs as uid 0. A bug in the app (path traversal, template
    injection, a vulnerable dependency) then has root inside the container: it can rewrite the
    app, read every mounted secret, and it is one kernel or runtime flaw away from the host.
    Clusters with `runAsNonRoot: true` refuse to start the pod
    (`container has runAsNonRoot and image will run as root`).

    ## Bad
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    ```

    ## Good
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN useradd --system --uid 10001 app
    USER 10001
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    ```

    ## Fix
    Create an unprivileged user and switch to it (`USER 10001`; a numeric uid also satisfies
    `runAsNonRoot`), or use a base that runs as non-root (`gcr.io/distroless/static:nonroot`).
    Listen on a port >= 1024.
    """

    code = "DC108"
    name = "final-stage-runs-as-root"
    category = Category.SECURITY
    severity = Severity.WARNING
    target = Dockerfile
    fix = "add a non-root USER (e.g. USER 10001) to the final stage"

    def check(self, model: Dockerfile, options: NoOptions) -> Iterator[Violation]:
        stage = model.final
        if stage is None:
            return
        user = stage.user
        if user is not None:
            if user.is_root:
                yield Violation(
                    f"USER {user.raw} is the last USER of the final stage: the app runs as "
                    "root, so any flaw in it is a root compromise of the container",
                    at(model, user.pos),
                )
            return
        if not _defaults_to_root(stage) or _drops_privileges(stage):
            return
        yield Violation(
            f"the final stage sets no USER (image: {image_desc(stage)}), so the app runs as "
            "root: any "
            "flaw in it is a root compromise of the container, and Kubernetes runAsNonRoot "
            "refuses to start it",
            at(model, stage.pos),
        )


def _defaults_to_root(stage: Stage) -> bool:
    """True when the base image is one we know runs as root by default."""
    traits = stage.chain()[-1].base_traits
    if not traits.known:
        return False
    ref = ImageRef.parse(stage.root_image)
    return not ("nonroot" in (ref.tag or "") or "unprivileged" in ref.name)


def _drops_privileges(stage: Stage) -> bool:
    """An entrypoint that switches user itself (gosu, su-exec) is a common, valid pattern."""
    texts = [run.text for s in stage.chain() for run in s.runs]
    entry = stage.entrypoint
    if entry is not None:
        texts.append(" ".join(entry.argv))
    return any(tool in text for text in texts for tool in _PRIVILEGE_DROPPERS)
