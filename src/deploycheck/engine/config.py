"""Configuration: `[tool.deploycheck]` in pyproject.toml, or deploycheck.toml; CLI flags win.

Keys (kebab-case in files):
  select, ignore          lists of codes, code prefixes, rule names or categories ("ALL" too)
  per-file-ignores        table: glob → list of codes/names/categories
  severity                table: code or name → "error" | "warning" | "info"
  rules                   table: code or name → table of that rule's options
  fail-on                 "error" | "warning" | "info" | "never"
  exclude                 list of globs (paths relative to the checked root) not to read
  max-file-size           bytes; larger files are reported and not read
  jobs                    processes that parse files and run rules, this one included (0 = one per core)
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from typing import Any

from deploycheck.model import Severity


class ConfigError(Exception):
    """A configuration the user must correct; the CLI exits 2 with this message."""


@dataclass(frozen=True, slots=True)
class Config:
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    rule_options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    fail_on: Severity | None = Severity.ERROR
    exclude: tuple[str, ...] = ()
    max_file_size: int = 4 * 1024 * 1024
    jobs: int = 0
    source: str = field(default="", compare=False)

    def merged(self, **overrides: Any) -> Config:
        """A copy with the given fields replaced (None means: keep)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_KEYS = {"select", "extend-select", "ignore", "per-file-ignores", "severity", "rules", "fail-on",
         "exclude", "max-file-size", "jobs"}


def parse_fail_on(text: str) -> Severity | None:
    if text.strip().lower() == "never":
        return None
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise ConfigError(f"fail-on: {exc}; or 'never'") from None


def _str_list(where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def from_table(table: dict[str, Any], source: str) -> Config:
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(_KEYS))})")
    cfg = Config(source=source)
    if "select" in table:
        cfg = replace(cfg, select=_str_list(f"{source}: select", table["select"]))
    if "extend-select" in table:
        cfg = replace(cfg, extend_select=_str_list(f"{source}: extend-select", table["extend-select"]))
    if "ignore" in table:
        cfg = replace(cfg, ignore=_str_list(f"{source}: ignore", table["ignore"]))
    if "exclude" in table:
        cfg = replace(cfg, exclude=_str_list(f"{source}: exclude", table["exclude"]))
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{source}: per-file-ignores must be a table of glob = [codes]")
        cfg = replace(cfg, per_file_ignores=tuple(
            (glob, _str_list(f"{source}: per-file-ignores.{glob}", codes)) for glob, codes in pfi.items()))
    if "severity" in table:
        sev = table["severity"]
        if not isinstance(sev, dict):
            raise ConfigError(f"{source}: severity must be a table of code = level")
        pairs = []
        for code, level in sev.items():
            try:
                pairs.append((code, Severity.parse(str(level))))
            except ValueError as exc:
                raise ConfigError(f"{source}: severity.{code}: {exc}") from None
        cfg = replace(cfg, severity=tuple(pairs))
    if "rules" in table:
        rules = table["rules"]
        if not isinstance(rules, dict) or not all(isinstance(v, dict) for v in rules.values()):
            raise ConfigError(f"{source}: rules must be a table of code = {{option = value}}")
        cfg = replace(cfg, rule_options=tuple((k, tuple(v.items())) for k, v in rules.items()))
    if "fail-on" in table:
        cfg = replace(cfg, fail_on=parse_fail_on(str(table["fail-on"])))
    if "max-file-size" in table:
        size = table["max-file-size"]
        if not isinstance(size, int) or size <= 0:
            raise ConfigError(f"{source}: max-file-size must be a positive number of bytes")
        cfg = replace(cfg, max_file_size=size)
    if "jobs" in table:
        jobs = table["jobs"]
        if not isinstance(jobs, int) or jobs < 0:
            raise ConfigError(f"{source}: jobs must be a whole number ≥ 0")
        cfg = replace(cfg, jobs=jobs)
    return cfg


def load_file(path: str) -> Config:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if os.path.basename(path) == "pyproject.toml":
        table = data.get("tool", {}).get("deploycheck", {})
    else:
        table = data.get("tool", {}).get("deploycheck", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.deploycheck] must be a table")
    return from_table(table, path)


def find(root: str) -> Config:
    """The configuration for a checked root: deploycheck.toml, else pyproject.toml with a
    [tool.deploycheck] table, looked up from the root towards the file-system root."""
    here = os.path.abspath(root if os.path.isdir(root) else os.path.dirname(root) or ".")
    while True:
        candidate = os.path.join(here, "deploycheck.toml")
        if os.path.isfile(candidate):
            return load_file(candidate)
        candidate = os.path.join(here, "pyproject.toml")
        if os.path.isfile(candidate):
            try:
                with open(candidate, "rb") as fh:
                    data = tomllib.load(fh)
            except (OSError, tomllib.TOMLDecodeError):
                data = {}
            if "deploycheck" in data.get("tool", {}):
                return load_file(candidate)
        parent = os.path.dirname(here)
        # Stop at the repository's top, so a checkout never picks up a parent project's config.
        if parent == here or os.path.exists(os.path.join(here, ".git")):
            return Config()
        here = parent
