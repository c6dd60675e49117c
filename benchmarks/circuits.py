"""Benchmark circuits, written once as navm rows and translated for the reference simulators."""

from __future__ import annotations

import math
import random

from navm.ir.circuit_table import GateTable, Row
from navm.ir.macros import qft_rows


def qft(n: int) -> list[Row]:
    return qft_rows(list(range(n)))


def brickwork(n: int, depth: int = 20, seed: int = 0) -> list[Row]:
    """Layers of random ry/rz on every qubit, then CZs on alternating bricks."""
    rng = random.Random(seed)
    rows: list[Row] = []
    for layer in range(depth):
        for q in range(n):
            rows.append(Row("ry", (q,), (rng.uniform(0, 2 * math.pi),)))
            rows.append(Row("rz", (q,), (rng.uniform(0, 2 * math.pi),)))
        for q in range(layer % 2, n - 1, 2):
            rows.append(Row("cz", (q, q + 1), ()))
    return rows


def table(rows: list[Row]) -> GateTable:
    return GateTable.from_rows(rows)


def to_qiskit(rows: list[Row], n: int):
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(n)
    # navm's qubit 0 is the most significant bit; qiskit's is the least: reverse the wires.
    w = lambda q: n - 1 - q  # noqa: E731
    for r in rows:
        qs = [w(q) for q in r.qubits]
        getattr(qc, {"cx": "cx", "cz": "cz", "swap": "swap", "h": "h", "rz": "rz", "ry": "ry", "rx": "rx"}[r.name])(
            *r.params, *qs)
    return qc


def to_cirq(rows: list[Row], n: int):
    import cirq

    qubits = cirq.LineQubit.range(n)
    ops = {
        "h": lambda q: cirq.H(q), "cx": lambda a, b: cirq.CNOT(a, b), "cz": lambda a, b: cirq.CZ(a, b),
        "swap": lambda a, b: cirq.SWAP(a, b),
    }
    rot = {"rz": cirq.rz, "ry": cirq.ry, "rx": cirq.rx}
    circuit = cirq.Circuit()
    for r in rows:
        qs = [qubits[q] for q in r.qubits]
        circuit.append(rot[r.name](r.params[0])(*qs) if r.name in rot else ops[r.name](*qs))
    return circuit
