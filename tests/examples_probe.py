"""Recorded facts for the probe rules: HTTP transcripts (`*.http`) and JSON (`*.probe.json`).

A transcript is what a browser's network tab or `curl -v` shows: exchanges separated by lines
of `###` (the REST-client convention); each is a request head, a blank line, the response head,
a blank line and the body. `# key: value` lines before the request annotate it:

    # url: https://api.example.com/orders   full URL (else http:// + Host + request target)
    # probe: health | metrics | page        what the exchange is for (default: page, or CORS
                                            when the request carries an Origin header)
    # error: refused Connection refused     no response: the failure kind and its text
    # elapsed-ms: 1500                      response time
    # credentials: include                  the CORS request is made with credentials
    # https-url: https://example.com/       an https URL of the same host (for http:// pages)

Heads go through the gatherer's own `parse_head`, metrics bodies through `metrics_fact`, and
redirect chains through `chain_outcome`, so recorded and live facts are built by one code path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from deploycheck.gatherers.http_probe import chain_outcome, parse_head, reply_failure
from deploycheck.gatherers.metrics import metrics_fact
from deploycheck.model.probe import (
    FOREIGN_ORIGIN,
    CorsProbe,
    EndpointProbe,
    Exchange,
    Failure,
    FailureKind,
    Header,
    HealthProbe,
    OriginKind,
    fact_from_dict,
    with_peers,
)

_STANDARD = frozenset({"host", "user-agent", "accept", "accept-encoding", "connection", "content-length",
                       "origin", "cookie", "access-control-request-method", "access-control-request-headers"})


@dataclass
class Recorded:
    exchange: Exchange
    notes: dict[str, str] = field(default_factory=dict)
    raw_body: bytes = b""


def parse_transcript(text: str) -> list[Recorded]:
    out: list[Recorded] = []
    for block in _blocks(text):
        lines = block.split("\n")
        notes: dict[str, str] = {}
        while lines and (lines[0].startswith("#") or not lines[0].strip()):
            key, _, value = lines.pop(0).lstrip("#").partition(":")
            if key.strip():
                notes[key.strip().lower()] = value.strip()
        if not lines:
            continue
        method, _, rest = lines[0].partition(" ")
        target = rest.rsplit(" ", 1)[0] if " HTTP/" in rest else rest
        req_headers: list[Header] = []
        index = 1
        while index < len(lines) and lines[index].strip():
            name, _, value = lines[index].partition(":")
            req_headers.append(Header(name.strip(), value.strip()))
            index += 1
        host = next((h.value for h in req_headers if h.name.lower() == "host"), "localhost")
        url = notes.get("url") or f"http://{host}{target or '/'}"
        elapsed = float(notes.get("elapsed-ms", "5"))
        response = "\n".join(lines[index + 1:]) if index < len(lines) else ""
        if "error" in notes:
            kind, _, detail = notes["error"].partition(" ")
            exchange = Exchange(url, method, tuple(req_headers), elapsed_ms=elapsed,
                                failure=Failure(FailureKind(kind), detail))
            out.append(Recorded(exchange, notes))
            continue
        head, _, body = response.partition("\n\n")
        parsed = parse_head(head.encode("latin-1", "replace"))
        if parsed is None:
            raise ValueError(f"{url}: the response does not start with an HTTP status line")
        version, status, reason, headers = parsed
        raw = body.rstrip("\n").encode() + (b"\n" if body.strip() else b"")
        text_body = raw.decode("utf-8", "replace")
        exchange = Exchange(url, method, tuple(req_headers), status, reason, headers, text_body,
                            len(raw), False, elapsed, reply_failure(status, text_body), version)
        out.append(Recorded(exchange, notes, raw))
    return out


def _blocks(text: str) -> list[str]:
    blocks, current = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip() == "###":
            blocks.append("\n".join(current))
            current = []
        else:
            current.append(line)
    blocks.append("\n".join(current))
    return [b for b in blocks if b.strip()]


def _origin_kind(origin: str) -> OriginKind:
    if origin == "null":
        return OriginKind.NULL
    if origin == FOREIGN_ORIGIN or origin.endswith(".invalid"):
        return OriginKind.FOREIGN
    return OriginKind.CONFIGURED


def facts_from_transcript(path: str, text: str) -> list[object]:
    facts: list[object] = []
    page: list[Recorded] = []
    pending: dict[str, CorsProbe] = {}
    for rec in parse_transcript(text):
        ex, notes = rec.exchange, rec.notes
        origin = ex.request_value("origin")
        purpose = notes.get("probe", "cors" if origin is not None else "page")
        if purpose == "health":
            facts.append(HealthProbe(_base(ex.url), _path(ex.url), ex))
        elif purpose == "metrics":
            facts.append(metrics_fact(_base(ex.url), _path(ex.url), ex, rec.raw_body))
        elif purpose == "cors" and origin is not None:
            credentials = notes.get("credentials", "") == "include"
            if ex.method == "OPTIONS" and ex.request_value("access-control-request-method"):
                method = ex.request_value("access-control-request-method") or "GET"
                asked = ex.request_value("access-control-request-headers") or ""
                headers = tuple(h.strip() for h in asked.split(",") if h.strip())
                pending[origin] = CorsProbe(ex.url, origin, _origin_kind(origin), method.upper(), headers,
                                            credentials, preflight=ex)
            else:
                extra = tuple(f"{h.name}: {h.value}" for h in ex.request_headers
                              if h.name.lower() not in _STANDARD)
                probe = pending.pop(origin, None)
                if probe is None:
                    probe = CorsProbe(ex.url, origin, _origin_kind(origin), ex.method, extra, credentials)
                else:
                    names = {n.split(":", 1)[0].strip().lower() for n in extra}
                    kept = extra + tuple(h for h in probe.request_headers if h.lower() not in names)
                    probe = replace(probe, request_headers=kept,
                                    credentials=probe.credentials or credentials)
                facts.append(replace(probe, actual=ex))
        else:
            if page and (page[-1].exchange.redirect_target() != ex.url or notes.get("probe") == "page"):
                facts.append(_endpoint(page))
                page = []
            page.append(rec)
    facts.extend(pending.values())
    if page:
        facts.append(_endpoint(page))
    cors = with_peers([f for f in facts if isinstance(f, CorsProbe)])
    return [f for f in facts if not isinstance(f, CorsProbe)] + list(cors)


def _endpoint(records: list[Recorded]) -> EndpointProbe:
    hops = tuple(r.exchange for r in records)
    https_url = next((r.notes["https-url"] for r in records if "https-url" in r.notes), "")
    return EndpointProbe(hops[0].url, hops, chain_outcome(hops, 20), https_url)


def _base(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path or "/"


def facts_from_json(path: str, text: str) -> list[object]:
    data = json.loads(text)
    items = data if isinstance(data, list) else [data]
    return [fact_from_dict(item) for item in items]


LOADERS: dict[str, Callable[[str, str], list[object]]] = {
    ".http": facts_from_transcript,
    ".probe.json": facts_from_json,
}
