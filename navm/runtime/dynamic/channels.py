"""Explicit noise channels on the dynamic path, as the statevector backend's trajectories run them.

Pauli channels draw one term of their 16-entry table (P_a ⊗ P_b) and apply it;
`readout_flip` raises the flip probability of the qubit's later measurements;
`loss` takes the atom out of the shot: it is measured (its partners collapse),
left in |0⟩, and from then on gates, channels and resets skip it and it reads 0
(docs/backends/statevector.md, "Lost atoms").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from navm.ir.unitaries import PAULIS
from navm.backends.statevector.noise import (
    PAULI_CHANNELS,
    compose_flips,
    pauli_probabilities,
)
from navm.diagnostics import SourceLocation

if TYPE_CHECKING:
    from navm.runtime.dynamic.handler import StatevectorHandler


def apply_channel(handler: StatevectorHandler, name: str, qubits: tuple[int, ...], params: tuple[float, ...],
                  loc: SourceLocation | None) -> None:
    if name in PAULI_CHANNELS:
        term = handler.choices.pick(pauli_probabilities(name, params).tolist())
        for q, pauli in zip(qubits, divmod(term, 4)):
            if pauli and q not in handler.lost:
                handler.state.apply(PAULIS[pauli], (q,), loc)
    elif name == "readout_flip":
        q = qubits[0]
        handler.flips[q] = compose_flips(handler.flips.get(q, 0.0), params[0])
    else:
        assert name == "loss", name
        q, p = qubits[0], params[0]
        if q not in handler.lost and p > 0 and handler.choices.pick((1 - p, p)):
            if handler.sample(q):
                handler.state.flip(q, loc)
            handler.lost.add(q)
