from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ImageFacts


class ImageUserUnknown(Rule[ImageFacts]):
    """USER names a user (or group) the image's /etc/passwd (or /etc/group) does not have.

    ## Why
    A name in `USER` is looked up in the image when the container starts. `USER app` on a
    scratch image, or before `useradd` ran in that stage, stops every start with `unable to find
    user app: no matching entries in passwd file` (groups: `unable to find group app`).

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"], "User": "app"}},
     "layers": [{"created_by": "COPY app /app", "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"], "User": "app"}},
     "layers": [{"created_by": "COPY passwd /etc/passwd",
                 "files": [{"path": "etc/passwd",
                            "text": "root:x:0:0::/root:/bin/false\\napp:x:10001:10001::/app:/bin/false\\n"}]},
                {"created_by": "COPY app /app", "files": [{"path": "app", "mode": "0755", "elf": {}}]}]}
    ```

    ## Fix
    Use a numeric id (`USER 10001:10001`), which needs no passwd entry, or create the user in
    the final stage (`RUN useradd -r -u 10001 app`, or copy /etc/passwd from the build stage).
    """

    code = "IM034"
    name = "image-user-unknown"
    category = Category.STARTUP_ORDER
    severity = Severity.ERROR
    target = ImageFacts
    fix = "use a numeric USER (USER 10001:10001), or create the user in the final stage"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        if not model.complete or not model.config.user.strip():
            return
        _, _, problem = model.run_as()
        if not problem:
            return
        name, _, group = model.config.user.partition(":")
        table = "/etc/passwd" if problem == "user" else "/etc/group"
        who = name if problem == "user" else group
        listed = model.text(table) is not None
        has = f"{table} of the image does not list it" if listed else f"the image has no {table}"
        if problem == "user":
            error = f"unable to find user {name}: no matching entries in passwd file"
        else:
            error = f"unable to find group {group}: no matching entries in group file"
        yield Violation(f"USER {model.config.user} names the {problem} {who}, and {has}: every start fails "
                        f"with `{error}`", model.location(table))
