"""Which stim gate a navm single-qubit rotation is, if it is Clifford at all.

stim simulates Clifford circuits only. A rotation (`rx`, `ry`, `rz`, `r`) is
Clifford when its 2×2 unitary equals one of the 24 single-qubit Cliffords up
to a global phase; that is checked numerically (tolerance 1e-9) rather than by
pattern-matching angles, so every spelling of a Clifford (rz(-3π/2),
r(π/4, π) = H_XY, …) is accepted and nothing else is.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import stim

TOLERANCE = 1e-9

# Fixed navm gates and their stim names (t and tdg are not Clifford: absent).
FIXED_GATES: dict[str, str] = {
    "h": "H", "x": "X", "y": "Y", "z": "Z", "s": "S", "sdg": "S_DAG",
    "cx": "CX", "cz": "CZ", "swap": "SWAP",
}

# The 24 single-qubit Cliffords by stim name (each class up to phase once).
CLIFFORD_NAMES: tuple[str, ...] = (
    "I", "X", "Y", "Z", "H", "S", "S_DAG", "SQRT_X", "SQRT_X_DAG", "SQRT_Y", "SQRT_Y_DAG",
    "H_XY", "H_YZ", "H_NXY", "H_NXZ", "H_NYZ",
    "C_XYZ", "C_ZYX", "C_NXYZ", "C_XNYZ", "C_XYNZ", "C_NZYX", "C_ZNYX", "C_ZYNX",
)

_EXACT = np.array([0.0, 0.5, 1 / math.sqrt(2), 1.0])


def _snap(x: np.ndarray) -> np.ndarray:
    """stim's matrices are float32; every Clifford entry's real and imaginary part is
    0, ±1/2, ±1/√2 or ±1, so snap to those to compare at 1e-9."""
    mag = _EXACT[np.abs(np.abs(x)[..., None] - _EXACT).argmin(axis=-1)]
    return np.sign(x) * mag


@cache
def _clifford_matrices() -> tuple[tuple[str, np.ndarray], ...]:
    out = []
    for name in CLIFFORD_NAMES:
        u = np.asarray(stim.gate_data(name).unitary_matrix, dtype=np.complex128)
        out.append((name, _snap(u.real) + 1j * _snap(u.imag)))
    return tuple(out)


def rotation_matrix(name: str, params: tuple[float, ...]) -> np.ndarray:
    """The unitary of `rx`/`ry`/`rz`(angle), `r`(axis, angle) or `u3`(θ, φ, λ), as docs/ir.md defines them."""
    if name == "u3":
        from navm.ir.unitaries import u3_matrix

        return u3_matrix(*params)
    if name == "r":
        axis, angle = params
    else:
        (angle,) = params
        axis = {"rx": 0.0, "ry": math.pi / 2}.get(name)
    c, s = math.cos(angle / 2), math.sin(angle / 2)
    if axis is None:  # rz
        return np.diag([complex(c, -s), complex(c, s)])
    e = complex(math.cos(axis), math.sin(axis))
    return np.array([[c, -1j * s * e.conjugate()], [-1j * s * e, c]])


def equal_up_to_phase(a: np.ndarray, b: np.ndarray, atol: float = TOLERANCE) -> bool:
    i = np.unravel_index(np.argmax(np.abs(b)), b.shape)
    phase = a[i] / b[i]
    return abs(abs(phase) - 1) < atol and np.allclose(a, phase * b, rtol=0.0, atol=atol)


def clifford_of(matrix: np.ndarray) -> str | None:
    """The stim name of the single-qubit Clifford equal to `matrix` up to phase, or None."""
    for name, u in _clifford_matrices():
        if equal_up_to_phase(matrix, u):
            return name
    return None


@cache
def rotation_gate(name: str, params: tuple[float, ...]) -> str | None:
    """The stim gate for a rotation row, or None when it is not Clifford."""
    return clifford_of(rotation_matrix(name, params))
