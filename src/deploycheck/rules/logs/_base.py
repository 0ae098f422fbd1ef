"""Log signatures as rules: each `Signature` of a catalog module becomes its own `Rule` class
(code, name, page, fixtures), generated from the typed table so that the catalog stays one
readable list. The rules read `LogScan` facts, which `deploycheck logs` (a file or stdin) and
`deploycheck containers` (each container's log tail) build with one `LogScanner`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.logs import HitGroup, LogScan, LogSource, Refiner, Signature, render


class SignatureRule(Rule[LogScan]):
    """Base of the generated log-signature rules (no code: the registry skips it)."""

    signature: ClassVar[Signature]
    target = LogScan

    def check(self, model: LogScan, options: NoOptions) -> Iterator[Violation]:
        sig = self.signature
        for group in model.for_code(sig.code):
            yield violation(sig, group, model.source)


def violation(sig: Signature, group: HitGroup, source: LogSource) -> Violation:
    first = group.first
    message = f"{render(sig.message, first)}: {quote(first.text)}"
    if group.count > 1:
        message += f" ({group.count} times, the last at line {group.last.line})"
    related = [Related(source.location(hit.line), f"also: {quote(hit.text)}") for hit in group.samples]
    if group.count > 1 and group.last.line != first.line and group.last not in group.samples:
        related.append(Related(source.location(group.last.line), f"last: {quote(group.last.text)}"))
    return Violation(message, source.location(first.line), tuple(related), fix=render(sig.fix, first))


def quote(text: str) -> str:
    """A log line quoted for a message: in backticks, or double quotes when it holds backticks."""
    return f'"{text}"' if "`" in text else f"`{text}`"


def page(sig: Signature) -> str:
    """The rule page of a signature: summary, why, the real lines it matches, near misses, fix."""
    bad = "\n".join(sig.bad)
    good = "\n".join(sig.good)
    why = textwrap.fill(sig.why, 100, break_long_words=False, break_on_hyphens=False)
    fix = textwrap.fill(_plain(sig.fix), 100, break_long_words=False, break_on_hyphens=False)
    return (f"{sig.summary}\n\n## Why\n{why}\n\n## Bad\n```app.log\n{bad}\n```\n\n"
            f"## Good\n```app.log\n{good}\n```\n\n## Fix\n{fix}.\n")


def _plain(fix: str) -> str:
    """The fix text for the page, where no hit fills `{group}` fields."""
    return re.sub(r"\{(\w+)\}", lambda m: m.group(1).upper(), fix)


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^a-z0-9]+", name) if part) + "Signature"


def rule_classes(signatures: Sequence[Signature], module: str) -> dict[str, type[SignatureRule]]:
    """One rule class per signature, named after it and owned by `module` (for the registry)."""
    out: dict[str, type[SignatureRule]] = {}
    for sig in signatures:
        namespace: dict[str, Any] = {
            "__doc__": page(sig), "__module__": module, "__qualname__": _class_name(sig.name),
            "code": sig.code, "name": sig.name, "category": sig.category, "severity": sig.severity,
            "fix": _plain(sig.fix), "signature": sig,
        }
        out[_class_name(sig.name)] = type(_class_name(sig.name), (SignatureRule,), namespace)
    return out


def sig(code: str, name: str, category: Category, severity: Severity, summary: str, *,
        pattern: str, keywords: Sequence[str], message: str, why: str, fix: str,
        bad: Sequence[str], good: Sequence[str], key: str = "", fallback: bool = False,
        before: int = 0, after: int = 0, refine: Refiner | None = None,
        ignore_case: bool = False) -> Signature:
    """A signature, with the layout of the catalog modules (text blocks dedented)."""
    return Signature(code, name, category, severity, summary, pattern, tuple(keywords), message,
                     _text(why), _text(fix), tuple(bad), tuple(good), key, fallback, before, after,
                     refine, re.IGNORECASE if ignore_case else 0)


def _text(text: str) -> str:
    return " ".join(line.strip() for line in text.strip().splitlines())


# -- refiners shared by the catalogs -----------------------------------------------------------

_ARGS = re.compile(r"\((?:[^()]|\.\.\.)*\)$")
_FRAME_FILE = re.compile(r"^\s*(?P<file>\S+\.go):(?P<line>\d+)(?:\s|$)")


def _go_package(func: str) -> str:
    """`github.com/acme/api/db.(*Store).Open(...)` -> `github.com/acme/api/db`."""
    head, slash, tail = func.rpartition("/")
    return head + slash + tail.split(".", 1)[0]


def _user_frame(func: str, path: str) -> bool:
    if func.startswith(("runtime.", "panic(", "created by ")) or not func:
        return False
    if "@v" in path or "/vendor/" in path or "/pkg/mod/" in path or "/gocode/" in path:
        return False
    package = _go_package(func)
    first = package.split("/", 1)[0]
    # Standard library packages have no dot in their first path element (`net/http`).
    return package == "main" or "." in first


def go_panic_frame(before: Sequence[str], line: str, after: Sequence[str],
                   groups: Mapping[str, str]) -> Mapping[str, str]:
    """The first frame of the panicking goroutine that is the program's own code."""
    for index, text in enumerate(after):
        match = _FRAME_FILE.match(text)
        if not match or index == 0:
            continue
        func = after[index - 1].strip()
        if _user_frame(func, match.group("file")):
            name = _ARGS.sub("", func).rpartition("/")[2]
            return {"frame": f"{name} at {match.group('file')}:{match.group('line')}"}
    return {}


def with_frame(template: str) -> Refiner:
    """A refiner that adds `frame_text`: ' (first frame of the program: ...)' or ''."""

    def refine(before: Sequence[str], line: str, after: Sequence[str],
               groups: Mapping[str, str]) -> Mapping[str, str]:
        found = go_panic_frame(before, line, after, groups)
        return {"frame_text": template.format(**found) if found else ""}

    return refine


def unless_near(pattern: str) -> Refiner:
    """Reject the hit when a neighbouring line matches `pattern`."""
    regex = re.compile(pattern)

    def refine(before: Sequence[str], line: str, after: Sequence[str],
               groups: Mapping[str, str]) -> Mapping[str, str] | None:
        return None if any(regex.search(text) for text in (*before, *after)) else {}

    return refine


def requires_before(pattern: str) -> Refiner:
    """Keep the hit only when one of the lines before it matches `pattern`."""
    regex = re.compile(pattern)

    def refine(before: Sequence[str], line: str, after: Sequence[str],
               groups: Mapping[str, str]) -> Mapping[str, str] | None:
        return {} if any(regex.search(text) for text in before) else None

    return refine


__all__ = ["Category", "Severity", "SignatureRule", "page", "rule_classes", "sig"]
