"""Apply the repairs rules attach to findings (`Finding.edits`), safely and repeatably.

A rule yields `Violation(..., edits=(TextEdit(...), ...), safe_fix=...)`; this module turns the
findings of a run into file changes:

- Only fixable findings count: those with edits, and (unless `unsafe`) `safe_fix`.
- A finding's edits apply together or not at all. Findings are taken in report order; one whose
  edits overlap an edit already taken waits for the next pass (identical edits are merged), so
  the outcome does not depend on rule order. `fix()` re-checks after each pass until nothing
  more changes, like ruff's fix loop.
- An edit on a file that does not exist, at 1:1-1:1, creates it.
- Text outside the edits is kept byte for byte: line endings (a CRLF file stays CRLF), a
  byte-order mark, and the tab indentation of the line an inserted line goes next to.
- A change that makes a file unreadable to its parser is refused, and so is an edit that points
  outside the file or outside the checked tree.
- Files are written atomically (a temporary file in the same folder, then `os.replace`),
  keeping their permission bits.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from deploycheck.model import Finding, RunResult, TextEdit

MAX_PASSES = 10


@dataclass(frozen=True, slots=True)
class FileChange:
    """The new text of one file. `before` is None when the fix creates the file."""

    path: str  # as the findings name it (relative to the checked root, or prefixed)
    abspath: str
    before: str | None
    after: str
    fixed: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class FixPlan:
    """One pass: the file changes, and the fixable findings left for a later pass or refused."""

    changes: tuple[FileChange, ...] = ()
    deferred: tuple[Finding, ...] = ()  # overlap an edit taken in this pass
    refused: tuple[tuple[Finding, str], ...] = ()  # (finding, why)
    unsafe: tuple[Finding, ...] = ()  # fixable only with unsafe fixes

    @property
    def fixed(self) -> tuple[Finding, ...]:
        return tuple(f for c in self.changes for f in c.fixed)


@dataclass(frozen=True, slots=True)
class FixOutcome:
    """The result of fixing: the run after the last pass, and what changed on the way."""

    result: RunResult
    fixed: tuple[Finding, ...]
    files: tuple[str, ...]  # files changed (as findings name them), in order
    originals: dict[str, str | None] = field(default_factory=dict)  # abspath -> text before
    finals: dict[str, str] = field(default_factory=dict)  # abspath -> text after
    refused: tuple[tuple[Finding, str], ...] = ()
    unsafe_available: int = 0
    passes: int = 0

    def diff(self) -> str:
        """A unified diff of every change, in the order the files were changed."""
        return "".join(unified_diff(label, self.originals[p], self.finals[p])
                       for p, label in _labels(self.originals, self.files))


def is_fixable(finding: Finding, unsafe: bool = False) -> bool:
    return bool(finding.edits) and (finding.safe_fix or unsafe)


# -- text and positions ------------------------------------------------------------------------


@dataclass(slots=True)
class _Text:
    """A file's text as the parsers saw it (BOM removed), with what writing it back needs."""

    text: str
    exists: bool
    bom: bool = False
    crlf: bool = False
    starts: list[int] = field(default_factory=list)

    @staticmethod
    def read(abspath: str) -> _Text | None:
        """The file's text; an empty stand-in when it does not exist; None when unreadable."""
        if not os.path.lexists(abspath):
            return _Text("", False, starts=[0])
        try:
            with open(abspath, "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        bom = data.startswith(b"\xef\xbb\xbf")
        try:
            text = data[3 if bom else 0:].decode("utf-8")
        except UnicodeDecodeError:
            return None
        crlf = text.count("\r\n") * 2 > text.count("\n")
        return _Text(text, True, bom, crlf, _line_starts(text))

    def offset(self, line: int, column: int) -> int | None:
        """The index of a 1-based (line, column); None when it is not inside the text. The line
        after the last one exists at column 1 only (the end of the file)."""
        if line < 1 or column < 1:
            return None
        if line > len(self.starts):
            return len(self.text) if line == len(self.starts) + 1 and column == 1 and (
                self.text.endswith("\n")) else None
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        content = self.text[start:end].rstrip("\r\n")
        if column - 1 > len(content):
            return None
        return start + column - 1

    def line_text(self, line: int) -> str | None:
        if 1 <= line <= len(self.starts):
            start = self.starts[line - 1]
            end = self.starts[line] if line < len(self.starts) else len(self.text)
            return self.text[start:end].rstrip("\r\n")
        return None

    def encode(self, text: str) -> bytes:
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        if index + 1 < len(text):
            starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


@dataclass(frozen=True, slots=True)
class _Span:
    """An edit resolved to offsets in its file, with the replacement made to fit the file."""

    abspath: str
    start: int
    end: int
    text: str

    def overlaps(self, other: _Span) -> bool:
        if self.abspath != other.abspath or self == other:
            return False
        if self.start == self.end and other.start == other.end:
            return self.start == other.start  # two insertions at one place: order unclear
        return (self.start < other.end and other.start < self.end) or (
            self.start == self.end and other.start < self.start < other.end) or (
            other.start == other.end and self.start < other.start < self.end)


def _fit(edit: TextEdit, file: _Text, start: int) -> str:
    """The replacement in the file's own style: CRLF line ends, and tab indentation for lines
    inserted at column 1 next to a tab-indented line (rules only know the indentation width)."""
    text = edit.replacement
    if edit.column == 1 and edit.line == edit.end_line and edit.column == edit.end_column and text:
        first_indent = len(text) - len(text.lstrip(" "))
        for neighbour in (edit.line - 1, edit.line):
            line = file.line_text(neighbour)
            if line is None:
                continue
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            if "\t" in indent and len(indent) == first_indent:
                text = "".join(indent + part[first_indent:] if part.startswith(" " * first_indent)
                               else part for part in text.splitlines(keepends=True))
                break
    if file.crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text


# -- planning ----------------------------------------------------------------------------------

Resolver = Callable[[Finding, TextEdit], str | None]


def resolver_for(roots: Sequence[tuple[str, str]]) -> Resolver:
    """Where an edit's file is on disk. `roots` pairs the prefix findings carry (``""`` for a
    single root) with the folder edit paths are relative to. None: outside every root."""
    ordered = sorted(roots, key=lambda r: len(r[0]), reverse=True)

    def resolve(finding: Finding, edit: TextEdit) -> str | None:
        for prefix, folder in ordered:
            if prefix and not finding.location.path.startswith(prefix) and not any(
                    r.location.path.startswith(prefix) for r in finding.related):
                continue
            rel = edit.path
            if rel.startswith(prefix) and prefix and not os.path.lexists(os.path.join(folder, rel)):
                rel = rel[len(prefix):]
            if os.path.isabs(rel) or not rel or rel.startswith("<"):
                return None
            base = os.path.realpath(folder)
            full = os.path.realpath(os.path.join(base, rel))
            if full != base and not full.startswith(base.rstrip(os.sep) + os.sep):
                return None
            return full
        return None

    return resolve


def plan(findings: Iterable[Finding], resolve: Resolver, *, unsafe: bool = False,
         texts: dict[str, _Text] | None = None) -> FixPlan:
    """The changes one pass makes. Findings are taken in report order (deterministic)."""
    texts = {} if texts is None else texts
    ordered = sorted((f for f in findings if f.edits), key=Finding.sort_key)
    taken: list[_Span] = []
    owners: dict[_Span, list[Finding]] = {}
    deferred: list[Finding] = []
    refused: list[tuple[Finding, str]] = []
    unsafe_left: list[Finding] = []
    for finding in ordered:
        if not is_fixable(finding, unsafe):
            unsafe_left.append(finding)
            continue
        spans, why = _spans(finding, resolve, texts)
        if spans is None:
            refused.append((finding, why))
            continue
        if any(s.overlaps(t) for s in spans for t in taken):
            deferred.append(finding)
            continue
        for span in spans:
            if span not in owners:
                taken.append(span)
                owners[span] = []
            owners[span].append(finding)
    changes = _changes(taken, owners, texts, resolve)
    broken = {c.abspath for c in changes if _breaks_parsing(c)}
    if broken:
        # Refuse every finding with an edit in a file the change would make unreadable, and
        # plan again without them (their other files stay untouched too).
        bad = {id(f) for c in changes if c.abspath in broken for f in c.fixed}
        kept = [f for f in ordered if id(f) not in bad]
        again = plan(kept, resolve, unsafe=unsafe, texts=texts)
        refusal = [(f, "the change would leave the file unreadable to its parser")
                   for f in ordered if id(f) in bad]
        return replace(again, refused=again.refused + tuple(refusal))
    return FixPlan(tuple(changes), tuple(deferred), tuple(refused), tuple(unsafe_left))


def _spans(finding: Finding, resolve: Resolver,
           texts: dict[str, _Text]) -> tuple[list[_Span] | None, str]:
    spans: list[_Span] = []
    for edit in finding.edits:
        abspath = resolve(finding, edit)
        if abspath is None:
            return None, f"edit of {edit.path!r} points outside the checked tree"
        if abspath not in texts:
            loaded = _Text.read(abspath)
            if loaded is None:
                return None, f"{edit.path} cannot be read as UTF-8 text"
            texts[abspath] = loaded
        file = texts[abspath]
        if not file.exists and (edit.line, edit.column, edit.end_line, edit.end_column) != (1, 1, 1, 1):
            return None, f"{edit.path} does not exist"
        start = file.offset(edit.line, edit.column)
        end = file.offset(edit.end_line, edit.end_column)
        if start is None or end is None or end < start:
            return None, (f"edit {edit.line}:{edit.column}-{edit.end_line}:{edit.end_column} is "
                          f"not inside {edit.path}")
        spans.append(_Span(abspath, start, end, _fit(edit, file, start)))
    return spans, ""


def _changes(taken: Sequence[_Span], owners: dict[_Span, list[Finding]], texts: dict[str, _Text],
             resolve: Resolver) -> list[FileChange]:
    by_file: dict[str, list[_Span]] = {}
    for span in taken:
        by_file.setdefault(span.abspath, []).append(span)
    out: list[FileChange] = []
    for abspath, spans in by_file.items():
        file = texts[abspath]
        text = file.text
        # From the end backwards, so earlier offsets stay valid; insertions at one place keep
        # the order they were taken in.
        for span in sorted(spans, key=lambda s: (s.start, s.end), reverse=True):
            text = text[: span.start] + span.text + text[span.end:]
        fixed: list[Finding] = []
        for span in spans:
            fixed.extend(f for f in owners[span] if f not in fixed)
        if text == file.text and file.exists:
            continue
        label = _label(fixed[0], abspath, resolve) if fixed else abspath
        out.append(FileChange(label, abspath, file.text if file.exists else None, text,
                              tuple(fixed)))
    out.sort(key=lambda c: c.path)
    return out


def _label(finding: Finding, abspath: str, resolve: Resolver) -> str:
    for edit in finding.edits:
        if resolve(finding, edit) == abspath:
            return edit.path
    return abspath


def _breaks_parsing(change: FileChange) -> bool:
    """True when the new text gives its parser more problems than the old one did."""
    from deploycheck.discovery import classify
    from deploycheck.engine.parsing import parse_source
    from deploycheck.model import SourceFile

    kind = classify(change.path)
    if not kind:
        return False
    before = 0
    if change.before is not None:
        before = len(parse_source(SourceFile.of(change.path, change.before, kind)).problems)
    after = len(parse_source(SourceFile.of(change.path, change.after, kind)).problems)
    return after > before


# -- writing -----------------------------------------------------------------------------------


def write(changes: Sequence[FileChange], texts: dict[str, _Text] | None = None) -> None:
    """Write every change atomically, keeping each file's mode, BOM and line ends."""
    for change in changes:
        file = (texts or {}).get(change.abspath) or _Text.read(change.abspath) or _Text("", False)
        write_atomic(change.abspath, file.encode(change.after))


def write_atomic(path: str, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and `os.replace`, so a
    reader sees the old file or the new one, never half of one. The mode (and, for root, the
    owner) of an existing file is kept; a new file gets the usual mode under the umask."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if hasattr(os, "chown") and os.geteuid() == 0:
                with contextlib.suppress(OSError):
                    os.chown(tmp, st.st_uid, st.st_gid)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def unified_diff(label: str, before: str | None, after: str) -> str:
    """`--- a/path` / `+++ b/path` hunks; a created file diffs against /dev/null."""
    old = "/dev/null" if before is None else f"a/{label}"
    lines = difflib.unified_diff((before or "").splitlines(keepends=True),
                                 after.splitlines(keepends=True), old, f"b/{label}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _labels(originals: dict[str, str | None], files: Sequence[str]) -> list[tuple[str, str]]:
    return list(zip(originals, files, strict=True))


# -- the fix loop ------------------------------------------------------------------------------

Checker = Callable[[], RunResult]


def fix(first: RunResult, recheck: Checker, resolve: Resolver, *, unsafe: bool = False,
        dry_run: bool = False, max_passes: int = MAX_PASSES) -> FixOutcome:
    """Apply fixes pass after pass, re-checking in between, until no fixable finding is left or
    a pass changes nothing. With `dry_run` nothing is written: only the first pass is computed
    (later passes need the files written), plus the findings it leaves for them."""
    result = first
    fixed: list[Finding] = []
    originals: dict[str, str | None] = {}
    finals: dict[str, str] = {}
    files: list[str] = []
    refused: list[tuple[Finding, str]] = []
    seen: set[tuple[tuple[str, str], ...]] = set()
    passes = 0
    unsafe_count = sum(1 for f in first.findings if f.edits and not f.safe_fix)
    while passes < max_passes:
        texts: dict[str, _Text] = {}
        step = plan(result.findings, resolve, unsafe=unsafe, texts=texts)
        refused.extend(r for r in step.refused if r[0] not in (x for x, _ in refused))
        if not step.changes:
            unsafe_count = len(step.unsafe)
            break
        state = tuple(sorted((c.abspath, c.after) for c in step.changes))
        if state in seen:
            break  # a cycle between rules: stop rather than flip files back and forth
        seen.add(state)
        passes += 1
        for change in step.changes:
            if change.abspath not in originals:
                originals[change.abspath] = change.before
                files.append(change.path)
            finals[change.abspath] = change.after
        fixed.extend(step.fixed)
        if dry_run:
            unsafe_count = len(step.unsafe)
            break
        write(step.changes, texts)
        result = recheck()
        unsafe_count = sum(1 for f in result.findings if f.edits and not f.safe_fix and not unsafe)
    return FixOutcome(result, tuple(fixed), tuple(files), originals, finals, tuple(refused),
                      unsafe_count, passes)


# -- backups (shared with `init --force`) ------------------------------------------------------


def backup_path(path: str) -> str:
    """`<file>.bak`, or `<file>.bak.1`, `.bak.2`, ... when that exists already."""
    candidate = path + ".bak"
    n = 0
    while os.path.lexists(candidate):
        n += 1
        candidate = f"{path}.bak.{n}"
    return candidate


def backup(path: str) -> str:
    """Copy `path` to its backup name (keeping mode and times); returns the backup's path."""
    dest = backup_path(path)
    shutil.copy2(path, dest)
    return dest
