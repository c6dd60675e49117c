"""Gate matrices (complex128, host side) for the row kinds of `navm.ir.gates`.

Qubit 0 is the most significant bit of a basis index; a 4×4 matrix on
(q1, q2) is indexed by 2·bit(q1) + bit(q2), as `np.kron(A_q1, B_q2)`.
"""

from __future__ import annotations

import math

import numpy as np

_S2 = 1 / math.sqrt(2)
I2 = np.eye(2, dtype=complex)
I4 = np.eye(4, dtype=complex)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
Z = np.diag([1, -1]).astype(complex)
PAULIS = np.stack([I2, X, Y, Z])
"""I, X, Y, Z: index 0–3, as in channel probability tables."""
PAULI_PAIRS = np.stack([np.kron(PAULIS[a], PAULIS[b]) for a in range(4) for b in range(4)])
"""P_a ⊗ P_b at index 4·a + b."""
SWAP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=complex)

FIXED_1Q: dict[str, np.ndarray] = {
    "h": np.array([[_S2, _S2], [_S2, -_S2]], dtype=complex),
    "x": X,
    "y": Y,
    "z": Z,
    "s": np.diag([1, 1j]),
    "sdg": np.diag([1, -1j]),
    "t": np.diag([1, np.exp(1j * math.pi / 4)]),
    "tdg": np.diag([1, np.exp(-1j * math.pi / 4)]),
}
FIXED_2Q: dict[str, np.ndarray] = {
    "cz": np.diag([1, 1, 1, -1]).astype(complex),
    "cx": np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=complex),
    "swap": SWAP,
}
ROTATIONS = frozenset({"rx", "ry", "rz", "r"})


def rotation(name: str, params: tuple[float, ...]) -> np.ndarray:
    """rx, ry, rz (angle θ) and r (axis φ, angle θ) = exp(-iθ/2 (cos φ X + sin φ Y))."""
    if name == "r":
        phi, theta = params[0], params[1]
    else:
        phi, theta = {"rx": 0.0, "ry": math.pi / 2}.get(name, 0.0), params[0]
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    if name == "rz":
        return np.diag([complex(c, -s), complex(c, s)])
    if name == "ry":  # exact real entries, not cos(π/2) ≈ 6e-17 rounding
        return np.array([[c, -s], [s, c]], dtype=complex)
    e = complex(math.cos(phi), math.sin(phi))
    return np.array([[c, -1j * s * e.conjugate()], [-1j * s * e, c]])


def one_qubit(name: str, params: tuple[float, ...]) -> np.ndarray | None:
    """The 2×2 matrix of a 1-qubit gate, or None if `name` is not one."""
    if name in FIXED_1Q:
        return FIXED_1Q[name]
    if name in ROTATIONS:
        return rotation(name, params)
    return None


def embed(matrix: np.ndarray, positions: tuple[int, ...]) -> np.ndarray:
    """A 1- or 2-qubit matrix as a 4×4 on local positions (0 = first qubit of the pair).
    Written out by slices: np.kron costs ~50 µs here, fusion calls this per gate."""
    if len(positions) == 2:
        return matrix if positions == (0, 1) else SWAP @ matrix @ SWAP
    out = np.zeros((4, 4), dtype=complex)
    if positions == (0,):
        out[0::2, 0::2] = matrix
        out[1::2, 1::2] = matrix
    else:
        out[:2, :2] = matrix
        out[2:, 2:] = matrix
    return out
