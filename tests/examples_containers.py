"""Recorded facts for the rules of `deploycheck containers` and `deploycheck logs`.

`LOADERS` maps a file-name suffix to a loader `(relative_path, text) -> facts`, used by
tests/ruleharness.py for fixtures and rule pages:

- `*.log`: any log text, scanned with every log signature (LG rules), as `deploycheck logs`
  does; locations are the file's lines.
- `*.container.json`: one container as `deploycheck containers --save-facts` records it (the
  `docker inspect` object, its log tail, its socket table, connection results, stats), turned
  into facts by the same functions the Docker gatherer uses.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from deploycheck.model.logs import LogScanner, LogSource


@cache
def _scanner() -> LogScanner:
    from deploycheck.rules.logs import all_signatures

    return LogScanner(all_signatures())


def load_log(rel: str, text: str) -> list[object]:
    data = text.encode("utf-8", "surrogateescape")
    return [_scanner().scan_bytes(LogSource(path=rel), data)]


def load_container(rel: str, text: str) -> list[object]:
    from deploycheck.gatherers.docker_engine import facts_from_record

    return list(facts_from_record(text, _scanner()))


LOADERS: dict[str, Callable[[str, str], list[object]]] = {
    ".container.json": load_container,
    ".log": load_log,
}
