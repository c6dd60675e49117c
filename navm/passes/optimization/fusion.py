"""1-qubit gates as matrices, and a fused matrix back as gates.

A 2×2 matrix is a tuple `(a, b, c, d)` of Python complex numbers, [[a, b], [c, d]]: for runs of a few
gates, tuple arithmetic costs a fraction of a NumPy call on 2×2 arrays. The matrices of a table's
rows are computed for all rows at once with NumPy (`row_matrices`), and fused matrices are turned
back into gate parameters all at once (`basis_rows`): navm.ir.unitaries holds the IR's definition of
each gate, one matrix (and one `u3_angles`) at a time, and tests check these agree with it:
rx, ry, rz(θ) = exp(-iθ/2 P); r(φ, θ) = exp(-iθ/2 (cos φ X + sin φ Y));
u3(θ, φ, λ) = OpenQASM's U = e^{i(φ+λ)/2} Rz(φ)·Ry(θ)·Rz(λ).
"""

from __future__ import annotations

import cmath
import math

import numpy as np

from navm.ir.gates import GATES, OPCODE

Matrix = tuple[complex, complex, complex, complex]

ONE_QUBIT = ("h", "x", "y", "z", "s", "sdg", "t", "tdg", "rx", "ry", "rz", "r", "u3")
"""The 1-qubit gates the pass fuses (every other 1-qubit row blocks its qubit)."""
ONE_QUBIT_MASK = np.array([g.name in ONE_QUBIT for g in GATES])

EPS = 1e-10
"""An off-diagonal entry below this is zero; a phase difference below it is none."""

_S2 = 1 / math.sqrt(2)
_W = cmath.exp(1j * math.pi / 4)
_FIXED: dict[str, Matrix] = {
    "h": (_S2, _S2, _S2, -_S2),
    "x": (0j, 1 + 0j, 1 + 0j, 0j),
    "y": (0j, -1j, 1j, 0j),
    "z": (1 + 0j, 0j, 0j, -1 + 0j),
    "s": (1 + 0j, 0j, 0j, 1j),
    "sdg": (1 + 0j, 0j, 0j, -1j),
    "t": (1 + 0j, 0j, 0j, _W),
    "tdg": (1 + 0j, 0j, 0j, _W.conjugate()),
}
H: Matrix = _FIXED["h"]
_OP = {name: OPCODE[name] for name in ONE_QUBIT}


def row_matrices(opcode: np.ndarray, params: np.ndarray) -> list[Matrix]:
    """The matrix of each row (rows of 1-qubit gates only), computed column-wise."""
    n = len(opcode)
    out = np.zeros((n, 4), dtype=complex)
    for name, m in _FIXED.items():
        out[opcode == _OP[name]] = m
    p0, p1, p2 = params[:, 0], params[:, 1], params[:, 2]
    is_r, is_u3 = opcode == _OP["r"], opcode == _OP["u3"]
    theta = np.where(is_r, p1, p0)
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    for name, phi in (("rx", 0.0), ("r", p0)):
        sel = opcode == _OP[name]
        e = np.exp(1j * np.asarray(phi) * np.ones(n))
        out[sel] = np.stack([c, -1j * s * e.conj(), -1j * s * e, c], axis=1)[sel]
    sel = opcode == _OP["ry"]
    out[sel] = np.stack([c, -s, s, c], axis=1)[sel]
    sel = opcode == _OP["rz"]
    half = np.exp(-0.5j * p0)
    out[sel] = np.stack([half, 0 * half, 0 * half, half.conj()], axis=1)[sel]
    out[is_u3] = np.stack([c, -np.exp(1j * p2) * s, np.exp(1j * p1) * s, np.exp(1j * (p1 + p2)) * c],
                          axis=1)[is_u3]
    return [tuple(m) for m in out.tolist()]


def u3_matrix(theta: float, phi: float, lam: float) -> Matrix:
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return (complex(c), -cmath.exp(1j * lam) * s, cmath.exp(1j * phi) * s, cmath.exp(1j * (phi + lam)) * c)


