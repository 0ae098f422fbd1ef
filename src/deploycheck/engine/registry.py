"""Rules are found by walking `deploycheck.rules`: adding a rule is adding one module."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

from deploycheck.model import Rule, RuleInfo

RuleClass = type[Rule[Any]]


# The rule groups that read files; `check` loads only these, so it does not pay for importing
# the rules (and models) of the live commands: containers, logs, image, probe.
STATIC_GROUPS = frozenset({"meta", "dockerfile", "compose", "kubernetes", "nginx", "golang", "python",
                           "project"})


@cache
def all_rules(groups: frozenset[str] | None = None) -> tuple[RuleClass, ...]:
    """Every rule class (of `groups`, the sub-packages of `deploycheck.rules`; None: all),
    sorted by code. Raises if two rules share a code."""
    import deploycheck.rules as package

    found: dict[str, RuleClass] = {}
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        group = info.name.split(".")[2]
        if groups is not None and group not in groups:
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Rule) and value is not Rule
                    and value.__module__ == module.__name__ and value.code):
                if value.code in found and found[value.code] is not value:
                    raise RuntimeError(f"two rules use code {value.code}: "
                                       f"{found[value.code].__module__} and {value.__module__}")
                found[value.code] = value
    return tuple(sorted(found.values(), key=lambda r: r.code))


def by_code(groups: frozenset[str] | None = None) -> dict[str, RuleClass]:
    """Codes, aliases and names, each mapped to its rule."""
    table: dict[str, RuleClass] = {}
    for rule in all_rules(groups):
        table[rule.code] = rule
        table[rule.name] = rule
        for alias in rule.aliases:
            table[alias] = rule
    return table


def info(rule: RuleClass) -> RuleInfo:
    return RuleInfo(rule.code, rule.name, rule.category, rule.severity, rule.summary(), rule.doc(),
                    rule.fix)
