"""Write generated files: ask before each (unless told yes), never overwrite without force, and
keep a backup (`<file>.bak`, numbered when one exists) of every file replaced."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from deploycheck.engine.fixes import backup, write_atomic
from deploycheck.scaffold.generate import GeneratedFile

Ask = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one file: written, replaced (backup kept), unchanged, exists, skipped."""

    path: str
    action: str
    backup: str = ""


class Writer:
    """Writes under `root`. `ask` returns the user's answer to a question (None: never ask)."""

    def __init__(self, root: str, out: TextIO, *, yes: bool = False, force: bool = False,
                 dry_run: bool = False, ask: Ask | None = None) -> None:
        self.root = root
        self.out = out
        self.yes = yes
        self.force = force
        self.dry_run = dry_run
        self.ask = ask
        self.all = False
        self.stop = False

    def write_all(self, files: tuple[GeneratedFile, ...]) -> list[Outcome]:
        return [self.write(f) for f in files]

    def write(self, file: GeneratedFile) -> Outcome:
        target = os.path.join(self.root, *file.path.split("/"))
        exists = os.path.lexists(target)
        if exists and _same(target, file.content):
            return Outcome(file.path, "unchanged")
        if self.dry_run:
            verb = "would replace" if exists else "would write"
            self.out.write(f"--- {file.path} ({verb}: {file.purpose})\n{file.content}")
            if not file.content.endswith("\n"):
                self.out.write("\n")
            return Outcome(file.path, "dry-run")
        if exists and not self.force:
            return Outcome(file.path, "exists")
        if self.stop or not self._confirm(file, exists):
            return Outcome(file.path, "skipped")
        saved = backup(target) if exists else ""
        write_atomic(target, file.content.encode("utf-8"))
        if file.mode != 0o644:
            os.chmod(target, file.mode)
        return Outcome(file.path, "replaced" if exists else "written", saved)

    def _confirm(self, file: GeneratedFile, exists: bool) -> bool:
        if self.yes or self.all:
            return True
        if self.ask is None:
            return False
        what = "Replace" if exists else "Write"
        extra = " (a backup is kept)" if exists else ""
        while True:
            answer = self.ask(f"{what} {file.path} ({file.purpose}){extra}? [y]es/[n]o/[a]ll/[q]uit ")
            choice = answer.strip().lower()[:1]
            if choice in ("y", ""):
                return True
            if choice == "a":
                self.all = True
                return True
            if choice == "n":
                return False
            if choice == "q":
                self.stop = True
                return False


def _same(path: str, content: str) -> bool:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read() == content
    except (OSError, UnicodeDecodeError):
        return False
