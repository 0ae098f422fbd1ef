"""`check`: the whole static pipeline, as a library call."""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from deploycheck import __version__
from deploycheck.discovery import Discovery, FoundFile, classify, discover
from deploycheck.engine import forking, selection
from deploycheck.engine.config import Config, ConfigError, find
from deploycheck.engine.kinds import KINDS
from deploycheck.engine.parsing import PARALLEL_THRESHOLD, FileResult, parse_all, parse_source
from deploycheck.engine.registry import STATIC_GROUPS, RuleClass, all_rules, by_code, info
from deploycheck.engine.suppression import Suppression, scan
from deploycheck.model import (
    Finding,
    Location,
    Related,
    RunResult,
    Severity,
    SkippedFile,
    SourceFile,
    UnusedSuppression,
    Violation,
)
from deploycheck.model.project import Project

Progress = Callable[[str, int, int], None]
STDIN_PATH = "<stdin>"
RULE_SLICE = 250  # models per rule job: small enough to share a rule's work between processes


class InternalError(Exception):
    """A rule or the engine failed; the CLI exits 2 with this one-line message."""


@dataclass(frozen=True, slots=True)
class Checked:
    """One root after parsing: its project and the suppressions found in its files."""

    project: Project
    suppressions: tuple[Suppression, ...]
    files_read: int


def _assemble(results: Sequence[FileResult]) -> list[object]:
    """Derived models: each kind's assembler sees the parsed models; the links between kinds
    (deployments) are built last, from everything."""
    models: list[object] = [m for r in results for m in r.parsed.models]
    derived: list[object] = []
    kinds = {r.kind for r in results}
    for kind in KINDS:
        if kind.assembler and kind.name in kinds:
            module_name, _, func = kind.assembler.partition(":")
            assemble = getattr(importlib.import_module(module_name), func)
            derived.extend(assemble(models))
    if models:
        from deploycheck.model import links

        derived.extend(links.assemble(models + derived))
    return models + derived


def _project(root_label: str, all_paths: Iterable[str], results: Sequence[FileResult],
             skipped: Sequence[SkippedFile]) -> Checked:
    items: list[object] = _assemble(results)
    for r in results:
        items.extend(r.parsed.problems)
        if r.skipped is not None:
            items.append(r.skipped)
    items.extend(skipped)
    sups = tuple(s for r in results for s in r.suppressions)
    read = sum(1 for r in results if r.skipped is None)
    return Checked(Project(root_label, frozenset(all_paths), tuple(items)), sups, read)


def load_root(path: str, config: Config, progress: Progress | None = None,
              stdin_text: str | None = None, meanwhile: Callable[[], None] | None = None) -> Checked:
    """Discover and parse one PATH argument (a folder, a file, or '-' for standard input).
    `meanwhile` runs once, while other processes parse (if any do)."""
    if meanwhile is not None and not os.path.isdir(path):
        meanwhile()
        meanwhile = None
    if path == "-":
        text = stdin_text if stdin_text is not None else ""
        kind = "compose" if _looks_like_compose(text) else "yaml"
        source = SourceFile.of(STDIN_PATH, text, kind)
        result = FileResult(STDIN_PATH, kind, parse_source(source), scan(STDIN_PATH, text))
        return _project("-", [STDIN_PATH], [result], [])
    if os.path.isdir(path):
        found: Discovery = discover(path, max_file_bytes=config.max_file_size, exclude=config.exclude)
        files: Sequence[FoundFile] = found.files
        all_paths: Iterable[str] = found.all_paths
        skipped: Sequence[SkippedFile] = found.skipped
    elif os.path.exists(path):
        name = os.path.basename(path)
        kind = classify(name) or _guess_kind(path)
        files = [FoundFile(name, path, kind)] if kind else []
        all_paths, skipped = [name], []
    else:
        raise ConfigError(f"{path}: no such file or directory")
    if progress:
        progress("read", 0, len(files))
    results = parse_all(files, config.jobs,
                        (lambda done, total: progress("read", done, total)) if progress else None,
                        meanwhile)
    return _project(path, all_paths, results, skipped)


def _looks_like_compose(text: str) -> bool:
    return any(line.startswith("services:") for line in text.splitlines())


def _guess_kind(path: str) -> str:
    lower = path.lower()
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    return ""


