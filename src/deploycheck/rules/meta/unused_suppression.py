from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, UnusedSuppression, Violation


class UnusedSuppressionRule(Rule[UnusedSuppression]):
    """An inline `deploycheck: ignore` comment that suppresses nothing.

    ## Why
    A suppression outlives the problem it silenced: once the line is fixed or moved, the comment
    hides nothing today but will hide the next, unrelated finding on that line. A code that names
    no rule (a typo) never worked at all.

    ## Bad
    ```compose.yaml
    services:
      web:
        image: shop:1.4  # deploycheck: ignore=DC999 -- old
    ```

    ## Good
    ```compose.yaml
    services:
      web:
        image: shop:1.4
    ```

    ## Fix
    Delete the comment, or correct the code it names.
    """

    code = "DC002"
    name = "unused-suppression"
    category = Category.CONFIG
    severity = Severity.WARNING
    target = UnusedSuppression
    fix = "delete the suppression comment, or correct the rule code it names"

    def check(self, model: UnusedSuppression, options: NoOptions) -> Iterator[Violation]:
        codes = ", ".join(model.codes)
        if model.unknown:
            unknown = ", ".join(model.unknown)
            yield Violation(f"this suppression names {unknown}, which is no deploycheck rule, so "
                            "it has never suppressed anything", model.location)
            return
        yield Violation(f"this suppression of {codes} matches no finding, so it hides nothing "
                        "now and may hide a future, unrelated problem", model.location)
