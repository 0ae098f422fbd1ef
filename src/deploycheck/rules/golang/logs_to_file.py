from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.golang import GoPackage
from deploycheck.rules.golang._common import at, where


class LogsToFile(Rule[GoPackage]):
    """Logs go to a file inside the container instead of stdout/stderr.

    ## Why
    `docker logs`, `kubectl logs` and every log collector read the container's stdout and
    stderr. Logs written to a file (`gin.DefaultWriter = f`, `log.SetOutput(f)`, lumberjack, zap
    `OutputPaths`) never show up there, vanish with the container, and fill its writable layer
    until the disk or the ephemeral-storage limit is hit (pitfall L2; docker/for-linux#280,
    moby/moby#27052).

    ## Bad
    ```main.go
    package main

    import (
        "os"

        "github.com/gin-gonic/gin"
    )

    func main() {
        f, _ := os.Create("gin.log")
        gin.DefaultWriter = f
        r := gin.Default()
        r.Run(":8080")
    }
    ```

    ## Good
    ```main.go
    package main

    import (
        "io"
        "os"

        "github.com/gin-gonic/gin"
    )

    func main() {
        f, _ := os.Create("gin.log")
        gin.DefaultWriter = io.MultiWriter(f, os.Stdout)
        r := gin.Default()
        r.Run(":8080")
    }
    ```

    ## Fix
    Log to stdout/stderr (Gin's default), or copy the file output there with
    `io.MultiWriter(f, os.Stdout)`; let the container runtime store and rotate logs.
    """

    code = "DC509"
    name = "go-logs-to-file"
    category = Category.OBSERVABILITY
    severity = Severity.WARNING
    target = GoPackage
    fix = "log to os.Stdout/os.Stderr, or use io.MultiWriter(file, os.Stdout)"

    def check(self, model: GoPackage, options: NoOptions) -> Iterator[Violation]:
        for out in model.log_files:
            if out.also_stdout:
                continue
            file = f" {out.file!r}" if out.file else ""
            related: tuple[Related, ...] = ()
            if out.opened_at is not None and out.opened_at != out.pos:
                related = (Related(at(out.path, out.opened_at), f"the file{file} is opened here"),)
            yield Violation(
                f"{where(out.path, out.pos)}: {out.sink} sends logs to the file{file} inside the container, "
                "so `docker logs`/`kubectl logs` show nothing, the logs are lost with the container, and "
                "the file grows in its writable layer",
                at(out.path, out.pos),
                related,
            )
