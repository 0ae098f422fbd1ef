"""The plan of what to probe: each URL with the origins to try and the paths to fetch.

`Origin` and `PathRef` (a CORS origin or a health/metrics path, with the file that names it),
`Target` (one URL and what to try on it), `merge_targets` (one target per URL), and the URL
helpers the plan needs: `normalize_origin` (what browsers send), `origin_of` and `join_path`.
"""

from __future__ import annotations

import posixpath
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from deploycheck.model.location import Location
from deploycheck.model.probe.helpers import NOWHERE

# -- what to probe ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Origin:
    value: str
    source: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class PathRef:
    """A health or metrics path, and the file that names it."""

    path: str
    source: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Target:
    """One URL to probe, with the origins to try and the health and metrics paths to fetch."""

    url: str
    origins: tuple[Origin, ...] = ()
    health: tuple[PathRef, ...] = ()
    metrics: tuple[PathRef, ...] = ()
    source: Location = NOWHERE


def normalize_origin(text: str) -> str:
    """`https://App.example.com/` → `https://app.example.com` (what browsers send)."""
    text = text.strip()
    if text == "null":
        return text
    parts = urlsplit(text)
    if not parts.scheme or not parts.netloc:
        return text.rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def join_path(url: str, path: str) -> str:
    """The URL of `path` on the same scheme, host and port as `url`."""
    if not path.startswith("/"):
        path = "/" + path
    return origin_of(url) + posixpath.normpath(path).replace("//", "/") + ("/" if path.endswith("/")
                                                                         and path != "/" else "")


def merge_targets(targets: Sequence[Target]) -> tuple[Target, ...]:
    """One target per URL, origins and paths united, first source kept."""
    by_url: dict[str, Target] = {}
    for t in targets:
        have = by_url.get(t.url)
        if have is None:
            by_url[t.url] = t
            continue
        by_url[t.url] = Target(
            t.url,
            _unique(have.origins + t.origins, lambda o: o.value),
            _unique(have.health + t.health, lambda p: p.path),
            _unique(have.metrics + t.metrics, lambda p: p.path),
            have.source if have.source.path else t.source)
    return tuple(by_url.values())


_T = typing.TypeVar("_T")


def _unique(items: Sequence[_T], key: typing.Callable[[_T], str]) -> tuple[_T, ...]:
    seen: set[str] = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return tuple(out)
