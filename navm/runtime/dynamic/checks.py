"""The checks a gate, channel or annotation passes before it runs: the ones `unroll` makes.

A dynamic program meets them at run time, shot by shot, with the same messages
a static program gets from `unroll` at compile time.
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


def check_annotation(kind: str, params: tuple[float, ...], lookbacks: tuple[int, ...], measurements: int,
                     loc: SourceLocation | None) -> None:
    """Look-backs (-1 = the latest measurement so far) must name earlier measurements of this shot."""
    for k in lookbacks:
        if k >= 0 or -k > measurements:
            raise NavmError(
                f"look-back {k} does not name an earlier measurement (use -1 … -{measurements})"
                if measurements else f"look-back {k}: there is no earlier measurement", loc)
    if kind == "observable" and params[0] < 0:
        raise NavmError(f"observable index {int(params[0])} is negative", loc)
