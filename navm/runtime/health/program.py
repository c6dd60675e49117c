"""The heartbeat's circuit: a W state on three atoms, compiled by navm's own pipeline for a device
(decompose, place on a triangle, schedule, insert the device's noise model), then read as a
sequence of 8×8 unitaries and noise channels on the triangle's three qubits.

All triangles of a lattice run the same program; what differs per triangle is how strongly each
channel acts, through a noise scale per node (a degraded site). `HeartbeatProgram` keeps each
channel's base probabilities and the qubits it acts on, so the density-matrix kernel
(navm.runtime.health.density) scales them per triangle.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from navm.diagnostics import NavmError

W_QASM = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
ry(1.9106332362490186) q[0];
ry(pi/4) q[1];
cx q[0],q[1];
ry(-pi/4) q[1];
cx q[0],q[1];
cx q[1],q[2];
cx q[0],q[1];
x q[0];
"""
"""(|100⟩ + |010⟩ + |001⟩)/√3: Ry(2·acos(1/√3)) on q0, a controlled Ry(π/2) onto q1 (two CX and
two Ry), then two CX spread the excitation and an X flips q0."""

W_STATE = np.zeros(8, complex)
W_STATE[[1, 2, 4]] = 1 / np.sqrt(3)


@dataclass(frozen=True)
class Gate:
    qubits: tuple[int, ...]  # one or two of 0, 1, 2
    matrix: np.ndarray  # 2×2 or 4×4 (the first qubit the more significant bit)


@dataclass(frozen=True)
class PauliChannel:
    qubit: int
    probs: np.ndarray  # I, X, Y, Z; [0] is "no error"


@dataclass(frozen=True)
class Depolarize2:
    qubits: tuple[int, int]
    p: float


@dataclass(frozen=True)
class Loss:
    qubit: int
    p: float


@dataclass(frozen=True)
class HeartbeatProgram:
    device: str
    ops: tuple
    sites: tuple[int, int, int]
    duration_us: float
    channels: int


def embed3(matrix: np.ndarray, qubits: tuple[int, ...]) -> np.ndarray:
    """A 1- or 2-qubit matrix on `qubits` of three, as 8×8 (qubit 0 the most significant bit)."""
    k = len(qubits)
    gate = matrix.reshape((2,) * (2 * k))
    eye = np.eye(8, dtype=complex).reshape(2, 2, 2, 8)
    out = np.tensordot(gate, eye, axes=(list(range(k, 2 * k)), list(qubits)))  # gate's outputs first
    out = np.moveaxis(out, list(range(k)), list(qubits))
    return out.reshape(8, 8)


@lru_cache(maxsize=16)
def heartbeat_program(device: str) -> HeartbeatProgram:
    """The W-state program compiled for `device` with its noise model, as kernel ops (consecutive
    gates on the same qubits multiplied into one)."""
    import navm
    from navm.backends.statevector.noise import pauli_probabilities
    from navm.ir.unitaries import gate_matrices

    compiled = navm.compile(W_QASM, device, language="qasm2", noise="device", source_name="heartbeat.qasm")
    if compiled.num_qubits != 3:
        raise NavmError(f"the heartbeat compiled to {compiled.num_qubits} qubits on {device}, not 3")
    table = compiled.table
    rows = list(table.rows())
    mats = gate_matrices([r.name for r in rows], table.params)
    ops: list = []
    channels = 0
    for row, m in zip(rows, mats):
        if m is not None:
            last = ops[-1] if ops else None
            if isinstance(last, Gate) and last.qubits == tuple(row.qubits):
                ops[-1] = Gate(last.qubits, m @ last.matrix)
            else:
                ops.append(Gate(tuple(row.qubits), np.asarray(m, complex)))
        elif row.name in ("pauli", "depolarize"):
            probs = pauli_probabilities(row.name, tuple(row.params))[[0, 4, 8, 12]]
            ops.append(PauliChannel(row.qubits[0], probs))
            channels += 1
        elif row.name == "depolarize2":
            ops.append(Depolarize2(tuple(row.qubits), float(row.params[0])))
            channels += 1
        elif row.name == "loss":
            ops.append(Loss(row.qubits[0], float(row.params[0])))
            channels += 1
        elif row.name in ("measure", "reset"):
            raise NavmError(f"the heartbeat program has a {row.name}: it must end in a state")
        # barriers, readout flips (they act on records, not on the state), annotations: nothing to do
    placement = compiled.circuit.qubit_placement
    sites = tuple(int(s) for s in placement.sites) if placement.sites is not None else (0, 1, 2)
    return HeartbeatProgram(device, tuple(ops), sites, compiled.schedule().duration_us, channels)
