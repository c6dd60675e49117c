"""Assemble the routed gate table from the router's emission lists, with numpy.

The router emits each input row once (by index, on its new atoms) and each
SWAP as one marker on two atoms; here the columns of the input are gathered
and every marker is expanded into the rows of one SWAP (the template).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import MAX_PARAMS, OPCODE
from navm.passes.placement.sabre import SWAP_MARK, Routed


def routed_table(table: GateTable, routed: Routed, swap: Sequence[Row]) -> GateTable:
    """`swap`: the rows of one SWAP of qubits 0 and 1. The schedule columns are cleared."""
    src = np.asarray(routed.src, dtype=np.int64)
    mark = src == SWAP_MARK
    rows, size = len(table), len(swap)
    slots = np.array([q for r in swap for q in r.qubits], dtype=np.int64)
    # Extend the input's columns with the template rows, at indices rows .. rows + size - 1.
    t_params = np.zeros((size, MAX_PARAMS))
    for i, r in enumerate(swap):
        t_params[i, : len(r.params)] = r.params
    opcode = np.concatenate([table.opcode, np.array([OPCODE[r.name] for r in swap], dtype=table.opcode.dtype)])
    counts = np.concatenate([np.diff(table.qubit_offsets), [len(r.qubits) for r in swap]]).astype(np.int64)
    params = np.concatenate([table.params, t_params])
    result = np.concatenate([table.result, np.full(size, -1, dtype=table.result.dtype)])
    rec_counts = np.concatenate([np.diff(table.record_offsets), np.zeros(size, dtype=np.int64)]).astype(np.int64)
    rec_start = np.concatenate([table.record_offsets[:-1], np.zeros(size, dtype=np.int64)]).astype(np.int64)

    # Each marker becomes `size` rows; each other entry one.
    entry = np.repeat(np.arange(len(src)), np.where(mark, size, 1))
    first = np.concatenate([[0], np.cumsum(np.where(mark, size, 1))[:-1]])
    within = np.arange(len(entry)) - first[entry]
    row = np.where(mark[entry], rows + within, src[entry])

    qubits = _qubits(np.asarray(routed.qubits, dtype=np.int64), src, mark, counts, slots)
    n_out = len(row)
    out_counts = counts[row]
    rc = rec_counts[row]
    record_offsets = np.concatenate([[0], np.cumsum(rc)])
    owner = np.repeat(np.arange(n_out), rc)
    records = table.records[rec_start[row][owner] + np.arange(int(rc.sum())) - record_offsets[owner]]
    return GateTable(
        opcode=opcode[row],
        qubit_offsets=np.concatenate([[0], np.cumsum(out_counts)]).astype(np.int32),
        qubits=qubits.astype(np.int32),
        params=params[row],
        result=result[row],
        result_names=table.result_names,
        loc=table.loc[np.asarray(routed.loc_row, dtype=np.int64)[entry]],
        locs=table.locs,
        record_offsets=record_offsets.astype(np.int32),
        records=records.astype(np.int32),
        start=np.full(n_out, np.nan),
        duration=np.full(n_out, np.nan),
        stage=np.full(n_out, -1, dtype=np.int32),
    )


def _qubits(emitted: np.ndarray, src: np.ndarray, mark: np.ndarray, counts: np.ndarray,
            slots: np.ndarray) -> np.ndarray:
    """The flat qubit column: each entry's atoms as emitted, each marker's two atoms spread
    over the template's qubit slots."""
    width_in = np.where(mark, 2, counts[np.where(mark, 0, src)])
    width_out = np.where(mark, len(slots), width_in)
    start_in = np.cumsum(width_in) - width_in
    start_out = np.cumsum(width_out) - width_out
    out = np.empty(int(width_out.sum()), dtype=np.int64)
    plain = np.flatnonzero(~mark)
    owner = np.repeat(plain, width_in[plain])
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(width_in[plain]) - width_in[plain], width_in[plain])
    out[start_out[owner] + offset] = emitted[start_in[owner] + offset]
    swaps = np.flatnonzero(mark)
    if len(swaps):
        pair = emitted[start_in[swaps][:, None] + np.array([0, 1])[None, :]]  # (swaps, 2)
        out[(start_out[swaps][:, None] + np.arange(len(slots))[None, :]).reshape(-1)] = \
            pair[:, slots].reshape(-1)
    return out
