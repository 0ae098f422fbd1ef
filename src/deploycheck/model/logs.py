"""Log text and the failure signatures found in it.

A `Signature` is one known failure message (`bind: address already in use`, `exec format
error`, `WORKER TIMEOUT`): a regular expression over one log line, the literal `keywords` every
match contains, and the page text (cause, fix, real examples). `LogScanner` compiles a set of
signatures once and scans any amount of log text in a few passes over the raw bytes: each
distinct keyword is searched with `bytes.find` over the whole text (a vectorised search, a few
GB/s), and only the lines that hold a keyword are decoded and matched. CPython's `re` tries
every branch of an alternation at every position, so one big alternation of 60 literals runs at
~25 MB/s, while one `find` per keyword stays above 50 MB/s for the few dozen keywords the
catalog needs.

A scan yields one `LogScan` per source (a file, standard input, a container's log tail): the
hits grouped by signature and key (the target a connection failed to, the variable that is
missing), so a message repeated 10,000 times in a restart loop is one finding with a count.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from deploycheck.model.location import Location
from deploycheck.model.severity import Category, Severity

# (lines before, the line, lines after, named groups) -> extra details, or None to reject.
Refiner = Callable[[Sequence[str], str, Sequence[str], Mapping[str, str]], "Mapping[str, str] | None"]

MAX_LINE = 4096  # bytes of a line examined around a keyword (minified JSON lines can be huge)
EXCERPT = 300  # characters of a line kept as evidence
SAMPLES = 3  # occurrences kept per finding besides the first and the last

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Prefixes that tools put before the program's own text: RFC 3339 timestamps (`docker logs -t`,
# GitHub Actions), compose service names (`api-1  | `), `kubectl logs --prefix`, BuildKit's
# plain progress (`#8 1.234 `). Stripped so that signatures anchored at the line start still
# match, and so that the evidence shows the program's words.
_PREFIX = re.compile(
    r"""^(?:
        \s*\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\s+
      | [A-Za-z0-9][\w.-]*\s+\|\s?
      | \[pod/[^\]\s]+\]\s
      | \#\d+\s+\d+(?:\.\d+)?\s
    )+""",
    re.X,
)


def clean_line(text: str) -> str:
    """A log line without colour codes and without the prefixes collectors add."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    match = _PREFIX.match(text)
    if match:
        text = text[match.end() :]
    return text.rstrip("\r\n")


@dataclass(frozen=True, slots=True)
class Signature:
    """One known failure message, with what the finding says about it.

    `pattern` is searched in one cleaned line; every match must contain one of `keywords`
    (literal, case-sensitive), which the scanner uses to find candidate lines. Named groups
    become details of the hit (`target__2` in another branch of the alternation fills
    `target`); `key` names the group that splits findings (the dependency a connection was
    refused to), `message` is formatted with the groups (`{target}`) and `{line}`.
    A `fallback` signature stays quiet on a line that a specific signature explains. `refine`
    sees `context_before`/`context_after` neighbouring lines and may add details or reject.
    """

    code: str
    name: str
    category: Category
    severity: Severity
    summary: str
    pattern: str
    keywords: tuple[str, ...]
    message: str
    why: str
    fix: str
    bad: tuple[str, ...]
    good: tuple[str, ...]
    key: str = ""
    fallback: bool = False
    context_before: int = 0
    context_after: int = 0
    refine: Refiner | None = field(default=None, compare=False)
    flags: int = 0

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)


@dataclass(frozen=True, slots=True)
class LogHit:
    """One line that matched: its number in the source, its cleaned text, the named groups."""

    line: int
    text: str
    details: tuple[tuple[str, str], ...] = ()

    def detail(self, name: str) -> str:
        for key, value in self.details:
            if key == name:
                return value
        return ""


@dataclass(frozen=True, slots=True)
class HitGroup:
    """Every occurrence of one signature with one key value in one source."""

    code: str
    key: str
    first: LogHit
    last: LogHit
    count: int
    samples: tuple[LogHit, ...] = ()


