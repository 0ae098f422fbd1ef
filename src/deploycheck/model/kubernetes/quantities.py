"""Resource quantities: `500m`, `1.5Gi`, `1e3` read exactly, and a container's `resources`.

`parse_quantity` reads the Kubernetes quantity syntax (decimal and binary suffixes, exponents) as
an exact `Fraction`; `cpu_millicores` and `memory_bytes` round it up the way the API server does.
`Quantity` keeps one `resources` entry as written with its value, `Resources` the four requests and
limits of a container.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from deploycheck.model.location import Position

_QUANTITY = re.compile(
    r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d{1,3}))?$"
)
_SUFFIX: dict[str, Fraction] = {
    "": Fraction(1), "n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000),
    "k": Fraction(10**3), "M": Fraction(10**6), "G": Fraction(10**9), "T": Fraction(10**12),
    "P": Fraction(10**15), "E": Fraction(10**18),
    "Ki": Fraction(2**10), "Mi": Fraction(2**20), "Gi": Fraction(2**30), "Ti": Fraction(2**40),
    "Pi": Fraction(2**50), "Ei": Fraction(2**60),
}


def parse_quantity(text: str) -> Fraction | None:
    """A Kubernetes resource quantity (`500m`, `1.5Gi`, `1e3`, `128974848`) as an exact number."""
    match = _QUANTITY.match(text.strip())
    if match is None:
        return None
    sign, number, suffix, exponent = match.groups()
    value = Fraction(number)
    if exponent is not None:
        value *= Fraction(10) ** int(exponent)
    else:
        value *= _SUFFIX[suffix or ""]
    return -value if sign == "-" else value


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def cpu_millicores(text: str) -> int | None:
    """CPU quantity in millicores, rounded up as the API server does (`0.1` → 100, `1` → 1000)."""
    value = parse_quantity(text)
    return None if value is None else _ceil(value * 1000)


def memory_bytes(text: str) -> int | None:
    """Memory quantity in bytes, rounded up (`128Mi` → 134217728, `1G` → 10**9)."""
    value = parse_quantity(text)
    return None if value is None else _ceil(value)


@dataclass(frozen=True, slots=True)
class Quantity:
    """One `resources` entry: the text as written, its value (millicores or bytes), where."""

    text: str
    value: int | None
    pos: Position


@dataclass(frozen=True, slots=True)
class Resources:
    """`resources.requests`/`limits`; cpu values in millicores, memory values in bytes."""

    cpu_request: Quantity | None = None
    cpu_limit: Quantity | None = None
    memory_request: Quantity | None = None
    memory_limit: Quantity | None = None
    pos: Position | None = None  # the `resources:` key
