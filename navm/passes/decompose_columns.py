"""`decompose-native` on whole columns: the rows of a circuit's gates, stamped from templates.

The row rules in decompose_native.py stay the one definition of every
rewrite. A template is what they make of one probe row of a gate: which of
its qubits and parameters each produced row takes, which parameters are
constants, and which of the row's result, location, records and schedule it
keeps. Stamping a template over every row of that gate with numpy gives the
table `from_rows(decompose(rows))` would, without a Python object per row.
A gate whose rule does anything a template cannot say (computes with an
angle, or fails) sends the whole table back to the row path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import GateTable, Row, normalized_table
from navm.ir.gates import GATES, MAX_PARAMS, OPCODE

Rewrite = Callable[[Row, frozenset], list]

# Probe values no rule can produce by itself: a rule's output either passes them on or does not.
_QUBITS = (1_000_003, 1_000_019, 1_000_033)
_PARAMS = ((1234.5678125, 2345.6789125, 3456.7890125), (8765.4321875, 7654.3210875, 6543.2109875))
_RESULT = "<probe result>"
_LOC = SourceLocation("<probe>", 0, 0)
_RECORDS = (-7,)
_TIMING = (-1.5, -2.5, -7)


@dataclass(frozen=True)
class OutRow:
    """One row a gate becomes: `slots` index the gate's qubits; each param is (k, c): the
    gate's k-th parameter when k >= 0, else the constant c. `keeps_*`: the gate row's own."""

    opcode: int
    slots: tuple[int, ...]
    params: tuple[tuple[int, float], ...]
    keeps_result: bool
    keeps_loc: bool
    keeps_records: bool
    keeps_timing: bool


_TEMPLATES: dict[tuple[int, frozenset], tuple[OutRow, ...] | None] = {}


def template(code: int, native: frozenset, rewrite: Rewrite) -> tuple[OutRow, ...] | None:
    """The rows gate `code` becomes, or None if a template cannot say it; cached."""
    key = (code, native)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = _derive(code, native, rewrite)
    return _TEMPLATES[key]


def _derive(code: int, native: frozenset, rewrite: Rewrite) -> tuple[OutRow, ...] | None:
    g = GATES[code]
    if g.n_qubits < 0 or g.n_qubits > len(_QUBITS) or g.n_params > len(_PARAMS[0]):
        return None
    qubits = _QUBITS[: g.n_qubits]
    produced = []
    for values in _PARAMS:
        params = values[: g.n_params]
        try:
            rows = rewrite(Row(g.name, qubits, params, _RESULT, _LOC, _RECORDS, _TIMING), native)
        except NavmError:
            return None
        produced.append([_out_row(r, qubits, params) for r in rows])
    first, second = produced
    if None in first or first != second:  # a parameter the rule computed, or rows that depend on it
        return None
    return tuple(first)


def _out_row(row: Row, qubits: tuple[int, ...], params: tuple[float, ...]) -> OutRow | None:
    g = GATES[OPCODE[row.name]]
    if any(q not in qubits for q in row.qubits) or len(row.params) != g.n_params:
        return None
    out_params = []
    for p in row.params:
        hits = [k for k, given in enumerate(params) if p is given]
        out_params.append((hits[0], 0.0) if hits else (-1, float(p)))
    keeps = []
    for value, probe, fresh in ((row.result, _RESULT, None), (row.loc, _LOC, None),
                                (row.records, _RECORDS, ()), (row.timing, _TIMING, None)):
        if value is probe:
            keeps.append(True)
        elif value == fresh:
            keeps.append(False)
        else:
            return None
    return OutRow(OPCODE[row.name], tuple(qubits.index(q) for q in row.qubits), tuple(out_params), *keeps)


def decompose_columns(table: GateTable, native: frozenset, rewrite: Rewrite) -> GateTable | None:
    """`GateTable.from_rows(decompose(rows, native))` built column-wise, or None when some
    gate needs the row path (a macro, a gate without a template, records on a gate)."""
    opcode = table.opcode.astype(np.intp)
    templates: dict[int, tuple[OutRow, ...]] = {}
    for code in np.flatnonzero(np.bincount(opcode, minlength=len(GATES))).tolist():
        g = GATES[code]
        if g.kind == "macro":
            return None
        if g.kind == "gate" and g.name not in native:
            t = template(code, native, rewrite)
            if t is None:
                return None
            templates[code] = t
    if not templates:
        return table.normalized()
    n = len(table)
    size = np.ones(n, dtype=np.intp)
    rows_of = {}
    for code, t in templates.items():
        rows_of[code] = rows = np.flatnonzero(opcode == code)
        size[rows] = len(t)
    out_start = np.cumsum(size) - size
    src = np.repeat(np.arange(n), size)
    in_offsets = table.qubit_offsets.astype(np.intp)
    new_opcode = table.opcode[src]
    counts = (in_offsets[1:] - in_offsets[:-1])[src]
    params = table.params[src]
    result, loc = table.result[src], table.loc[src]
    start, duration, stage = table.start[src], table.duration[src], table.stage[src]
    rec_counts = np.diff(table.record_offsets)
    stamped = []
    for code, t in templates.items():
        rows = rows_of[code]
        if not all(o.keeps_records for o in t) and rec_counts[rows].any():
            return None
        for j, out in enumerate(t):
            at = out_start[rows] + j
            new_opcode[at] = out.opcode
            counts[at] = len(out.slots)
            block = np.zeros((len(rows), MAX_PARAMS))
            for k, (given, constant) in enumerate(out.params):
                block[:, k] = table.params[rows, given] if given >= 0 else constant
            params[at] = block
            if not out.keeps_result:
                result[at] = -1
            if not out.keeps_loc:
                loc[at] = -1
            if not out.keeps_timing:
                start[at] = np.nan
            stamped.append((at, rows, out.slots))
    qubit_offsets = np.zeros(len(src) + 1, dtype=np.intp)
    np.cumsum(counts, out=qubit_offsets[1:])
    owner = np.repeat(np.arange(len(src)), counts)
    take = in_offsets[:-1][src][owner] + np.arange(int(qubit_offsets[-1])) - qubit_offsets[:-1][owner]
    for at, rows, slots in stamped:
        for k, slot in enumerate(slots):
            take[qubit_offsets[at] + k] = in_offsets[rows] + slot
    record_offsets = np.zeros(len(src) + 1, dtype=np.intp)
    np.cumsum(rec_counts[src], out=record_offsets[1:])
    rec_owner = np.repeat(np.arange(len(src)), rec_counts[src])
    rec_take = (table.record_offsets[:-1][src][rec_owner] + np.arange(int(record_offsets[-1]))
                - record_offsets[:-1][rec_owner])
    return normalized_table(
        opcode=new_opcode, qubit_offsets=qubit_offsets, qubits=table.qubits[take], params=params,
        result=result, result_names=table.result_names, loc=loc, locs=table.locs,
        record_offsets=record_offsets, records=table.records[rec_take],
        start=start, duration=duration, stage=stage,
    )
