from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import (
    Category,
    NoOptions,
    Related,
    Rule,
    Severity,
    TextEdit,
    Violation,
)
from deploycheck.model.golang import GoPackage, ListenCall, ValuePart
from deploycheck.rules.golang._common import at, where


class ListenOnLoopback(Rule[GoPackage]):
    """The Go server listens on a loopback address, unreachable from outside its container.

    ## Why
    `127.0.0.1`, `localhost` and `::1` exist inside the container's own network namespace only.
    Docker's published ports, other containers and Kubernetes Services all connect to the
    container's `eth0` address, so nothing outside reaches a server bound to loopback: the host
    gets "connection reset" or "connection refused" while Gin happily logs
    `Listening and serving HTTP on localhost:8080` (pitfall P4; matryer/goblueprints#40,
    moby/moby#27315). A default that only applies when an environment variable or flag is
    unset counts too: deployments rarely set it.

    ## Bad
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        r.Run("localhost:8080")
    }
    ```

    ## Good
    ```main.go
    package main

    import "github.com/gin-gonic/gin"

    func main() {
        r := gin.Default()
        r.Run(":8080")
    }
    ```

    ## Fix
    Listen on all interfaces: `":8080"` (or `"0.0.0.0:8080"`). Keep the address configurable
    (`PORT`, `-addr`) with an all-interfaces default. A second listener meant to stay private
    (pprof, admin) may keep loopback when the main one listens on all interfaces; this rule
    stays quiet then.
    """

    code = "DC501"
    name = "go-listen-on-loopback"
    category = Category.BIND
    severity = Severity.ERROR
    target = GoPackage
    fix = 'listen on all interfaces, e.g. `r.Run(":8080")` or `http.ListenAndServe(":8080", h)`'

    def check(self, model: GoPackage, options: NoOptions) -> Iterator[Violation]:
        if not model.is_main or not model.listens:
            return
        # a loopback listener next to a public or unknown one is a deliberate private endpoint
        if not all(call.address.is_loopback for call in model.listens):
            return
        for call in model.listens:
            yield self._violation(call)

    def _violation(self, call: ListenCall) -> Violation:
        address = call.address
        part = address.host_part
        source = address.origin()
        related: list[Related] = []
        fix = self.fix
        if part is not None and part.pos is not None and part.kind != "lit":
            part_path = part.path or call.path
            related.append(Related(at(part_path, part.pos), f"the host comes from {part.describe()}"))
            if part.kind == "env":
                fix = (f"set {part.text}=0.0.0.0 wherever the app runs, and change the fallback "
                       f"{part.default!r} to \"0.0.0.0\" (or \"\")")
            elif part.kind == "flag":
                fix = f"change the default of -{part.text} to an all-interfaces address such as \":8080\""
        elif part is not None and part.pos is not None and (part.path or part.pos.line != call.pos.line):
            related.append(Related(at(part.path or call.path, part.pos), f"{address.host!r} is set here"))
        logged = ""
        if call.kind in ("gin-run", "gin-runtls"):
            logged = f" (Gin logs `Listening and serving HTTP on {address.text()}`)"
        message = (
            f"{where(call.path, call.pos)}: the server listens on {address.text()} ({source}), a "
            f"loopback address{logged}; inside a container only the container itself can connect, so "
            "published ports, other containers and Services reach nothing"
        )
        edit = _drop_host(call, part)
        return Violation(message, at(call.path, call.pos), tuple(related), fix=fix,
                         edits=(edit,) if edit else (),
                         # a constant elsewhere may serve other purposes too
                         safe_fix=edit is not None and edit.path == call.path
                         and edit.line == call.pos.line)


def _drop_host(call: ListenCall, part: ValuePart | None) -> TextEdit | None:
    """Remove the loopback host from the string literal that holds it (`"localhost:8080"` ->
    `":8080"`), when the literal is plain text: the part's position is its opening quote."""
    host = call.address.host
    if part is None or part.kind != "lit" or part.pos is None or host is None:
        return None
    written = f"[{host}]" if ":" in host else host
    if not part.text.startswith(written) or "\\" in part.text or "\n" in part.text:
        return None
    rest = part.text[len(written):]
    if rest and not rest.startswith(":"):
        return None
    start = part.pos.column + 1
    return TextEdit(part.path or call.path, part.pos.line, start, part.pos.line,
                    start + len(written), "")
