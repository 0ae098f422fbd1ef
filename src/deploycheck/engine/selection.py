"""Which rules run, with which options and severity."""

from __future__ import annotations

import dataclasses
import fnmatch
from typing import Any

from deploycheck.engine.config import Config, ConfigError
from deploycheck.engine.registry import RuleClass, all_rules
from deploycheck.model import Severity


def matches(rule: RuleClass, token: str) -> bool:
    """A selector names a rule by code, code prefix, alias, name, or category; ALL names all."""
    token = token.strip()
    if not token:
        return False
    if token.upper() == "ALL":
        return True
    upper = token.upper()
    # A code prefix is two letters and at least one digit (DC1, CT8): "D" alone names nothing.
    is_prefix = len(upper) >= 3 and upper[:2].isalpha() and upper[2:].isdigit()
    return (rule.code == upper or (is_prefix and rule.code.startswith(upper))
            or token in rule.aliases or token == rule.name or token == rule.category.value)


def _check_known(tokens: tuple[str, ...], where: str, groups: frozenset[str] | None) -> None:
    rules = all_rules(groups)
    for token in tokens:
        # A token may name a rule of another command (one config file serves them all).
        if not any(matches(rule, token) for rule in rules) and not any(
                matches(rule, token) for rule in all_rules()):
            raise ConfigError(f"{where}: {token!r} names no rule, prefix or category "
                              "(see 'deploycheck rules')")


def select(config: Config, groups: frozenset[str] | None = None) -> tuple[RuleClass, ...]:
    """The rules to run (of `groups`; None: all) under the configuration's selection."""
    _check_known(config.select, "select", groups)
    _check_known(config.extend_select, "extend-select", groups)
    _check_known(config.ignore, "ignore", groups)
    chosen = []
    for rule in all_rules(groups):
        picked = (not config.select or any(matches(rule, t) for t in config.select)
                  or any(matches(rule, t) for t in config.extend_select))
        if picked and not any(matches(rule, t) for t in config.ignore):
            chosen.append(rule)
    return tuple(chosen)


def severity_for(rule: RuleClass, config: Config) -> Severity:
    for token, level in config.severity:
        if matches(rule, token):
            return level
    return rule.severity


def options_for(rule: RuleClass, config: Config) -> Any:
    values: dict[str, Any] = {}
    for token, pairs in config.rule_options:
        if matches(rule, token):
            values.update(dict(pairs))
    options_cls = rule.Options
    if not values:
        return options_cls()
    fields = {f.name.replace("_", "-"): f.name for f in dataclasses.fields(options_cls)}
    kwargs = {}
    for key, value in values.items():
        name = fields.get(key) or (key if key in fields.values() else None)
        if name is None:
            known = ", ".join(sorted(fields)) or "none"
            raise ConfigError(f"rules.{rule.code}: unknown option {key!r} (options: {known})")
        kwargs[name] = tuple(value) if isinstance(value, list) else value
    try:
        return options_cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"rules.{rule.code}: {exc}") from None


def ignored_by_path(rule: RuleClass, path: str, config: Config) -> bool:
    for glob, tokens in config.per_file_ignores:
        if (fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(path, glob.rstrip("/") + "/*")) and any(
                matches(rule, t) for t in tokens):
            return True
    return False
