"""requirements*.txt and pyproject.toml → `PyDependencies` (decided by file name).

Requirements files follow pip's format: comments, `\\` continuations, `-r`/`-c` includes (kept as
written, not followed), `-e` editable installs, direct URLs (`name @ url`, `...#egg=name`),
per-line options (`--hash=...`) and environment markers. pyproject.toml is read with `tomllib`:
`[project].dependencies`, `[project.optional-dependencies]`, `[tool.poetry.*dependencies]` and
groups, plus `requires-python` and console scripts.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from deploycheck.model import Location, ParseProblem, Position, SourceFile
from deploycheck.model.python import PyDependencies, Requirement, Str, normalize_name
from deploycheck.parsers import Parsed

_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$", re.S)
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[([^\]]*)\])?")
_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)")


def parse(source: SourceFile) -> Parsed:
    if source.name.lower() == "pyproject.toml":
        return _pyproject(source)
    return _requirements(source)


# -- requirements files -----------------------------------------------------------------------


def _logical_lines(text: str) -> list[tuple[int, int, str]]:
    """(line, column, text) of each logical line: continuations joined, comments dropped."""
    out: list[tuple[int, int, str]] = []
    buf: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if not buf:
            start = number
        if line.endswith("\\"):
            buf.append(line[:-1])
            continue
        buf.append(line)
        joined = " ".join(buf)
        buf = []
        stripped = joined.strip()
        if stripped:
            out.append((start, len(joined) - len(joined.lstrip()) + 1, stripped))
    if buf and " ".join(buf).strip():
        joined = " ".join(buf)
        out.append((start, len(joined) - len(joined.lstrip()) + 1, joined.strip()))
    return out


def _requirements(source: SourceFile) -> Parsed:
    packages: list[Requirement] = []
    includes: list[Str] = []
    options: list[Str] = []
    problems: list[ParseProblem] = []
    for line, col, text in _logical_lines(source.text):
        pos = Position(line, col)
        inc = _INCLUDE.match(text)
        if inc:
            includes.append(Str(inc.group(2), pos))
            continue
        editable = False
        if text.startswith(("-e ", "--editable ", "-e=", "--editable=")) or text in ("-e", "--editable"):
            editable = True
            text = re.sub(r"^(-e|--editable)\s*=?\s*", "", text)
        elif text.startswith("-"):
            options.append(Str(text, pos))
            continue
        req = _requirement(text, pos, editable)
        if req is None:
            if not _looks_local(text):
                why = f"not a requirement pip understands: {text[:80]!r}"
                problems.append(ParseProblem(Location.at(source.path, pos), why, "requirements"))
            continue
        packages.append(req)
    return Parsed(models=(PyDependencies(source.path, tuple(packages), tuple(includes), tuple(options)),),
                  problems=tuple(problems))


def _looks_local(text: str) -> bool:
    """A path or archive pip installs without a name we can read (`.`, `./pkg`, `dist/x.whl`)."""
    t = text.split(";")[0].strip()
    return t.startswith((".", "/", "~")) or t.endswith((".whl", ".tar.gz", ".zip")) or "://" in t


def _requirement(text: str, pos: Position, editable: bool = False, group: str = "") -> Requirement | None:
    """One PEP 508 line (pip per-requirement options like --hash dropped)."""
    text = re.split(r"\s--?[a-z][a-z-]*(?:[=\s]|$)", " " + text, maxsplit=1)[0].strip()
    if not text:
        return None
    url = ""
    if "://" in text.split("@")[0] or text.startswith(("git+", "hg+", "svn+", "bzr+", "file:")):
        egg = _EGG.search(text)
        if egg is None:
            return None
        extras = tuple(e.strip() for e in (egg.group(2) or "").split(",") if e.strip())
        return Requirement(normalize_name(egg.group(1)), "", pos, extras, "", text, editable, group)
    body, _, markers = text.partition(";")
    m = _NAME.match(body)
    if m is None:
        return None
    name, extras_text, rest = m.group(1), m.group(2) or "", m.group(3).strip()
    if rest.startswith("@"):
        url, rest = rest[1:].strip(), ""
    if rest and not re.match(r"^\(?\s*(===|==|~=|!=|<=|>=|<|>)", rest):
        return None
    extras = tuple(e.strip().lower() for e in extras_text.strip("[]").split(",") if e.strip())
    spec = re.sub(r"\s+", "", rest.strip("()"))
    return Requirement(normalize_name(name), spec, pos, extras, markers.strip(), url, editable, group)


# -- pyproject.toml ---------------------------------------------------------------------------


def _pyproject(source: SourceFile) -> Parsed:
    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as exc:
        line, col = _where(str(exc), source.text)
        problem = ParseProblem(Location.at(source.path, Position(line, col)),
                               f"invalid TOML: {str(exc).split(' (at')[0]}", "pyproject")
        return Parsed(problems=(problem,))
    except (RecursionError, ValueError, MemoryError) as exc:
        problem = ParseProblem(Location.at(source.path, Position(1, 1)), f"cannot read TOML: {exc!s:.80}",
                               "pyproject")
        return Parsed(problems=(problem,))
    lines = _LineFinder(source.text)
    packages: list[Requirement] = []
    project = _table(data.get("project"))
    for dep in _strings(project.get("dependencies")):
        req = _requirement(dep, lines.find(dep))
        if req is not None:
            packages.append(req)
    for group, deps in _table(project.get("optional-dependencies")).items():
        for dep in _strings(deps):
            req = _requirement(dep, lines.find(dep), group=str(group))
            if req is not None:
                packages.append(req)
    for group, deps in _table(data.get("dependency-groups")).items():
        for dep in _strings(deps):
            req = _requirement(dep, lines.find(dep), group=str(group))
            if req is not None:
                packages.append(req)
    poetry = _table(_table(data.get("tool")).get("poetry"))
    requires_python = str(project.get("requires-python", "")) if isinstance(project.get("requires-python"),
                                                                            str) else ""
    tables: list[tuple[str, dict[str, Any]]] = [("", _table(poetry.get("dependencies"))),
                                                 ("dev", _table(poetry.get("dev-dependencies")))]
    for gname, g in _table(poetry.get("group")).items():
        tables.append((str(gname), _table(_table(g).get("dependencies"))))
    for group, table in tables:
        for name, spec in table.items():
            if name.lower() == "python":
                if isinstance(spec, str) and not requires_python:
                    requires_python = spec
                continue
            packages.append(_poetry_dep(str(name), spec, lines.find_key(str(name)), group))
    scripts = [(str(k), str(v)) for k, v in _table(project.get("scripts")).items() if isinstance(v, str)]
    scripts += [(str(k), str(v)) for k, v in _table(poetry.get("scripts")).items() if isinstance(v, str)]
    return Parsed(models=(PyDependencies(source.path, tuple(packages), requires_python=requires_python,
                                         scripts=tuple(scripts)),))


def _poetry_dep(name: str, spec: object, pos: Position, group: str) -> Requirement:
    extras: tuple[str, ...] = ()
    markers = ""
    url = ""
    version = ""
    if isinstance(spec, str):
        version = spec
    elif isinstance(spec, dict):
        version = str(spec.get("version", ""))
        extras = tuple(str(e).lower() for e in spec.get("extras", ()) if isinstance(e, str))
        markers = str(spec.get("markers", ""))
        url = str(spec.get("git") or spec.get("url") or spec.get("path") or "")
    elif isinstance(spec, list) and spec:  # multiple constraints
        version = "|".join(str(s.get("version", "")) if isinstance(s, dict) else str(s) for s in spec)
    return Requirement(normalize_name(name), "" if version == "*" else version, pos, extras, markers, url,
                       False, group)


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _where(message: str, text: str) -> tuple[int, int]:
    """tomllib puts the place in its message: `(at line 3, column 7)` or `(at end of document)`."""
    m = re.search(r"line (\d+), column (\d+)", message)
    if m:
        return int(m.group(1)), int(m.group(2))
    if "end of document" in message:
        lines = text.splitlines() or [""]
        return len(lines), len(lines[-1]) + 1
    return 1, 1


class _LineFinder:
    """Positions for values tomllib returns without them: the first line quoting the string."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.index: dict[str, Position] = {}
        for n, line in enumerate(self.lines, 1):
            for m in re.finditer(r"""(["'])(.*?)\1""", line):
                self.index.setdefault(m.group(2), Position(n, m.start() + 1))

    def find(self, value: str) -> Position:
        return self.index.get(value, Position(1, 1))

    def find_key(self, key: str) -> Position:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for n, line in enumerate(self.lines, 1):
            if pattern.match(line):
                return Position(n, len(line) - len(line.lstrip()) + 1)
        return Position(1, 1)
