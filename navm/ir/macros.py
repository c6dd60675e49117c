"""Expansions of macro rows (`qft`, `iqft`, `w`) into gates of the circuit table.

QFT convention: the first listed qubit is the most significant bit. QFT|x> =
2^{-n/2} Σ_y e^{2πi xy/2^n}|y>, built from H, controlled phases and the
final bit-reversal swaps; a controlled phase CP(θ) is rz(θ/2)⊗rz(θ/2), cx,
rz(-θ/2) on the target, cx — equal to CP(θ) up to global phase.

W(a, b, c) is defined as the unitary of this circuit, which takes |000> to
(|100> + |010> + |001>)/√3 (the lattice heartbeat's W state):
  ry(2·asin(1/√3)) a             a: √(2/3)|0> + √(1/3)|1>
  x a; cry(π/2) a→b; x a         if a = 0, b: (|0> + |1>)/√2
  x c; cx a c; cx b c            c = NOT(a OR b) (a and b are never both 1)
with cry(φ) a→b = ry(φ/2) b; cx a b; ry(-φ/2) b; cx a b.
"""

from __future__ import annotations

import math
from typing import Sequence

from navm.ir.circuit_table import Row

MACROS = frozenset({"qft", "iqft", "w"})


def w_rows(a: int, b: int, c: int, loc=None) -> list[Row]:
    def g(name, qubits, params=()):
        return Row(name, qubits, params, None, loc)

    return [
        g("ry", (a,), (2 * math.asin(1 / math.sqrt(3)),)),
        g("x", (a,)),
        g("ry", (b,), (math.pi / 4,)),
        g("cx", (a, b)),
        g("ry", (b,), (-math.pi / 4,)),
        g("cx", (a, b)),
        g("x", (a,)),
        g("x", (c,)),
        g("cx", (a, c)),
        g("cx", (b, c)),
    ]


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
    if row.name == "w":
        return w_rows(*row.qubits, loc=row.loc)
    raise ValueError(f"not a macro: {row.name}")
