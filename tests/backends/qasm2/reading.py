"""Reading emitted OpenQASM 2 back with qiskit, and the states to compare it with.

Qubit order: navm's statevectors (navm.backends.statevector, tests/statevector.py)
make qubit 0 the most significant bit of a basis index; qiskit makes it the least.
`qiskit_state` reverses qiskit's qubits, so both vectors are indexed the navm way.
"""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit, qasm2
from qiskit.quantum_info import Statevector

from navm.backends.statevector import final_state
from navm.commands.compile import circuit_op
from navm.ir.gates import GATES, OPCODE
from tests import statevector as reference

COLLAPSING = ("measure", "reset")
GATE_CODES = frozenset(i for i, g in enumerate(GATES) if g.kind == "gate")


def read(text: str) -> QuantumCircuit:
    """qiskit's reading of the text (its own qelib1.inc, strict OpenQASM 2)."""
    return qasm2.loads(text, strict=True)


def without_collapse(circuit: QuantumCircuit) -> QuantumCircuit:
    """The circuit with every measure and reset left out (gates and barriers kept)."""
    out = circuit.copy_empty_like()
    for inst in circuit.data:
        if inst.operation.name not in COLLAPSING:
            out.append(inst)
    return out


def qiskit_state(circuit: QuantumCircuit) -> np.ndarray:
    """The statevector of `circuit` without measurements and resets, qubit 0 most significant."""
    return Statevector(without_collapse(circuit)).reverse_qargs().data


def navm_state(module, *, simulator: str = "reference") -> np.ndarray:
    """The statevector of the compiled circuit's gate rows (measure and reset rows left
    out; noise, barrier and annotation rows do not act on the state), from
    tests/statevector.py (`reference`: NumPy, no start-up cost) or navm's JAX backend
    (`jax`: compiles a kernel per circuit shape, about a second each)."""
    op = circuit_op(module)
    table = op.gate_table
    gates = table.take(np.flatnonzero(np.isin(table.opcode, sorted(GATE_CODES))))
    n = op.qubit_placement.num_qubits
    if simulator == "jax":
        return final_state(gates, n)
    return reference.final_state(gates, n)


def same_up_to_phase(a: np.ndarray, b: np.ndarray, atol: float = 1e-9) -> bool:
    i = int(np.argmax(np.abs(b)))
    phase = a[i] / b[i]
    return abs(abs(phase) - 1) < atol and np.allclose(a, phase * b, rtol=0.0, atol=atol)


def skeleton(circuit: QuantumCircuit) -> list[tuple]:
    """The non-unitary instructions in order, with the count of gates since the last one:
    (gates before, name, qubit indices, clbit indices)."""
    out, gates = [], 0
    for inst in circuit.data:
        name = inst.operation.name
        if name in ("measure", "reset", "barrier"):
            out.append((gates, name, tuple(circuit.find_bit(q).index for q in inst.qubits),
                        tuple(circuit.find_bit(c).index for c in inst.clbits)))
            gates = 0
        else:
            gates += 1
    return out


def table_skeleton(module, num_qubits: int) -> list[tuple]:
    """What `skeleton` should read from the emitted text of `module`: each measure, reset
    and barrier row with its qubits (a barrier without qubits: all) and record, and the
    number of qelib1 statements the gate rows before it become (a swap is three cx)."""
    out, gates, record = [], 0, 0
    for row in circuit_op(module).gate_table.rows():
        if row.name in ("measure", "reset", "barrier"):
            qubits = row.qubits or tuple(range(num_qubits))
            clbits = (record,) if row.name == "measure" else ()
            record += row.name == "measure"
            out.append((gates, row.name, qubits, clbits))
            gates = 0
        elif row.name == "swap":
            gates += 3
        elif OPCODE[row.name] in GATE_CODES:
            gates += 1
    return out
