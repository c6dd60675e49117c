"""Expansions of macro rows (`qft`, `iqft`) into gates of the circuit table.

Convention: the first listed qubit is the most significant bit. QFT|x> =
2^{-n/2} Σ_y e^{2πi xy/2^n}|y>, built from H, controlled phases and the
final bit-reversal swaps; a controlled phase CP(θ) is rz(θ/2)⊗rz(θ/2), cx,
rz(-θ/2) on the target, cx — equal to CP(θ) up to global phase.
"""

from __future__ import annotations

import math
from typing import Sequence

from navm.ir.circuit_table import Row

MACROS = frozenset({"qft", "iqft"})


def _cphase(control: int, target: int, theta: float, loc) -> list[Row]:
    return [
        Row("rz", (control,), (theta / 2,), None, loc),
        Row("rz", (target,), (theta / 2,), None, loc),
        Row("cx", (control, target), (), None, loc),
        Row("rz", (target,), (-theta / 2,), None, loc),
        Row("cx", (control, target), (), None, loc),
    ]


def qft_rows(qubits: Sequence[int], loc=None) -> list[Row]:
    n = len(qubits)
    rows: list[Row] = []
    for j in range(n):
        rows.append(Row("h", (qubits[j],), (), None, loc))
        for k in range(j + 1, n):
            rows.extend(_cphase(qubits[k], qubits[j], math.pi / 2 ** (k - j), loc))
    for j in range(n // 2):
        rows.append(Row("swap", (qubits[j], qubits[n - 1 - j]), (), None, loc))
    return rows


def _inverse(row: Row) -> Row:
    if row.name == "rz":
        return row._replace(params=(-row.params[0],))
    assert row.name in ("h", "cx", "swap"), row.name
    return row


def expand(row: Row) -> list[Row]:
    """The gates a macro row stands for."""
    if row.name == "qft":
        return qft_rows(row.qubits, row.loc)
    if row.name == "iqft":
        return [_inverse(r) for r in reversed(qft_rows(row.qubits, row.loc))]
    raise ValueError(f"not a macro: {row.name}")
