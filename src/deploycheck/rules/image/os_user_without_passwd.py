from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import MARK_OS_USER, ImageFacts
from deploycheck.rules.image._common import programs, project_related


class OsUserWithoutPasswd(Rule[ImageFacts]):
    """A Go program that looks up the current user (os/user) runs where /etc/passwd has no
    entry for the container's user and $USER is unset.

    ## Why
    `user.Current()` reads /etc/passwd; without cgo it falls back to `$USER` and `$HOME`. On
    scratch there is no /etc/passwd and Docker sets no `USER`, so the call fails with
    `user: Current requires cgo or $USER set in environment` (cgo builds: `user: unknown userid
    0`) — config loaders that look for `~/.config` then fail at start (pitfall D6). The program
    links os/user only when some code path calls it.

    ## Bad
    ```image.json
    {"image": "shop/cli:1.0",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"go": {"version": "go1.22.3", "settings": {"CGO_ENABLED": "0"}},
                                    "markers": ["os-user"]}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/cli:1.0",
     "config": {"config": {"Entrypoint": ["/app"]}},
     "layers": [{"created_by": "COPY --from=build /etc/passwd /etc/passwd",
                 "files": [{"path": "etc/passwd", "text": "root:x:0:0:root:/root:/sbin/nologin\\n"}]},
                {"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"go": {"version": "go1.22.3", "settings": {"CGO_ENABLED": "0"}},
                                    "markers": ["os-user"]}}]}]}
    ```

    ## Fix
    Copy a passwd file with the container's user (`COPY --from=build /etc/passwd /etc/passwd`),
    set `ENV USER=app HOME=/home/app`, or use `os.UserHomeDir`/`os.Getuid` instead of
    `user.Current`.
    """

    code = "IM023"
    name = "os-user-without-passwd"
    category = Category.CONFIG
    severity = Severity.WARNING
    target = ImageFacts
    fix = "COPY --from=build /etc/passwd /etc/passwd, or set ENV USER and HOME"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        if not model.complete:
            return
        uid, _, problem = model.run_as()
        if problem or uid is None or model.passwd_entry(uid=uid) is not None:
            return
        env = model.env()
        for path, info in programs(model):
            if MARK_OS_USER not in info.markers or info.go is None:
                continue
            pure = info.go.cgo_enabled is False or "osusergo" in info.go.tags
            if pure and env.get("USER") and env.get("HOME"):
                continue
            passwd = "has no /etc/passwd" if model.text("/etc/passwd") is None else \
                f"has no entry for uid {uid} in /etc/passwd"
            error = ("user: Current requires cgo or $USER set in environment" if pure
                     else f"user: unknown userid {uid}")
            yield Violation(
                f"{path} looks users up (os/user is linked in) and the image {passwd}: "
                f"`user.Current()` fails with `{error}`",
                model.location(path), project_related(model))
            return
