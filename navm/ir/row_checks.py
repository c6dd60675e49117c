"""Checks every gate, channel or annotation row passes before it enters a circuit.

`unroll` makes them at compile time and the dynamic-circuit runner at run
time, shot by shot, so a program gets the same messages either way.
"""

from __future__ import annotations

import math

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.gates import GATES, OPCODE, check_arity
from navm.ir.noise import channel_error


def check_row(gate: str, qubits: tuple[int, ...], params: tuple[float, ...], loc: SourceLocation | None) -> None:
    g = GATES[OPCODE[gate]]
    if g.n_qubits != len(qubits) and (msg := check_arity(g, len(qubits))) is not None:
        raise NavmError(msg, loc)
    if len(qubits) > 1 and len(set(qubits)) != len(qubits):
        raise NavmError(f"'{gate}' acts on the same qubit twice: {', '.join(f'q{q}' for q in qubits)}", loc)
    if params:
        if not all(math.isfinite(p) for p in params):
            raise NavmError(f"'{gate}' parameter is not finite: {params}", loc)
        if g.kind == "noise" and (msg := channel_error(gate, params)) is not None:
            raise NavmError(msg, loc)
