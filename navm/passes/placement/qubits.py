"""Where to report an error about a qubit: its declaration, else the first row that uses it."""

from __future__ import annotations

import numpy as np

from navm.diagnostics import SourceLocation
from navm.ir.locations import op_location
from navm.ir.navm import CircuitOp


def qubit_location(op: CircuitOp, qubit: int) -> SourceLocation | None:
    loc = op.qubit_placement.decl_loc(qubit)
    if loc is not None:
        return loc
    table = op.gate_table
    uses = np.flatnonzero(table.qubits == qubit)
    if len(uses):
        row = int(np.searchsorted(table.qubit_offsets, uses[0], side="right")) - 1
        return row_location(op, row)
    return op_location(op)


def row_location(op: CircuitOp, row: int) -> SourceLocation | None:
    table = op.gate_table
    index = int(table.loc[row])
    return table.locs[index] if index >= 0 else op_location(op)
