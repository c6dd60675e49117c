"""A tiny dense statevector simulator for checking that lowerings preserve semantics.

Independent of navm's backends on purpose: it is the yardstick they are measured with.
Qubit 0 is the most significant bit of a basis-state index.
"""

from __future__ import annotations

import math

import numpy as np

from navm.ir.circuit_table import GateTable

_S2 = 1 / math.sqrt(2)
FIXED = {
    "h": np.array([[_S2, _S2], [_S2, -_S2]]),
    "x": np.array([[0, 1], [1, 0]]),
    "y": np.array([[0, -1j], [1j, 0]]),
    "z": np.diag([1, -1]),
    "s": np.diag([1, 1j]),
    "sdg": np.diag([1, -1j]),
    "t": np.diag([1, np.exp(1j * math.pi / 4)]),
    "tdg": np.diag([1, np.exp(-1j * math.pi / 4)]),
    "cz": np.diag([1, 1, 1, -1]),
    "cx": np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]),
    "swap": np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]),
}
SKIPPED = {"measure", "barrier", "pauli", "depolarize", "depolarize2", "loss", "readout_flip"}


def gate_matrix(name: str, params: tuple[float, ...]) -> np.ndarray:
    if name in FIXED:
        return FIXED[name].astype(complex)
    if name == "rx":
        (a,) = params
        return np.array([[math.cos(a / 2), -1j * math.sin(a / 2)], [-1j * math.sin(a / 2), math.cos(a / 2)]])
    if name == "ry":
        (a,) = params
        return np.array([[math.cos(a / 2), -math.sin(a / 2)], [math.sin(a / 2), math.cos(a / 2)]], dtype=complex)
    if name == "rz":
        (a,) = params
        return np.diag([np.exp(-0.5j * a), np.exp(0.5j * a)])
    if name == "r":
        phi, a = params
        c, s = math.cos(a / 2), math.sin(a / 2)
        return np.array([[c, -1j * s * np.exp(-1j * phi)], [-1j * s * np.exp(1j * phi), c]])
    if name == "u3":  # OpenQASM's U(θ, φ, λ) = e^{i(φ+λ)/2} Rz(φ) Ry(θ) Rz(λ), qiskit's UGate
        theta, phi, lam = params
        return np.exp(0.5j * (phi + lam)) * gate_matrix("rz", (phi,)) @ gate_matrix("ry", (theta,)) \
            @ gate_matrix("rz", (lam,))
    raise ValueError(f"no matrix for {name}")


def apply(state: np.ndarray, n: int, matrix: np.ndarray, qubits: tuple[int, ...]) -> np.ndarray:
    k = len(qubits)
    psi = np.moveaxis(state.reshape((2,) * n), qubits, range(k))
    psi = (matrix @ psi.reshape(2**k, -1)).reshape((2,) * n)
    return np.moveaxis(psi, range(k), qubits).reshape(-1)


def final_state(table: GateTable, n: int, initial: np.ndarray | None = None) -> np.ndarray:
    state = np.zeros(2**n, dtype=complex)
    state[0] = 1
    if initial is not None:
        state = initial.astype(complex)
    for row in table.rows():
        if row.name in SKIPPED or row.name in ("load", "move", "store"):  # motion moves atoms, not states
            continue
        if row.name == "rydberg":  # a Rydberg pulse: a CZ on each pair
            for k in range(0, len(row.qubits), 2):
                state = apply(state, n, FIXED["cz"].astype(complex), row.qubits[k : k + 2])
            continue
        state = apply(state, n, gate_matrix(row.name, row.params), row.qubits)
    return state


def unitary(table: GateTable, n: int) -> np.ndarray:
    cols = [final_state(table, n, np.eye(2**n)[i]) for i in range(2**n)]
    return np.array(cols).T


def equal_up_to_phase(a: np.ndarray, b: np.ndarray, atol: float = 1e-9) -> bool:
    i = np.argmax(np.abs(b))
    if abs(b.flat[i]) < atol:
        return np.allclose(a, b, atol=atol)
    phase = a.flat[i] / b.flat[i]
    return abs(abs(phase) - 1) < 1e-6 and np.allclose(a, phase * b, atol=atol)
