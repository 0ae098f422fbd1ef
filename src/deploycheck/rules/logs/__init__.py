"""Log signatures (LG codes): one catalog module per ecosystem, each a typed table of
`Signature`s from which one rule class per signature is generated (see `_base.py`)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from deploycheck.model.logs import Signature


@cache
def all_signatures() -> tuple[Signature, ...]:
    """Every signature of every catalog module of this package, by code."""
    found: list[Signature] = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.extend(getattr(module, "SIGNATURES", ()))
    return tuple(sorted(found, key=lambda s: s.code))
