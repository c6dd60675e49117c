"""Gate matrices (complex128, host side) for the row kinds of `navm.ir.gates`: the IR's definition of every
gate, used by the passes that rewrite unitaries and by every simulator.

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
FIXED = {**FIXED_1Q, **FIXED_2Q}


def gate_matrices(names: list[str], params: np.ndarray) -> list[np.ndarray | None]:
    """Each row's matrix (2×2 or 4×4, complex128), None for a row that is no gate;
    `params` holds one row per name. The rotations are computed for all rows at once:
    per row, building a matrix cost ~10 µs, the bulk of reading a table.

    rx, ry, rz (angle θ) and r (axis φ, angle θ) = exp(-iθ/2 (cos φ X + sin φ Y)).
    """
    out: list[np.ndarray | None] = [FIXED.get(name) for name in names]
    for i, name in enumerate(names):
        if name == "u3":
            out[i] = u3_matrix(*params[i, :3].tolist())
    rot = np.array([name in ("rx", "ry", "rz", "r") for name in names], bool)
    if not rot.any():
        return out
    rows = np.flatnonzero(rot)
    kind = np.array([names[i] for i in rows])
    theta = np.where(kind == "r", params[rows, 1], params[rows, 0])
    phi = np.where(kind == "r", params[rows, 0], 0.0)
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    e = np.cos(phi) + 1j * np.sin(phi)
    m = np.empty((len(rows), 2, 2), complex)
    m[:, 0, 0] = m[:, 1, 1] = c
    m[:, 0, 1], m[:, 1, 0] = -1j * s * e.conjugate(), -1j * s * e  # rx, r
    ry, rz = kind == "ry", kind == "rz"
    m[ry, 0, 1], m[ry, 1, 0] = -s[ry], s[ry]  # exact real entries, not cos(π/2) ≈ 6e-17 rounding
    m[rz] = 0
    m[rz, 0, 0], m[rz, 1, 1] = c[rz] - 1j * s[rz], c[rz] + 1j * s[rz]
    for i, row in enumerate(rows.tolist()):
        out[row] = m[i]
    return out


def u3_matrix(theta: float, phi: float, lam: float) -> np.ndarray:
    """OpenQASM's U(θ, φ, λ) = Rz(φ)·Ry(θ)·Rz(λ) times e^{i(φ+λ)/2}: the matrix qiskit's UGate has."""
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array([[c, -np.exp(1j * lam) * s], [np.exp(1j * phi) * s, np.exp(1j * (phi + lam)) * c]])


def u3_angles(matrix: np.ndarray) -> tuple[float, float, float]:
    """(θ, φ, λ) with u3_matrix(θ, φ, λ) equal to the 2×2 unitary `matrix` up to a global phase.
    Where cos(θ/2) or sin(θ/2) vanishes only φ + λ or φ − λ is defined; λ is then 0."""
    c, s = abs(matrix[0, 0]), abs(matrix[1, 0])
    theta = 2 * math.atan2(s, c)
    total = float(np.angle(matrix[1, 1] * np.conj(matrix[0, 0]))) if c > 1e-12 else None  # φ + λ
    diff = float(np.angle(matrix[1, 0] * np.conj(-matrix[0, 1]))) if s > 1e-12 else None  # φ − λ
    if total is None:
        total = diff
    if diff is None:
        diff = total
    phi, lam = (total + diff) / 2, (total - diff) / 2
    # The halves are defined modulo π: one branch flips the signs of both off-diagonal entries.
    v = u3_matrix(theta, phi, lam)
    k = np.unravel_index(np.argmax(np.abs(v)), v.shape)
    if not np.allclose(matrix, matrix[k] / v[k] * v, atol=1e-9):
        phi, lam = phi + math.pi, lam - math.pi
    return tuple(0.0 if abs(a) < 1e-12 else a
                 for a in (theta, math.remainder(phi, 2 * math.pi), math.remainder(lam, 2 * math.pi)))


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
