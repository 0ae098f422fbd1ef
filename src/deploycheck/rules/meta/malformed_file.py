from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, ParseProblem, Rule, Severity, Violation


class MalformedFile(Rule[ParseProblem]):
    """A deployment file that cannot be parsed, so the tool that reads it will refuse it too.

    ## Why
    Docker, Compose, kubectl and nginx stop at the first syntax error: `yaml: line 7: did not
    find expected key`, `nginx: [emerg] unexpected "}"`, `dockerfile parse error line 3: unknown
    instruction`. deploycheck reports the same place, and cannot check what it cannot read.

    ## Bad
    ```compose.yaml
    services:
      web:
        image: shop:1.4
        ports: ["8080:8080"
    ```

    ## Good
    ```compose.yaml
    services:
      web:
        image: shop:1.4
        ports: ["8080:8080"]
    ```

    ## Fix
    Correct the syntax at the reported line; `docker compose config`, `kubectl apply
    --dry-run=client` or `nginx -t` show the same error.
    """

    code = "DC001"
    name = "malformed-file"
    category = Category.CONFIG
    severity = Severity.ERROR
    target = ParseProblem
    fix = "correct the syntax at this line"

    def check(self, model: ParseProblem, options: NoOptions) -> Iterator[Violation]:
        yield Violation(f"{model.message}; the file cannot be used as written", model.location)
