"""State vectors of the same OpenQASM 2 text as navm and as qiskit read it, in one bit order.

navm: the `navm.circuit` the front end builds, simulated by tests/statevector.py,
where qubit 0 is the MOST significant bit of a basis-state index.
qiskit: `qiskit.qasm2.loads` + `Statevector`, where qubit 0 is the LEAST
significant bit (little-endian). Both number qubits the same way (registers
in declaration order), so converting qiskit's vector is reversing the order
of its tensor axes.
"""

from __future__ import annotations

import numpy as np
from qiskit import qasm2
from qiskit.quantum_info import Statevector

from navm.frontend.qasm2 import load_text
from navm.ir.navm import CircuitOp
from tests.statevector import equal_up_to_phase, final_state


def circuit_of(module) -> CircuitOp:
    (op,) = [op for op in module.body.block.ops if isinstance(op, CircuitOp)]
    return op


def navm_state(text: str, file: str = "test.qasm") -> np.ndarray:
    op = circuit_of(load_text(text, file))
    return final_state(op.gate_table, op.qubit_placement.num_qubits)


def qiskit_circuit(text: str):
    # qasm2.dumps writes qelib1 gates beyond the 2.0 paper's (sx, swap, cp, rzz, …) without
    # defining them; qiskit reads them back with its legacy custom instructions.
    return qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)


def little_to_big_endian(vector: np.ndarray, n: int) -> np.ndarray:
    """qiskit's amplitude order (qubit 0 least significant) to navm's (qubit 0 most significant)."""
    if n == 0:
        return np.asarray(vector)
    return np.asarray(vector).reshape([2] * n).transpose(list(reversed(range(n)))).reshape(-1)


def qiskit_state(text: str) -> np.ndarray:
    qc = qiskit_circuit(text)
    return little_to_big_endian(Statevector(qc).data, qc.num_qubits)


def same_state(text: str, atol: float = 1e-8) -> bool:
    """navm's and qiskit's readings of `text` give the same state up to a global phase."""
    a, b = navm_state(text), qiskit_state(text)
    return a.shape == b.shape and equal_up_to_phase(a, b, atol=atol)
