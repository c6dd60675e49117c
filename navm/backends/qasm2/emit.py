"""Writing a `navm.circuit` gate table as OpenQASM 2.0 text, one row at a time.

Registers: `qreg q[n]` over navm's qubits (after `route`, atoms: q[k] sits on
site placement[k]) and `creg rec[m]` over the measurement records in program
order (record k is the k-th measure row). Rows are written in table order;
the schedule survives only as the header's summary. Noise rows have no
OpenQASM 2 form: they become comments (`noise="comment"`) or an error
(`noise="error"`). Detector and observable rows become comments. The mapping
is in docs/backends/qasm2.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from navm.backends.qasm2.gates import gate_heads
from navm.backends.qasm2.header import module_header
from navm.backends.report.schedule import ScheduleReport
from navm.backends.single_circuit import single_circuit
from navm.backends.table_rows import check_qubits, row_at
from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import GATES, OPCODE

NOISE_POLICIES = ("comment", "error")
NOISE_NOTE = 'compile without --noise, or pass noise="comment" to write noise rows as comments'
_KINDS = [g.kind for g in GATES]
_N_PARAMS = [g.n_params for g in GATES]
QREG, CREG = "q", "rec"


def module_to_qasm2(module: ModuleOp, *, noise: str = "comment", report: ScheduleReport | None = None) -> str:
    """OpenQASM 2 text of a compiled module's single `navm.circuit`, with the header
    (device, placement, schedule, output permutation, record names) as comments.
    `report` saves recomputing the schedule report when the caller has it."""
    op = single_circuit(module, "OpenQASM 2 output", "compile it first")
    table, placement = op.gate_table, op.qubit_placement
    header = module_header(module, placement, table, report)
    return to_qasm2(table, placement.num_qubits, header=header, noise=noise)


def to_qasm2(table: GateTable, num_qubits: int, *, header: Sequence[str] = (), noise: str = "comment") -> str:
    """OpenQASM 2 text of a gate table on `num_qubits` qubits; `header` lines (comments)
    go after `include`. A register of size 0 is left out."""
    if noise not in NOISE_POLICIES:
        raise NavmError(f"unknown noise policy '{noise}'; choose one of: {', '.join(NOISE_POLICIES)}")
    check_qubits(table, num_qubits, describe)
    n_records = int(np.count_nonzero(table.opcode == OPCODE["measure"]))
    lines = ['OPENQASM 2.0;', 'include "qelib1.inc";', *header]
    if num_qubits:
        lines.append(f"qreg {QREG}[{num_qubits}];")
    if n_records:
        lines.append(f"creg {CREG}[{n_records}];")
    lines.extend(_body(table, num_qubits, noise))
    return "\n".join(lines) + "\n"


def _body(table: GateTable, num_qubits: int, noise: str) -> list[str]:
    """The statements, row by row. Works on the columns (one `Row` only for messages)."""
    opcode = table.opcode.tolist()
    offsets = table.qubit_offsets.tolist()
    qubits = table.qubits.tolist()
    params = table.params.tolist()
    rec_offsets = table.record_offsets.tolist()
    records = table.records.tolist()
    names = [f"{QREG}[{q}]" for q in range(num_qubits)]
    heads: dict = {}  # (opcode, *angles) -> gate_heads(...), or its one head when that is all there is
    out: list[str] = []
    n_rec = 0
    for i, code in enumerate(opcode):
        kind = _KINDS[code]
        qs = [names[q] for q in qubits[offsets[i] : offsets[i + 1]]]
        if kind == "gate":
            n = _N_PARAMS[code]
            key = (code, *params[i][:n]) if n else code
            head = heads.get(key)
            if head is None:
                head = heads[key] = _heads_of(table, i, code, params[i][:n])
            if type(head) is str:  # one statement, operands in row order (nearly every row)
                out.append(f"{head} {','.join(qs)};")
            else:
                out.extend(f"{h} {','.join(qs[k] for k in order)};" for h, order in head)
        elif kind == "measure":
            out.append(f"measure {qs[0]} -> {CREG}[{n_rec}];")
            n_rec += 1
        elif kind == "reset":
            out.append(f"reset {qs[0]};")
        elif kind == "barrier":
            if qs:
                out.append(f"barrier {','.join(qs)};")
            elif num_qubits:
                out.append(f"barrier {QREG};")
            else:
                out.append("// barrier (no qubits)")
        elif kind == "noise":
            g = GATES[code]
            if noise == "error":
                row = row_at(table, i)
                raise NavmError(f"OpenQASM 2 has no noise channels: cannot write {describe(row)}", row.loc,
                                notes=(NOISE_NOTE,))
            args = ",".join(repr(p) for p in params[i][: g.n_params])
            out.append(f"// {g.printed_name}({args}) {','.join(qs)}")
        elif kind == "pulse":  # one Rydberg pulse: a cz on each pair
            out.extend(f"cz {qs[k]},{qs[k + 1]};" for k in range(0, len(qs) - 1, 2))
        elif kind == "motion":
            g = GATES[code]
            shown = [str(int(params[i][0]))] + [repr(p) for p in params[i][1: g.n_params]]  # the group number
            out.append(f"// {g.name}({','.join(shown)}) {qs[0]}")
        elif kind == "annotation":
            g = GATES[code]
            looks = " ".join(f"{CREG}[{k}]" for k in records[rec_offsets[i] : rec_offsets[i + 1]])
            head = "detector" if g.name == "detector" else f"observable({int(params[i][0])})"
            out.append(f"// {head} {looks}".rstrip())
        else:  # macro
            raise NavmError(f"OpenQASM 2 output cannot write the macro '{GATES[code].name}': run unroll first",
                            row_at(table, i).loc)
    return out


def _heads_of(table: GateTable, i: int, code: int, params: list[float]):
    """`gate_heads` of row i, with the row's position on an error; a lone head whose
    operands keep their order is returned as its string (the emitter's fast path)."""
    try:
        statements = gate_heads(GATES[code].name, params)
    except NavmError as err:  # an angle with no literal: say which row
        row = row_at(table, i)
        raise NavmError(f"{err.message} in {describe(row)}", row.loc) from None
    if len(statements) == 1 and statements[0][1] == tuple(range(len(statements[0][1]))):
        return statements[0][0]
    return statements


def describe(row: Row) -> str:
    """`noise.depolarize(0.001) q1`: a row as the IR prints it, for messages."""
    params = f"({', '.join(repr(p) for p in row.params)})" if row.params else ""
    name = GATES[OPCODE[row.name]].printed_name
    return f"{name}{params} {', '.join(f'q{q}' for q in row.qubits)}".rstrip()


