"""Gate fusion for trajectories: the events of a program become few 4×4 ops on qubit pairs.

(The noiseless path schedules gates differently: `runs.py`, `schedule.py`.)

Every op applies one 4×4 matrix to a pair of qubits (a 1-qubit op picks any
partner and acts on it as the identity), so one kernel serves every gate:
- a 1-qubit gate is multiplied into the latest op on its qubit while that op
  is still open (no channel or collapse yet); ops created since then do not
  touch the qubit, so they commute with it. Otherwise it waits and joins the
  next 2-qubit gate on its qubit (or is paired with another waiting 1-qubit
  gate at the end);
- a 2-qubit gate joins the latest op if that op is open and on the same pair;
- a Pauli channel is attached behind the latest open op on its qubits (the
  kernel draws the Pauli after the op's matrix), which closes it;
- a collapse (measure, reset, loss) is an op of its own.
With atom loss, an op also carries the matrices it has when its first, its
second or both qubits are lost: every factor touching a lost qubit dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from navm.ir.unitaries import I4, embed
from navm.backends.statevector.noise import on_second
from navm.backends.statevector.program import Channel, Collapse, Event, Unitary

_LOST = ((), (0,), (1,), (0, 1))  # lost local positions for variant v = lost0 + 2·lost1


@dataclass
class FusedOp:
    qubits: tuple[int, int]
    variants: int  # 1, or 4 with loss
    matrices: np.ndarray = field(init=False)  # (variants, 4, 4)
    probs: np.ndarray | None = None  # Pauli channel drawn after the matrix, in local order
    collapse: Collapse | None = None

    def __post_init__(self) -> None:
        self.matrices = np.tile(I4, (self.variants, 1, 1))

    @property
    def open(self) -> bool:
        return self.probs is None and self.collapse is None

    def multiply(self, matrix: np.ndarray, qubits: tuple[int, ...]) -> None:
        """Apply `matrix` on `qubits` (a subset of this op's pair) after what is there."""
        positions = tuple(self.qubits.index(q) for q in qubits)
        e = embed(matrix, positions)
        for v in range(self.variants):
            if not set(positions) & set(_LOST[v]):
                self.matrices[v] = e @ self.matrices[v]


def fuse(events: list[Event], num_qubits: int, *, variants: int = 1) -> list[FusedOp]:
    """Fused ops in execution order; `num_qubits` ≥ 2 (partners for 1-qubit ops)."""
    ops: list[FusedOp] = []
    last: dict[int, FusedOp] = {}
    pending: dict[int, np.ndarray] = {}

    def new_op(pair: tuple[int, int]) -> FusedOp:
        op = FusedOp(pair, variants)
        ops.append(op)
        return op

    def alone(q: int) -> FusedOp:
        """A new op for qubit q alone, holding q's waiting gates."""
        op = new_op((q, partner(q, num_qubits)))
        if q in pending:
            op.multiply(pending.pop(q), (q,))
        last[q] = op
        return op

    def joint(pair: tuple[int, ...]) -> FusedOp:
        """The open op on exactly this pair, or a new one holding the pair's waiting gates."""
        op = last.get(pair[0])
        if len(pair) == 1:
            return op if op is not None and op.open else alone(pair[0])
        if op is not None and op.open and op is last.get(pair[1]) and set(op.qubits) == set(pair):
            return op
        op = new_op((pair[0], pair[1]))
        for q in pair:
            if q in pending:
                op.multiply(pending.pop(q), (q,))
            last[q] = op
        return op

    for e in events:
        if isinstance(e, Unitary):
            (q, *rest) = e.qubits
            if not rest and not (q in last and last[q].open):
                pending[q] = e.matrix @ pending.get(q, I4[:2, :2])
            else:
                joint(e.qubits).multiply(e.matrix, e.qubits)
        elif isinstance(e, Channel):
            op = joint(e.qubits)
            op.probs = e.probs if op.qubits.index(e.qubits[0]) == 0 else on_second(e.probs)
        else:
            if e.qubit in pending:
                alone(e.qubit)
            op = new_op((e.qubit, partner(e.qubit, num_qubits)))
            op.collapse = e
            last[e.qubit] = op
    waiting = sorted(pending)
    for a, b in zip(waiting[::2], waiting[1::2]):
        op = new_op((a, b))
        op.multiply(pending.pop(a), (a,))
        op.multiply(pending.pop(b), (b,))
    for q in list(pending):
        alone(q)
    return ops


def partner(q: int, num_qubits: int) -> int:
    return q + 1 if q + 1 < num_qubits else q - 1