def mul(m: Matrix, n: Matrix) -> Matrix:
    """m·n (n acts first)."""
    a, b, c, d = m
    e, f, g, h = n
    return (a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h)


def _wrap(angle):
    """The angle in [-π, π] (for angles that matter modulo 2π); arrays too."""
    return angle - 2 * np.pi * np.round(angle / (2 * np.pi))


def is_identity(m: Matrix) -> bool:
    """m is the identity up to a global phase."""
    return abs(m[1]) < EPS and abs(m[2]) < EPS and abs(cmath.phase(m[3] / m[0])) < EPS


_RZ, _U3, _R = OPCODE["rz"], OPCODE["u3"], OPCODE["r"]


def basis_rows(m: np.ndarray, basis: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fused matrices (k × 4: a, b, c, d of [[a, b], [c, d]]) as rows of the basis, two slots per
    matrix in time order: (opcodes k × 2, params k × 2 × 3, present k × 2). A diagonal matrix is one
    `rz(θ)` (θ = arg d − arg a; none for the identity up to a phase); any other one `u3(θ, φ, λ)`
    (basis "u3") or `r(π/2 − λ, θ)` then `rz(φ + λ)` (basis "r": U(θ, φ, λ) ∝ Rz(φ+λ)·R(π/2 − λ, θ);
    the `rz` left out when φ + λ = 0). (θ, φ, λ): m scaled into SU(2) is
    [[e^{-i(φ+λ)/2} cos θ/2, ·], [e^{i(φ-λ)/2} sin θ/2, e^{i(φ+λ)/2} cos θ/2]]."""
    k = len(m)
    a, b, c, d = m[:, 0], m[:, 1], m[:, 2], m[:, 3]
    diag = (np.abs(b) < EPS) & (np.abs(c) < EPS)
    rz = _wrap(np.angle(d) - np.angle(a))
    root = np.sqrt(a * d - b * c)
    a, c, d = a / root, c / root, d / root
    theta = 2 * np.arctan2(np.abs(c), np.abs(a))
    plus = np.where(np.abs(d) > EPS, np.angle(d), 0.0)
    minus = np.where(np.abs(c) > EPS, np.angle(c), 0.0)
    phi, lam = _wrap(plus + minus), _wrap(plus - minus)
    codes = np.full((k, 2), _RZ, dtype=np.int16)
    params = np.zeros((k, 2, 3))
    present = np.zeros((k, 2), dtype=bool)
    present[:, 0] = ~diag | (np.abs(rz) >= EPS)
    params[:, 0, 0] = np.where(diag, rz, theta)
    if basis == "u3":
        codes[~diag, 0] = _U3
        params[:, 0, 1], params[:, 0, 2] = np.where(diag, 0.0, phi), np.where(diag, 0.0, lam)
    else:
        codes[~diag, 0] = _R
        params[:, 0, 0] = np.where(diag, rz, _wrap(np.pi / 2 - lam))
        params[:, 0, 1] = np.where(diag, 0.0, theta)
        turn = _wrap(phi + lam)
        params[:, 1, 0] = turn
        present[:, 1] = ~diag & (np.abs(turn) >= EPS)
    return codes, params, present


def gates_of(m: Matrix, basis: str) -> list[tuple[str, tuple[float, ...]]]:
    """One fused matrix as rows of the basis (see `basis_rows`): [(name, params), …] in time order."""
    codes, params, present = basis_rows(np.array([m]), basis)
    return [(GATES[int(codes[0, j])].name, tuple(params[0, j, :GATES[int(codes[0, j])].n_params].tolist()))
            for j in range(2) if present[0, j]]


BASIS_GATES = {"u3": frozenset({"u3", "rz"}), "r": frozenset({"r", "rz"})}
"""The 1-qubit rows each basis leaves; a lone gate of these kinds is kept as it was written."""