@dataclass(frozen=True, slots=True)
class LogSource:
    """Where log text came from: a file (`path`, '<stdin>' for standard input) or a container."""

    path: str = ""
    container: str = ""

    def location(self, line: int) -> Location:
        if self.path:
            return Location(path=self.path, line=line)
        extra: list[tuple[str, str]] = []
        if self.container:
            extra.append(("container", self.container))
        if line:
            extra.append(("log_line", str(line)))
        return Location(extra=tuple(extra))

    def cite(self, line: int) -> str:
        if self.path:
            return f"{self.path}:{line}"
        return f"log line {line}" + (f" of container {self.container}" if self.container else "")


@dataclass(frozen=True, slots=True)
class LogScan:
    """What a scan found in one source: hits grouped by (signature, key), in order of first line."""

    source: LogSource
    lines: int
    groups: tuple[HitGroup, ...]

    def for_code(self, code: str) -> tuple[HitGroup, ...]:
        return tuple(g for g in self.groups if g.code == code)

    def codes(self) -> frozenset[str]:
        return frozenset(g.code for g in self.groups)


class _Details(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


_FIELD = re.compile(r"\{(\w+)\}")


def render(template: str, hit: LogHit) -> str:
    """`template` with `{group}` fields from the hit and `{line}` for its text. Only `{name}`
    is a field: other braces (`[]string{"10.0.0.0/8"}`, `${VAR:?err}`) are text and stay."""
    values = _Details(hit.details)
    values["line"] = hit.text
    return _FIELD.sub(lambda m: values[m.group(1)], template)


@dataclass(frozen=True, slots=True)
class ScanPart:
    """What scanning one region of a text found: its line count and its hit groups, with line
    numbers counted from 1 at the region's first line (parts are shifted when combined)."""

    lines: int
    groups: tuple[HitGroup, ...]


@dataclass(slots=True)
class _Group:
    code: str
    key: str
    first: LogHit
    last: LogHit
    count: int = 1
    samples: list[LogHit] = field(default_factory=list)

    def add(self, hit: LogHit) -> None:
        self.count += 1
        if hit.line > self.last.line:
            self.last = hit
        self.sample(hit)

    def sample(self, hit: LogHit) -> None:
        """Keep a few occurrences whose details differ from the first (other ports, other URLs)."""
        if (
            len(self.samples) < SAMPLES
            and hit.details != self.first.details
            and all(hit.details != s.details for s in self.samples)
        ):
            self.samples.append(hit)


# How often each byte occurs in typical log text, for choosing the rarest byte of each keyword
# (the scanner adapts these counts to a sample of the input when the input is large).
_COMMON = b" etaoinsrlcdu0123456789:-./\"hmp=,gf[]ybwTSEINROAGPHLCD_vkMU()'F{}WB>x<KV|jYqzJXZQ"
_PRIOR = {byte: len(_COMMON) - rank for rank, byte in enumerate(_COMMON)}
ADAPT_BYTES = 1 << 18  # inputs above this size get byte counts from a sample of their own


# Cost model of `re` on this layout, in nanoseconds: a pass over one byte, an occurrence of
# the anchor byte (the engine stops there), and each keyword tried at that occurrence.
_PASS, _ADMIT, _BRANCH = 0.3, 15.0, 2.0


def _anchor_patterns(keywords: Sequence[bytes], weight: Mapping[int, float]) -> tuple[re.Pattern[bytes], ...]:
    """A few regexes that together find every occurrence of every keyword, fast in CPython.

    A pattern that starts with one literal byte is searched by `re` with a tight C loop (about
    as fast as `bytes.find`), and the rest of the pattern is tried only where that byte occurs.
    So each keyword is written as one of its bytes, the rest of it, and a look-behind for the
    whole (`fused(?<=onnection refused)`), and keywords sharing that byte share one pattern:
    `f(?:used(?<=onnection refused)|ile(?<=shared object file))`. The bytes are chosen by a
    greedy weighted set cover: few passes over the text, each stopping rarely (the weights are
    byte frequencies, from a sample of the input when it is large). A single alternation of all
    keywords would be tried at every position, ~10x slower."""
    uncovered = set(keywords)
    chosen: dict[int, list[bytes]] = {}
    while uncovered:
        best: tuple[float, int, list[bytes]] | None = None
        for byte in {b for k in uncovered for b in k}:
            newly = [k for k in uncovered if byte in k]
            freq = weight.get(byte, 0.0)
            cost = _PASS + freq * (_ADMIT + _BRANCH * len(newly))
            ratio = cost / len(newly)
            if best is None or ratio < best[0] or (ratio == best[0] and byte < best[1]):
                best = (ratio, byte, newly)
        assert best is not None
        _, byte, newly = best
        chosen[byte] = sorted(newly)
        uncovered.difference_update(newly)
    patterns = []
    for byte, group in sorted(chosen.items()):
        branches = []
        for keyword in group:
            # The anchor byte where something follows it: each branch then starts with a literal,
            # which `re` rejects in one comparison at most occurrences of the anchor byte.
            index = keyword.rfind(bytes([byte]), 0, len(keyword) - 1)
            index = keyword.index(byte) if index == -1 else index
            before, after = keyword[: index + 1], keyword[index + 1 :]
            branch = re.escape(after)
            if len(before) > 1:
                branch += b"(?<=" + re.escape(keyword) + b")"
            branches.append(branch)
        branches.sort(key=lambda b: not b[:1].isalnum() and not b.startswith(b"\\"))
        head = re.escape(bytes([byte]))
        body = b"" if any(not b for b in branches) else b"(?:" + b"|".join(branches) + b")"
        patterns.append(re.compile(head + body))
    return tuple(patterns)


class LogScanner:
    """Signatures compiled for scanning; reusable across sources and threads (no scan state)."""

    def __init__(self, signatures: Iterable[Signature]) -> None:
        self.signatures: tuple[Signature, ...] = tuple(sorted(signatures, key=lambda s: s.code))
        self._regex = tuple(s.compiled() for s in self.signatures)
        self._keywords = _keyword_table(self.signatures)
        self._before = max((s.context_before for s in self.signatures), default=0)
        self._after = max((s.context_after for s in self.signatures), default=0)
        self._default_anchors = _anchor_patterns([k for k, _ in self._keywords], _prior_weights())

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.signatures)

    @property
    def context_lines(self) -> tuple[int, int]:
        """Lines of context before and after a hit that some signature reads."""
        return self._before, self._after

    # -- public ----------------------------------------------------------------------------

    def scan_bytes(self, source: LogSource, data: bytes) -> LogScan:
        return self.combine(source, [self.scan_region(data, 0, len(data))])

    def scan_lines(self, source: LogSource, lines: Sequence[str]) -> LogScan:
        """Scan lines already split (a container's log tail); line 1 is the first of them."""
        data = "\n".join(lines).encode("utf-8", "surrogateescape")
        if lines:
            data += b"\n"
        return self.scan_bytes(source, data)

    def scan_chunks(self, source: LogSource, chunks: Iterable[bytes], block: int = 32 << 20) -> LogScan:
        """Scan a stream given as byte chunks of any size (a file read block by block, stdin),
        keeping the neighbouring lines that multi-line signatures read across block ends."""
        parts: list[ScanPart] = []
        buffer = bytearray()
        start = 0  # where the part not yet scanned begins in `buffer`
        anchors: tuple[re.Pattern[bytes], ...] | None = None
        for chunk in chunks:
            buffer += chunk
            if len(buffer) - start < block:
                continue
            stop = _back_lines(buffer, len(buffer), self._after + 1)
            if stop <= start:
                if len(buffer) - start < 4 * block:
                    continue
                stop = len(buffer)  # one enormous line: scan it as it is
            if anchors is None:
                anchors = self.anchors_for(buffer, start, stop)
            parts.append(self.scan_region(buffer, start, stop, anchors))
            keep = _back_lines(buffer, stop, self._before)
            del buffer[:keep]
            start = stop - keep
        if len(buffer) > start:
            parts.append(self.scan_region(buffer, start, len(buffer), anchors))
        return self.combine(source, parts)

    def anchors_for(self, data: bytes | bytearray, lo: int, hi: int) -> tuple[re.Pattern[bytes], ...]:
        """The keyword patterns for this text: tuned to its byte frequencies when it is large."""
        if hi - lo <= ADAPT_BYTES:
            return self._default_anchors
        return _anchor_patterns([k for k, _ in self._keywords], _weights(bytes(data[lo : lo + ADAPT_BYTES])))

    def matches(self, text: str) -> list[tuple[Signature, LogHit]]:
        """Every signature matching in `text`, with its first hit (for tests and small inputs)."""
        found = self.scan_bytes(LogSource(path="<text>"), text.encode("utf-8") + b"\n")
        table = {s.code: s for s in self.signatures}
        return [(table[g.code], g.first) for g in found.groups]

    def combine(self, source: LogSource, parts: Sequence[ScanPart]) -> LogScan:
        """One result from the parts of a text, in order (their line numbers shifted)."""
        groups: dict[tuple[str, str], _Group] = {}
        offset = 0
        for part in parts:
            for g in part.groups:
                first, last = _shift(g.first, offset), _shift(g.last, offset)
                found = groups.get((g.code, g.key))
                if found is None:
                    groups[(g.code, g.key)] = _Group(
                        g.code, g.key, first, last, g.count, [_shift(h, offset) for h in g.samples]
                    )
                    continue
                found.count += g.count
                found.last = last
                for hit in (first, *g.samples):
                    found.sample(_shift(hit, offset) if hit is not first else first)
            offset += part.lines
        ordered = sorted(groups.values(), key=lambda g: (g.first.line, g.code, g.key))
        return LogScan(
            source,
            offset,
            tuple(HitGroup(g.code, g.key, g.first, g.last, g.count, tuple(g.samples)) for g in ordered),
        )

    # -- the scan --------------------------------------------------------------------------

    def scan_region(
        self, data: bytes | bytearray, lo: int, hi: int, anchors: tuple[re.Pattern[bytes], ...] | None = None
    ) -> ScanPart:
        """Scan the lines starting in `data[lo:hi]` (lo at a line start); lines outside the region
        serve as context only. Line 1 is the line at `lo`."""
        if anchors is None:
            anchors = self.anchors_for(data, lo, hi)
        find = data.find
        size = len(data)
        lines = data.count(b"\n", lo, hi) + (
            1 if hi == size and hi > lo and data[hi - 1 : hi] != b"\n" else 0
        )
        candidates: dict[int, int] = {}  # line start -> line end
        for anchor in anchors:
            search = anchor.search
            match = search(data, lo, hi)
            while match is not None:
                pos = match.start()
                begin = data.rfind(b"\n", 0, pos) + 1
                end = find(b"\n", pos)
                if end == -1:
                    end = size
                candidates[begin] = end
                match = search(data, end + 1, hi) if end + 1 < hi else None
        groups: dict[tuple[str, str], _Group] = {}
        line_no = 1
        previous = lo
        for begin in sorted(candidates):
            end = candidates[begin]
            line_no += data.count(b"\n", previous, begin)
            previous = begin
            raw = data[begin : min(end, begin + MAX_LINE)]
            sig_ids = sorted({i for keyword, ids in self._keywords if keyword in raw for i in ids})
            if sig_ids:
                self._match_line(data, begin, end, raw, line_no, sig_ids, groups)
        return ScanPart(
            lines,
            tuple(
                HitGroup(g.code, g.key, g.first, g.last, g.count, tuple(g.samples)) for g in groups.values()
            ),
        )

    def _match_line(
        self,
        data: bytes | bytearray,
        start: int,
        end: int,
        raw: bytes | bytearray,
        line_no: int,
        sig_ids: Sequence[int],
        groups: dict[tuple[str, str], _Group],
    ) -> None:
        text = clean_line(raw.decode("utf-8", "replace"))
        found: list[tuple[Signature, dict[str, str]]] = []
        context: tuple[list[str], list[str]] | None = None
        for index in sig_ids:
            sig = self.signatures[index]
            match = self._regex[index].search(text)
            if match is None:
                continue
            details: dict[str, str] = {}
            for name, value in match.groupdict().items():
                if value is not None:  # `target__2` is another branch's `target`
                    details.setdefault(name.partition("__")[0], value)
            if sig.refine is not None:
                if context is None:
                    context = (_lines_before(data, start, self._before), _lines_after(data, end, self._after))
                before = context[0][len(context[0]) - sig.context_before :] if sig.context_before else []
                after = context[1][: sig.context_after]
                extra = sig.refine(before, text, after, details)
                if extra is None:
                    continue
                details.update(extra)
            found.append((sig, details))
        if any(not sig.fallback for sig, _ in found):
            found = [(sig, d) for sig, d in found if not sig.fallback]
        excerpt = text.strip()
        if len(excerpt) > EXCERPT:
            excerpt = excerpt[: EXCERPT - 1] + "…"
        for sig, details in found:
            hit = LogHit(line_no, excerpt, tuple(sorted(details.items())))
            key = (sig.code, details.get(sig.key, "") if sig.key else "")
            group = groups.get(key)
            if group is None:
                groups[key] = _Group(sig.code, key[1], hit, hit)
            else:
                group.add(hit)


