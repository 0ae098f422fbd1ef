"""Recorded facts for the rules of `deploycheck containers` and `deploycheck logs`.

`LOADERS` maps a file-name suffix to a loader `(relative_path, text) -> facts`, used by
tests/ruleharness.py for fixtures and rule pages:

- `*.log`: any log text, scanned with every log signature (LG rules), as `deploycheck logs`
  does; locations are the file's lines.
- `*.container.json`: one container as `deploycheck containers --save-facts` records it (the
  `docker inspect` object, its log tail, socket tables, connection results, stats, events),
  turned into facts by the same function the Docker gatherer uses, plus the scan of its log
  tail. A record may carry `project_files` ({path: text}): the deployment files of
  `--project`, read with `load_root` and joined with the container as the CLI does.
"""

from __future__ import annotations

import json
import os
import tempfile
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


def _project_facts(files: dict[str, str], containers: list[object]) -> list[object]:
    from deploycheck.engine.config import Config
    from deploycheck.engine.runner import load_root
    from deploycheck.model.containers import Container, join
    from deploycheck.model.links import Deployment

    with tempfile.TemporaryDirectory(prefix="dc-project-") as root:
        for path, content in files.items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as fh:
                fh.write(content)
        checked = load_root(root, Config(jobs=1))
        deployments = list(checked.project.of(Deployment))
    return list(join([c for c in containers if isinstance(c, Container)], deployments, root))


def load_container(rel: str, text: str) -> list[object]:
    from deploycheck.gatherers.docker_engine import facts_from_record

    facts = list(facts_from_record(text, _scanner()))
    files = json.loads(text).get("project_files")
    if isinstance(files, dict) and files:
        facts.extend(_project_facts({str(k): str(v) for k, v in files.items()}, facts))
    return facts


LOADERS: dict[str, Callable[[str, str], list[object]]] = {
    ".container.json": load_container,
    ".log": load_log,
}
