from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, SkippedFile, Violation


class FileSkipped(Rule[SkippedFile]):
    """A deployment file deploycheck did not read: binary, not UTF-8, too large, or a link out of the tree.

    ## Why
    A Dockerfile saved as UTF-16 by an editor, a compose file that is really a binary blob, or a
    manifest linked from outside the repository is either a mistake (Docker and kubectl fail on
    it too: `unexpected character`) or something the check cannot vouch for. Either way, the
    findings for it are missing, and you should know.

    ## Bad
    A `Dockerfile` saved as UTF-16, a `compose.yaml` of 8 MB (over `max-file-size`), or
    `k8s/deploy.yaml` as a link to `/etc/...` outside the repository. (Such files cannot be shown
    as text here; the test suite builds them for real.)

    ## Good
    ```Dockerfile
    FROM scratch
    COPY app /app
    CMD ["/app"]
    ```

    ## Fix
    Save the file as UTF-8 text, keep deployment files inside the repository, or raise
    `max-file-size` in the configuration for a legitimately large file.
    """

    code = "DC003"
    name = "file-skipped"
    category = Category.CONFIG
    severity = Severity.WARNING
    target = SkippedFile
    fix = "save the file as UTF-8 text inside the checked tree, or raise max-file-size"

    def check(self, model: SkippedFile, options: NoOptions) -> Iterator[Violation]:
        yield Violation(f"not checked: {model.reason}", model.location)
