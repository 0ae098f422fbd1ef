"""The JSON form of the probe facts: recordings (`*.probe.json`) and `--save-facts`.

`FACT_TYPES` names the five fact records (`EndpointProbe`, `CorsProbe`, `HealthProbe`,
`MetricsProbe`, `TlsProbe`); `fact_to_dict` writes `{"TlsProbe": {...}}` leaving out fields equal
to their defaults, and `fact_from_dict` reads it back through the records' type hints, raising
ValueError on a shape it does not know.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from typing import Any

from deploycheck.model.probe.cors import CorsProbe
from deploycheck.model.probe.endpoint import EndpointProbe, HealthProbe, MetricsProbe
from deploycheck.model.probe.tls import TlsProbe

# -- JSON form of the facts (recordings, `--save-facts`) ---------------------------------------------

FACT_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls for cls in (EndpointProbe, CorsProbe, HealthProbe, MetricsProbe, TlsProbe)
}


def fact_to_dict(fact: object) -> dict[str, Any]:
    """`{"TlsProbe": {...fields...}}`: fields equal to their defaults are left out."""
    return {type(fact).__name__: _encode(fact)}


def _encode(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.default is not dataclasses.MISSING and item == f.default:
                continue
            out[f.name] = _encode(item)
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def fact_from_dict(data: dict[str, Any]) -> object:
    """The inverse of `fact_to_dict`; raises ValueError on a shape it does not know."""
    if not isinstance(data, dict) or len(data) != 1:
        raise ValueError("a fact is an object with one key, its type (e.g. TlsProbe)")
    (name, fields), = data.items()
    if name not in FACT_TYPES:
        raise ValueError(f"unknown fact type {name!r} (known: {', '.join(sorted(FACT_TYPES))})")
    return _decode(FACT_TYPES[name], fields)


def _decode(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner[0], value)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {value!r}")
        return tuple(_decode(args[0], v) for v in value)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ValueError(f"expected an object for {tp.__name__}, got {value!r}")
        hints = typing.get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"{tp.__name__}: unknown field(s) {', '.join(unknown)}")
        return tp(**{k: _decode(hints[k], v) for k, v in value.items()})
    if tp is float and isinstance(value, int):
        return float(value)
    if tp in (str, int, float, bool) and not isinstance(value, tp):
        raise ValueError(f"expected {tp.__name__}, got {value!r}")
    return value
