from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.dockerfile import Dockerfile
from deploycheck.rules.dockerfile._common import at, from_line, image_desc


class ScratchUserWithoutPasswd(Rule[Dockerfile]):
    """USER by name in a stage with no /etc/passwd (scratch), so the container cannot start.

    ## Why
    The runtime looks a user name up in the image's `/etc/passwd` (a group name in
    `/etc/group`). `scratch` has neither, so `docker run` fails with `unable to find user app:
    no matching entries in passwd file` (pitfall D6; inCaller/prometheus_bot#81). A numeric uid
    needs no lookup.

    ## Bad
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/server .

    FROM scratch
    COPY --from=build /out/server /server
    USER app
    ENTRYPOINT ["/server"]
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/server .

    FROM scratch
    COPY --from=build /out/server /server
    USER 10001:10001
    ENTRYPOINT ["/server"]
    ```

    ## Fix
    Use a numeric `USER 10001:10001`, or copy `/etc/passwd` and `/etc/group` from a stage that
    created the user (`COPY --from=build /etc/passwd /etc/passwd`).
    """

    code = "DC109"
    name = "scratch-user-without-passwd"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = Dockerfile
    fix = "use a numeric USER (e.g. USER 10001:10001) or copy /etc/passwd and /etc/group in"

    def check(self, model: Dockerfile, options: NoOptions) -> Iterator[Violation]:
        for stage in model.stages:
            if stage.traits.passwd is not False:
                continue
            for user in stage.users:
                if "$" in user.user:
                    continue
                if user.user and not user.user.isdigit():
                    what, name, file = "user", user.user, "passwd"
                elif user.group and not user.group.isdigit() and "$" not in user.group:
                    what, name, file = "group", user.group, "group"
                else:
                    continue
                yield Violation(
                    f"USER {user.raw} names a {what}, but {image_desc(stage)} has no "
                    f"/etc/{file}: the container fails to start with `unable to find {what} "
                    f"{name}: no matching entries in {file} file`",
                    at(model, user.pos),
                    (from_line(model, stage),),
                )
