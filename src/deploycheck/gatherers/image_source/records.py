"""What an image source hands back and how it fails: `Gathered` (the images read and the
problems met), `SourceError` (an argument that names no image we can open), the `Progress`
callback type, and `_SMALL`, the size up to which manifests and configs are kept in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from deploycheck.model.image import ImageFacts, ImageProblem

Progress = Callable[[int, int, int, int], None]  # (bytes done, bytes total, layers done, layers total)
_SMALL = 16 << 20  # manifests and configs are kept in memory up to this size


class SourceError(Exception):
    """The argument names no image we can open (the CLI shows it as a usage error)."""


@dataclass
class Gathered:
    images: list[ImageFacts] = field(default_factory=list)
    problems: list[ImageProblem] = field(default_factory=list)
