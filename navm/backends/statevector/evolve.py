"""The noiseless path: fuse a circuit's unitaries and apply them to one state."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from navm.backends.statevector.fusion import fuse
from navm.backends.statevector.kernels import run_unitary
from navm.backends.statevector.packing import pack
from navm.backends.statevector.program import Unitary


def evolve(unitaries: list[Unitary], psi0: np.ndarray, n: int):
    """The state after `unitaries` (a jax array of psi0's dtype); n ≥ 2 qubits."""
    psi = jnp.asarray(psi0)
    if not unitaries:
        return psi
    for chunk in pack(fuse(unitaries, n), psi0.dtype):
        a = chunk.arrays
        psi = run_unitary(psi, a["k1"], a["k2"], a["matrices"][:, 0], a["diagonal"], chunk.count, n=n)
    return psi
