"""Prometheus exposition, read with prometheus_client's own text parser (what a scrape accepts).

`metrics_fact` turns a fetched metrics page into a `MetricsProbe`; the recorded-transcript
loader of the tests calls the same function, so live and recorded pages are judged alike.
"""

from __future__ import annotations

from deploycheck.model.location import Location
from deploycheck.model.probe import NOWHERE, Exchange, MetricsProbe

#: Larger pages are cut; the parser then judges the part read and says so.
_NOT_TEXT = ("text/html", "application/json", "application/xml", "image/")


def parse_exposition(text: str) -> tuple[int, int, str, int]:
    """(families, samples, error, error_line) for Prometheus text exposition format 0.0.4.

    The parser names no line when it fails, so on failure each line is parsed alone to find
    the first one it rejects (only then: a valid page is read once).
    """
    from prometheus_client.parser import text_string_to_metric_families

    try:
        families = list(text_string_to_metric_families(text))
    except Exception as exc:  # the parser raises ValueError, IndexError, KeyError... on bad input
        return 0, 0, _describe(exc), _bad_line(text)
    return len(families), sum(len(f.samples) for f in families), "", 0


def _describe(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _bad_line(text: str) -> int:
    from prometheus_client.parser import text_string_to_metric_families

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            list(text_string_to_metric_families(line + "\n"))
        except Exception:
            return number
    return 0


def metrics_fact(url: str, path: str, exchange: Exchange, body: bytes,
                 source: Location = NOWHERE) -> MetricsProbe:
    """Judge a fetched metrics page. Only a 2xx body is parsed; a page that is not text (an
    HTML error page or a single-page app's index.html served for every path) is named as such."""
    if not exchange.ok:
        return MetricsProbe(url, path, exchange, source=source)
    ctype = (exchange.first("content-type") or "").split(";", 1)[0].strip().lower()
    text = body.decode("utf-8", "replace")
    families, samples, error, line = parse_exposition(text)
    if error and ctype.startswith(_NOT_TEXT):
        error = f"the body is {ctype}, not the Prometheus text format ({error})"
    if exchange.truncated and error:
        error += f" (only the first {len(body)} bytes were read)"
    return MetricsProbe(url, path, exchange, families, samples, error, line, source)


__all__ = ["metrics_fact", "parse_exposition"]
