"""Checks every gate, channel or annotation row passes before it enters a circuit.

`unroll` makes them at compile time and the dynamic-circuit runner at run
time, shot by shot, so a program gets the same messages either way.
"""

from __future__ import annotations

import math

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.gates import GATES, OPCODE, check_arity
from navm.ir.noise import channel_error


MAX_CIRCUIT_QUBITS = 1 << 20
"""A circuit's qubits are numbered densely (it has max index + 1 of them), so an index bounds its
size: 2^20 is above the largest device profile navm accepts (10^6 sites). The QBC language allows any
int64 index; this is where a circuit's int32 columns and per-qubit arrays say no, at the instruction."""


def check_qubit(qubit: int, loc: SourceLocation | None) -> None:
    if qubit >= MAX_CIRCUIT_QUBITS:
        raise NavmError(f"qubit index q{qubit} is too large for a circuit: at most q{MAX_CIRCUIT_QUBITS - 1}", loc,
                        notes=("a circuit has as many qubits as its largest index + 1; number qubits from q0",))


def check_row(gate: str, qubits: tuple[int, ...], params: tuple[float, ...], loc: SourceLocation | None) -> None:
    g = GATES[OPCODE[gate]]
    for q in qubits:
        if q >= MAX_CIRCUIT_QUBITS:
            check_qubit(q, loc)
    if g.n_qubits != len(qubits) and (msg := check_arity(g, len(qubits))) is not None:
        raise NavmError(msg, loc)
    if len(qubits) > 1 and len(set(qubits)) != len(qubits):
        raise NavmError(f"'{gate}' acts on the same qubit twice: {', '.join(f'q{q}' for q in qubits)}", loc)
    if params:
        if not all(math.isfinite(p) for p in params):
            raise NavmError(f"'{gate}' parameter is not finite: {params}", loc)
        if g.kind == "noise" and (msg := channel_error(gate, params)) is not None:
            raise NavmError(msg, loc)
