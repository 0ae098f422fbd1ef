"""Recorded images for the image rules: `*image.json` files (see gatherers/image_record.py),
made into real archives and read by the same reader as `deploycheck image`."""

from __future__ import annotations

from collections.abc import Callable

from deploycheck.gatherers.image_record import load


def _load(path: str, text: str) -> list[object]:
    return load(path, text)


LOADERS: dict[str, Callable[[str, str], list[object]]] = {"image.json": _load}
