"""Noise rows as sampling tables for Monte-Carlo trajectories.

Every Pauli channel (`pauli`, `depolarize`, `depolarize2`) becomes 16
probabilities over P_a ⊗ P_b (index 4·a + b, Paulis I X Y Z = 0..3) on the
pair of qubits an op acts on; each trajectory draws one term per channel.
`readout_flip` does not touch the state: it raises the flip probability of
the qubit's later measurement records. `loss` is a collapse op (see `program`).
"""

from __future__ import annotations

import numpy as np

PAULI_CHANNELS = frozenset({"pauli", "depolarize", "depolarize2"})


def pauli_probabilities(name: str, params: tuple[float, ...]) -> np.ndarray:
    """The 16-entry table of a channel acting on local positions (0,) or (0, 1)."""
    probs = np.zeros(16)
    if name == "depolarize2":
        (p,) = params
        probs[:] = p / 15
        probs[0] = 1 - p
        return probs
    if name == "depolarize":
        (p,) = params
        px = py = pz = p / 3
    else:
        px, py, pz = params
    probs[[0, 4, 8, 12]] = [max(0.0, 1 - px - py - pz), px, py, pz]
    return probs


def on_second(probs: np.ndarray) -> np.ndarray:
    """A table for positions (0,)/(0, 1) rewritten for (1,)/(1, 0): P_a ⊗ P_b → P_b ⊗ P_a."""
    return probs.reshape(4, 4).T.reshape(16)


def compose_flips(p_old: float, p_new: float) -> float:
    """Two independent readout flips: the record flips if exactly one of them fires."""
    return p_old * (1 - p_new) + p_new * (1 - p_old)