def run_rules(checked: Checked, rules: Sequence[RuleClass], config: Config) -> list[Finding]:
    """Every rule on every model of its target type. On a large project the (rule, models)
    jobs are shared with forked children, which see the project through copy-on-write memory
    and send back only findings; the order of the findings does not depend on who ran what."""
    project = checked.project
    work = [(rule, (project,) if rule.target is Project else project.of(rule.target)) for rule in rules]
    # Slices of RULE_SLICE models, larger when there would be more jobs than forking allows.
    room = max(1, forking.MAX_JOBS - len(work))
    size = max(RULE_SLICE, -(-sum(len(targets) for _, targets in work) // room))
    jobs: list[tuple[RuleClass, Sequence[object]]] = [
        (rule, targets[start: start + size])
        for rule, targets in work for start in range(0, len(targets), size)
    ]
    processes = config.jobs or (os.cpu_count() or 1)
    if checked.files_read < PARALLEL_THRESHOLD or not forking.usable():
        processes = 1

    def run_job(number: int) -> list[Finding]:
        rule, targets = jobs[number]
        return _run_rule(rule, targets, config)

    out: list[list[Finding]] = [[] for _ in jobs]
    with forking.paused_gc():
        for number, found in forking.run(range(len(jobs)), run_job, processes=processes):
            out[number] = found
    return [f for found in out for f in found]


def _run_rule(rule: RuleClass, targets: Sequence[object], config: Config) -> list[Finding]:
    options = selection.options_for(rule, config)
    severity = selection.severity_for(rule, config)
    checker = rule()
    findings: list[Finding] = []
    for target in targets:
        try:
            violations = list(checker.check(target, options))
        except Exception as exc:
            if os.environ.get("DEPLOYCHECK_DEBUG"):
                raise
            raise InternalError(f"rule {rule.code} ({rule.name}) failed on "
                                f"{type(target).__name__}: {type(exc).__name__}: {exc}") from exc
        findings.extend(_finding(rule, severity, v) for v in violations)
    return findings


def _finding(rule: RuleClass, severity: Severity, v: Violation) -> Finding:
    return Finding(rule.code, rule.name, rule.category, severity, v.message, v.fix or rule.fix,
                   v.location, v.related, v.edits, v.safe_fix)


def _names_a_rule(code: str, loaded: Iterable[RuleClass]) -> bool:
    """Whether a suppression's code names any rule: the loaded ones first, then all of them."""
    return any(selection.matches(r, code) for r in loaded) or any(
        selection.matches(r, code) for r in all_rules())


def _suppress(findings: list[Finding], sups: Sequence[Suppression], config: Config,
              selected: Sequence[RuleClass]) -> list[Finding]:
    table = by_code(frozenset(r.__module__.split(".")[2] for r in selected) or None)
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    for s in sups:
        by_line.setdefault((s.path, s.target_line), []).append(s)
    used: set[Suppression] = set()
    kept = []
    for f in findings:
        rule = table[f.rule]
        if f.location.path and selection.ignored_by_path(rule, f.location.path, config):
            continue
        hit = None
        for key in ((f.location.path, f.location.line), (f.location.path, 0)):
            for s in by_line.get(key, ()):
                if any(selection.matches(rule, c) for c in s.codes):
                    hit = s
                    break
            if hit:
                break
        if hit:
            used.add(hit)
            continue
        kept.append(f)
    unused_rule = table.get("DC002")
    if unused_rule is not None and unused_rule in selected:
        severity = selection.severity_for(unused_rule, config)
        options = selection.options_for(unused_rule, config)
        for s in sups:
            if s in used:
                continue
            unknown = tuple(c for c in s.codes if not _names_a_rule(c, table.values()))
            # Only a directive for a rule that ran (or for no rule at all) is provably useless.
            if not unknown and not any(selection.matches(r, c) for r in selected for c in s.codes):
                continue
            item = UnusedSuppression(Location(s.path, s.line, 1), s.codes, unknown)
            kept.extend(_finding(unused_rule, severity, v) for v in unused_rule().check(item, options))
    return kept


def _prefix(finding: Finding, prefix: str) -> Finding:
    if not prefix:
        return finding

    def move(loc: Location) -> Location:
        return loc.with_path(prefix + loc.path) if loc.path else loc

    related = tuple(Related(move(r.location), r.message) for r in finding.related)
    return Finding(finding.rule, finding.name, finding.category, finding.severity, finding.message,
                   finding.fix, move(finding.location), related, finding.edits, finding.safe_fix)


def check(paths: Sequence[str], config: Config | None = None, *, stdin_text: str | None = None,
          progress: Progress | None = None, **_: Any) -> RunResult:
    """Check every PATH; findings are filtered, suppressed, deduplicated and sorted."""
    started = time.perf_counter()
    paths = list(paths) or ["."]
    if config is None:
        config = find(paths[0] if paths[0] != "-" else ".")
    with forking.paused_gc():
        return _check(paths, config, stdin_text, progress, started)


def _check(paths: list[str], config: Config, stdin_text: str | None, progress: Progress | None,
           started: float) -> RunResult:
    selected: list[RuleClass] = []

    def select_rules() -> None:  # importing the rules overlaps with parsing in other processes
        if not selected:
            selected.extend(selection.select(config, STATIC_GROUPS))

    findings: list[Finding] = []
    files_read = 0
    for path in paths:
        checked = load_root(path, config, progress, stdin_text, select_rules)
        select_rules()
        rules = selected
        files_read += checked.files_read
        if progress:
            progress("rules", 0, len(rules))
        raw = run_rules(checked, rules, config)
        kept = _suppress(raw, checked.suppressions, config, rules)
        prefix = ""
        if len(paths) > 1 and path != "-" and os.path.isdir(path):
            prefix = os.path.normpath(path).replace(os.sep, "/").rstrip("/") + "/"
        findings.extend(_prefix(f, prefix) for f in kept)
    unique = {(f.rule, f.location, f.message): f for f in findings}
    ordered = tuple(sorted(unique.values(), key=Finding.sort_key))
    select_rules()
    return RunResult("deploycheck", __version__, "check", ",".join(paths), ordered,
                     tuple(info(r) for r in selected), files_read, time.perf_counter() - started)


__all__ = ["InternalError", "check", "load_root", "run_rules"]
