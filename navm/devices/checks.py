"""Located checks shared by the profile sections: every error points at the JSON to fix.

Messages name the value by its dotted path (`gates.durations_us.cz`,
`noise.gate_pauli.r.pauli[1]`), the way docs/devices.md writes it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from navm.diagnostics import NavmError
from navm.frontend.json_source import JsonDocument

JsonPath = tuple[str | int, ...]


def fail(doc: JsonDocument, path: Sequence[str | int], message: str, notes: tuple[str, ...] = ()) -> NavmError:
    """An error at the value `path` names (its nearest present ancestor if it is absent)."""
    return NavmError(message, doc.locate(list(path)), notes=notes)


def fail_key(doc: JsonDocument, path: Sequence[str | int], message: str, notes: tuple[str, ...] = ()) -> NavmError:
    """An error at the key of the object member `path` names: for keys that should not be there."""
    return NavmError(message, doc.locate_key(list(path)), notes=notes)


def dotted(path: Sequence[str | int]) -> str:
    """`("noise", "gate_pauli", "r", "pauli", 1)` -> `noise.gate_pauli.r.pauli[1]`."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def non_negative(doc: JsonDocument, path: JsonPath, value: Any) -> float:
    if not (math.isfinite(value) and value >= 0):
        raise fail(doc, path, f"{dotted(path)} must be a non-negative number, got {value}")
    return float(value)


def positive(doc: JsonDocument, path: JsonPath, value: Any) -> float:
    if not (math.isfinite(value) and value > 0):
        raise fail(doc, path, f"{dotted(path)} must be a positive number, got {value}")
    return float(value)


def positive_integer(doc: JsonDocument, path: JsonPath, value: Any) -> int:
    if not value >= 1:  # the schema already made it an integer
        raise fail(doc, path, f"{dotted(path)} must be a positive integer, got {value}")
    return int(value)


def probability(doc: JsonDocument, path: JsonPath, value: Any) -> float:
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise fail(doc, path, f"{dotted(path)} must be a probability in [0, 1], got {value}")
    return float(value)


def pauli_triple(doc: JsonDocument, path: JsonPath, values: Sequence[Any]) -> tuple[float, float, float]:
    """Three probabilities (X, Y, Z) that sum to at most 1."""
    px, py, pz = (probability(doc, (*path, i), v) for i, v in enumerate(values))
    total = px + py + pz
    if total > 1.0 + 1e-12:
        raise fail(doc, path, f"{dotted(path)}: px + py + pz = {total:.12g} exceeds 1")
    return px, py, pz