def _shift(hit: LogHit, offset: int) -> LogHit:
    return LogHit(hit.line + offset, hit.text, hit.details) if offset else hit


def _prior_weights() -> dict[int, float]:
    """Byte frequencies assumed for small inputs: the typical-log ranking, scaled to 0..1 %."""
    top = len(_COMMON)
    return {byte: _PRIOR.get(byte, 0) / top * 0.01 + 1e-7 for byte in range(256)}


def _weights(sample: bytes) -> dict[int, float]:
    """Byte frequencies of a sample, with the typical-log ranking breaking ties."""
    counts = Counter(sample)
    total = max(len(sample), 1)
    return {byte: counts.get(byte, 0) / total + _PRIOR.get(byte, 0) * 1e-6 for byte in range(256)}


def _back_lines(data: bytes | bytearray, pos: int, count: int) -> int:
    """The start of the line `count` lines before the line starting at `pos` (0 if none)."""
    for _ in range(count):
        if pos <= 0:
            return 0
        pos = data.rfind(b"\n", 0, pos - 1) + 1
    return pos


def _keyword_table(signatures: Sequence[Signature]) -> tuple[tuple[bytes, tuple[int, ...]], ...]:
    """Keyword -> the signatures to try on a line holding it. A keyword containing another one
    is folded into it: every line holding the longer one holds the shorter one too."""
    by_keyword: dict[bytes, set[int]] = {}
    for index, sig in enumerate(signatures):
        for text in sig.keywords:
            by_keyword.setdefault(text.encode("utf-8"), set()).add(index)
    kept: dict[bytes, set[int]] = {}
    for keyword in sorted(by_keyword, key=len):
        inner = next((k for k in kept if k in keyword), None)
        kept.setdefault(inner or keyword, set()).update(by_keyword[keyword])
    return tuple((k, tuple(sorted(v))) for k, v in kept.items())


def _lines_before(data: bytes | bytearray, start: int, count: int) -> list[str]:
    out: list[str] = []
    end = start - 1
    while count > 0 and end > 0:
        begin = data.rfind(b"\n", 0, end) + 1
        out.append(clean_line(data[begin : min(end, begin + MAX_LINE)].decode("utf-8", "replace")))
        end = begin - 1
        count -= 1
    out.reverse()
    return out


def _lines_after(data: bytes | bytearray, end: int, count: int) -> list[str]:
    out: list[str] = []
    begin = end + 1
    size = len(data)
    while count > 0 and begin < size:
        stop = data.find(b"\n", begin)
        if stop == -1:
            stop = size
        out.append(clean_line(data[begin : min(stop, begin + MAX_LINE)].decode("utf-8", "replace")))
        begin = stop + 1
        count -= 1
    return out


def read_blocks(reader: Callable[[int], bytes], size: int = 16 << 20) -> Iterator[bytes]:
    """Blocks from a binary `read` function until it returns nothing."""
    while True:
        block = reader(size)
        if not block:
            return
        yield block
