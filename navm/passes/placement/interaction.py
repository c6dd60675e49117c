"""The interaction graph of a circuit: which qubits share a multi-qubit gate, and how often.

Read straight from the table's columns with numpy; only macro rows (a `w`
or `qft` not yet unrolled, each a clique of its qubits) are visited one by one.
Noise channels and barriers do not need their qubits near each other and do
not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from navm.ir.circuit_table import GateTable
from navm.ir.gates import GATES

_GATE_KIND = np.array([g.kind == "gate" for g in GATES])
_MACRO_KIND = np.array([g.kind == "macro" for g in GATES])


@dataclass(frozen=True)
class Interactions:
    """Distinct pairs `a < b` of qubits that share a gate, with `weight` = how many gates."""

    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray

    def __len__(self) -> int:
        return len(self.a)

    def matrix(self, n: int) -> np.ndarray:
        """The symmetric n × n weight matrix (float64)."""
        w = np.zeros((n, n))
        w[self.a, self.b] = self.weight
        w[self.b, self.a] = self.weight
        return w


def gate_pairs(table: GateTable) -> tuple[np.ndarray, np.ndarray]:
    """The qubits of every 2-qubit gate (`cz`, `cx`, `swap`), in row order."""
    counts = np.diff(table.qubit_offsets)
    two = _GATE_KIND[table.opcode.astype(np.int64)] & (counts == 2)
    start = table.qubit_offsets[:-1][two]
    return table.qubits[start].astype(np.int64), table.qubits[start + 1].astype(np.int64)


def interactions(table: GateTable) -> Interactions:
    counts = np.diff(table.qubit_offsets)
    opcode = table.opcode.astype(np.int64)
    a, b = gate_pairs(table)
    firsts, seconds = [a], [b]
    for row in np.flatnonzero(_MACRO_KIND[opcode] & (counts >= 2)).tolist():
        qs = table.row_qubits(row)
        pairs = np.array(list(combinations(qs, 2)), dtype=np.int64).reshape(-1, 2)
        firsts.append(pairs[:, 0])
        seconds.append(pairs[:, 1])
    x = np.concatenate(firsts).astype(np.int64)
    y = np.concatenate(seconds).astype(np.int64)
    lo, hi = np.minimum(x, y), np.maximum(x, y)
    n = int(hi.max()) + 1 if len(hi) else 1
    keys, weight = np.unique(lo * n + hi, return_counts=True)
    return Interactions(keys // n, keys % n, weight.astype(np.int64))
