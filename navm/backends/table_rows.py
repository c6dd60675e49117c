"""Single rows of a gate table in Python form, for the messages backends and emitters give."""

from __future__ import annotations

from typing import Callable

import numpy as np

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import GATES


def row_at(table: GateTable, i: int) -> Row:
    """Row i in Python form (for names and messages; the loops work on columns)."""
    g = GATES[int(table.opcode[i])]
    loc = int(table.loc[i])
    return Row(g.name, table.row_qubits(i), tuple(table.params[i, : g.n_params].tolist()),
               None, table.locs[loc] if loc >= 0 else None)


def check_qubits(table: GateTable, num_qubits: int, describe: Callable[[Row], str]) -> None:
    """Every row acts inside the register, else an error at the first row that does not."""
    bad = np.flatnonzero((table.qubits < 0) | (table.qubits >= num_qubits))
    if len(bad):
        i = int(np.searchsorted(table.qubit_offsets, bad[0], side="right")) - 1
        row = row_at(table, i)
        raise NavmError(f"'{describe(row)}' acts on q{int(table.qubits[bad[0]])}, outside the "
                        f"{num_qubits}-qubit register", row.loc)
