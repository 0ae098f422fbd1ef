"""Django settings modules, with what they inherit through `from .base import *`.

`_django` resolves the star imports between settings modules (by dotted name, or a suffix of
one) and builds one `DjangoSettings` per module: its own settings, the effective ones (own over
inherited, a conditional override leaving the inherited value possible), its bases, and whether
it is a leaf that DJANGO_SETTINGS_MODULE would name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deploycheck.model.python.facts import Setting
from deploycheck.model.python.module import PyModule, dev_like


@dataclass(frozen=True, slots=True)
class DjangoSettings:
    """A Django settings module with what it inherits through `from .base import *`.

    `effective` holds own settings over inherited ones (own win). `leaf`: no other settings
    module star-imports this one (it is a module DJANGO_SETTINGS_MODULE would name).
    `dev_like`: named like a development/test module (local.py, dev.py, settings_test.py).
    """

    path: str
    module: str
    own: tuple[Setting, ...]
    effective: tuple[tuple[str, Setting], ...]  # (path the setting is written in, setting)
    bases: tuple[str, ...]  # paths of star-imported settings modules
    leaf: bool
    dev_like: bool

    def get(self, name: str) -> tuple[str, Setting] | None:
        for path, s in self.effective:
            if s.name == name:
                return path, s
        return None


def _dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def _django(modules: Sequence[PyModule]) -> list[DjangoSettings]:
    settings = [m for m in modules if m.is_django_settings]
    if not settings:
        return []
    by_dotted: dict[str, PyModule] = {}
    for m in settings:
        by_dotted[_dotted(m.path)] = m
    def resolve(name: str) -> PyModule | None:
        if name in by_dotted:
            return by_dotted[name]
        for dotted, mod in by_dotted.items():
            if dotted.endswith("." + name):
                return mod
        return None
    bases: dict[str, list[PyModule]] = {}
    imported: set[str] = set()
    for m in settings:
        found = [b for b in (resolve(n) for n in m.star_imports) if b is not None and b is not m]
        bases[m.path] = found
        imported.update(b.path for b in found)
    out = []
    for m in settings:
        effective: dict[str, tuple[str, Setting]] = {}
        _inherit(m, bases, effective, set())
        dev = dev_like(m.path)
        out.append(DjangoSettings(m.path, m.module, m.settings, tuple(effective.values()),
                                  tuple(b.path for b in bases[m.path]), m.path not in imported, dev))
    return out


def _inherit(m: PyModule, bases: dict[str, list[PyModule]], out: dict[str, tuple[str, Setting]],
             seen: set[str]) -> None:
    if m.path in seen:
        return
    seen.add(m.path)
    for base in bases.get(m.path, []):
        _inherit(base, bases, out, seen)
    for s in m.settings:
        if s.conditional and s.name in out:
            continue  # a conditional override leaves the inherited value possible
        out[s.name] = (m.path, s)
