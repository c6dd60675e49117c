"""Pair runs: consecutive gates on one pair of qubits, multiplied out when the
product is diagonal or a swap times a diagonal; and 1-qubit gates merged.

A QFT's controlled phase arrives as rz, rz, cx, rz, cx: each cx alone is dense,
but the run is diagonal, and diagonal gates are cheap (they commute, so many
share one pass; see `schedule.py`). A swap is free (the scheduler relabels the
qubits). Any other run is passed on as its gates, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from navm.ir.unitaries import I4, SWAP, embed
from navm.backends.statevector.program import Unitary


@dataclass(eq=False)
class _Run:
    pair: tuple[int, int]
    matrix: np.ndarray = field(default_factory=lambda: I4.copy())
    gates: list[Unitary] = field(default_factory=list)

    def multiply(self, u: Unitary) -> None:
        m = u.matrix
        if len(u.qubits) == 2:
            self.matrix = (m if u.qubits == self.pair else SWAP @ m @ SWAP) @ self.matrix
        elif _is_diagonal(m):  # scale the rows: cheaper than a product
            d0, d1 = m[0, 0], m[1, 1]
            rows = (d0, d0, d1, d1) if u.qubits[0] == self.pair[0] else (d0, d1, d0, d1)
            self.matrix = np.array(rows)[:, None] * self.matrix
        else:
            self.matrix = embed(m, (self.pair.index(u.qubits[0]),)) @ self.matrix
        self.gates.append(u)


def pair_runs(unitaries: list[Unitary]) -> list[Unitary]:
    """The same circuit with runs settled (see `_settle`) and consecutive 1-qubit gates
    on a qubit multiplied into one. A diagonal 1-qubit gate joins its qubit's run (the
    one open or the next); any other 1-qubit gate closes it."""
    out: list[Unitary] = []
    runs: dict[int, _Run] = {}  # the open run of each qubit
    pending: dict[int, np.ndarray] = {}  # 1-qubit gates not emitted yet

    def close(run: _Run) -> None:
        for q in run.pair:
            del runs[q]
        out.extend(_settle(run))

    for u in unitaries:
        if len(u.qubits) == 1:
            q, m = u.qubits[0], u.matrix
            if q in runs and _is_diagonal(m):
                runs[q].multiply(u)
                continue
            if q in runs:
                close(runs[q])
            pending[q] = m @ pending[q] if q in pending else m
            continue
        run = runs.get(u.qubits[0])
        if run is None or run is not runs.get(u.qubits[1]):
            for q in u.qubits:
                if q in runs:
                    close(runs[q])
            run = _Run(u.qubits)
            runs.update({q: run for q in u.qubits})
            for q in u.qubits:
                if q in pending:
                    gate = Unitary((q,), pending.pop(q))
                    if _is_diagonal(gate.matrix):
                        run.multiply(gate)
                    else:
                        out.append(gate)
        run.multiply(u)
    for run in list(dict.fromkeys(runs.values())):
        close(run)
    out.extend(Unitary((q,), m) for q, m in pending.items())
    return out


def _is_diagonal(m: np.ndarray) -> bool:
    """For a 2×2 matrix."""
    return m[0, 1] == 0 and m[1, 0] == 0


def _settle(run: _Run) -> list[Unitary]:
    """One diagonal gate (then a swap) for a run whose product is D or SWAP·D, else its gates."""
    for swap in (False, True):
        d = SWAP @ run.matrix if swap else run.matrix
        if np.count_nonzero(d) == np.count_nonzero(d.diagonal()):
            diagonal = [] if np.array_equal(d, I4) else [Unitary(run.pair, d)]
            return diagonal + ([Unitary(run.pair, SWAP)] if swap else [])
    return run.gates
