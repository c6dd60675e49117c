"""Gate matrices for the dynamic path: navm's own definitions, cached by (gate, parameters).

The matrices come from the statevector backend (`navm.ir.unitaries`)
so both paths run exactly the same gates. Building a rotation costs tens of µs;
a dynamic program repeats the same few gates in every shot, so they are cached.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from navm.ir.unitaries import FIXED, gate_matrices
from navm.ir.gates import MAX_PARAMS


def matrix_of(gate: str, params: tuple[float, ...]) -> np.ndarray:
    """The 2×2 or 4×4 complex128 matrix of a gate row kind."""
    fixed = FIXED.get(gate)
    return fixed if fixed is not None else _rotation(gate, params)


@lru_cache(maxsize=4096)
def _rotation(gate: str, params: tuple[float, ...]) -> np.ndarray:
    table = np.zeros((1, max(MAX_PARAMS, 2)))
    table[0, :len(params)] = params
    (matrix,) = gate_matrices([gate], table)
    if matrix is None:
        raise ValueError(f"no matrix for gate '{gate}'")
    matrix.setflags(write=False)
    return matrix
